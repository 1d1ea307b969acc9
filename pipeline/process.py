"""The pipeline, top to bottom: ingest → card → duplicates → deadline → executors → resolution.

Every stage is a function over plain data in its own module; this file only composes them and times them.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from docket.settings import Settings, get_settings
from pipeline import assign, deadline, resolution
from pipeline.card import extract_card
from pipeline.contract import Block, DocumentInfo, Page, Suggestion, Word
from pipeline.document import Document
from pipeline.duplicates import find_duplicates
from pipeline.ingest import ingest_bytes, ingest_path, ingest_text
from pipeline.resources import Resources


class _Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def run(self, name, fn, *args, **kwargs):
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            self.timings[name] = round((time.perf_counter() - started) * 1000, 3)


def document_info(document: Document, include_words: bool = False) -> DocumentInfo:
    pages = [
        Page(
            number=p.number,
            text=p.text,
            ocr=p.ocr,
            ocr_confidence=p.ocr_confidence,
            width=p.width,
            height=p.height,
            blocks=[Block(text=b.text, bbox=b.bbox) for b in p.blocks],
            words=[Word(text=w.text, bbox=w.bbox, confidence=w.confidence) for w in p.words]
            if include_words
            else None,
        )
        for p in document.pages
    ]
    return DocumentInfo(
        id=document.id,
        file_name=document.file_name,
        media_type=document.media_type,
        page_count=len(document.pages),
        ocr_used=document.ocr_used,
        text_length=len(document.text),
        metadata=document.metadata,
        warnings=document.warnings,
        pages=pages,
    )


class Processor:
    """Runs the stages for one document with the given resources (directory, models, duplicate index)."""

    def __init__(self, settings: Settings | None = None, resources: Resources | None = None):
        self.settings = settings or get_settings()
        self.resources = resources if resources is not None else Resources.load(self.settings)

    def process_document(
        self,
        document: Document,
        *,
        registered: date | None = None,
        timer: _Timer | None = None,
        include_words: bool = False,
        metadata: dict | None = None,
    ) -> Suggestion:
        """Run the stages; `metadata` from the caller (channel, e-mail headers) overrides what ingest found."""
        timer = timer or _Timer()
        res = self.resources
        document.metadata.update(metadata or {})
        if registered is not None:
            # The executor and resolution stages read availability and the deadline from this date.
            document.metadata["registered"] = registered.isoformat()
        card = timer.run("card", extract_card, document, res)
        duplicates = timer.run("duplicates", find_duplicates, document, card, res.duplicate_index)
        due = timer.run("deadline", deadline.compute_deadline, document, card, registered)
        executors = timer.run(
            "executors", assign.suggest_executors, document, card, res.bundle, self.settings.executor_top_k
        )
        draft = timer.run(
            "resolution", resolution.draft_resolution, document, card, executors, due, res.bundle
        )
        return Suggestion(
            document=document_info(document, include_words=include_words),
            card=card,
            duplicates=duplicates,
            executors=executors,
            resolution=draft,
            deadline=due,
            timings_ms=timer.timings,
            model_version=res.model_version,
        )

    def process_path(self, path: Path | str, **kwargs) -> Suggestion:
        timer = _Timer()
        document = timer.run("ingest", ingest_path, path, self.settings)
        return self.process_document(document, timer=timer, **kwargs)

    def process_bytes(self, data: bytes, file_name: str | None = None, **kwargs) -> Suggestion:
        timer = _Timer()
        document = timer.run("ingest", ingest_bytes, data, file_name, self.settings)
        return self.process_document(document, timer=timer, **kwargs)

    def process_text(self, text: str, *, metadata: dict | None = None, **kwargs) -> Suggestion:
        timer = _Timer()
        document = timer.run("ingest", ingest_text, text, metadata=metadata)
        return self.process_document(document, timer=timer, **kwargs)
