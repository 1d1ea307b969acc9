"""Scanned pages: OCR results (pixels) to pages (points), with repaired look-alikes and reading order."""

from __future__ import annotations

from statistics import median

from pipeline.document import Page, Word
from pipeline.ingest.layout import layout
from pipeline.ingest.limits import Context
from pipeline.ingest.ocr import OcrResult, OcrTask, OcrWord, run_ocr
from pipeline.ingest.repair import repair_words

SCRIBBLE_CONFIDENCE = 0.7
SCRIBBLE_HEIGHT = 2.2  # line heights: a signature's strokes are taller than any word of the letter


def ocr_pages(tasks: list[OcrTask], ctx: Context, first_number: int = 1) -> list[Page]:
    ctx.check_time()
    results = run_ocr(tasks, workers=ctx.settings.workers, budget_s=ctx.remaining())
    return [to_page(result, first_number + i, ctx.settings.ocr_dpi) for i, result in enumerate(results)]


def _is_scribble(word: OcrWord, line_height: float) -> bool:
    """Signatures and stamp borders read as tall, near-zero-confidence 'words'."""
    return (
        word.confidence < SCRIBBLE_CONFIDENCE and word.bbox[3] - word.bbox[1] > SCRIBBLE_HEIGHT * line_height
    )


def to_page(result: OcrResult, number: int, default_dpi: int = 300) -> Page:
    scale = 72 / (result.dpi or default_dpi)
    kept = result.words
    if kept:
        line_height = median(w.bbox[3] - w.bbox[1] for w in kept)
        kept = [w for w in kept if not _is_scribble(w, line_height)]
    texts = repair_words([w.text for w in kept])
    words = [
        Word(text=text, bbox=tuple(round(v * scale, 2) for v in w.bbox), confidence=w.confidence)
        for text, w in zip(texts, kept, strict=True)
    ]
    blocks, text = layout(words)
    confidence = round(sum(w.confidence for w in words) / len(words), 3) if words else None
    return Page(
        number=number,
        text=text,
        ocr=True,
        ocr_confidence=confidence,
        width=round(result.width * scale, 2),
        height=round(result.height * scale, 2),
        blocks=blocks,
        words=words,
    )
