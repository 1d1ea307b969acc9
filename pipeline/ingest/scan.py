"""Scanned pages: OCR results (pixels) to pages (points), with repaired look-alikes and reading order."""

from __future__ import annotations

from pipeline.document import Page, Word
from pipeline.ingest.layout import layout
from pipeline.ingest.limits import Context
from pipeline.ingest.ocr import OcrResult, OcrTask, run_ocr
from pipeline.ingest.repair import repair_words


def ocr_pages(tasks: list[OcrTask], ctx: Context, first_number: int = 1) -> list[Page]:
    ctx.check_time()
    results = run_ocr(tasks, workers=ctx.settings.workers, budget_s=ctx.remaining())
    return [to_page(result, first_number + i, ctx.settings.ocr_dpi) for i, result in enumerate(results)]


def to_page(result: OcrResult, number: int, default_dpi: int = 300) -> Page:
    scale = 72 / (result.dpi or default_dpi)
    texts = repair_words([w.text for w in result.words])
    words = [
        Word(text=text, bbox=tuple(round(v * scale, 2) for v in w.bbox), confidence=w.confidence)
        for text, w in zip(texts, result.words, strict=True)
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
