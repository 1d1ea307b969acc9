"""From stored bytes to a Suggestion: decide sync or async cheaply, and run the pipeline.

The same `process_stored` runs in a request thread (text) and in the worker processes (everything else),
so a job and a synchronous answer are the same computation.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from pathlib import Path
from typing import Any

from docket.errors import DocketError, LimitExceeded
from docket.settings import Settings
from pipeline.contract import Suggestion

log = logging.getLogger("docket.service")

TEXT_MEDIA_TYPES = {"text/plain"}
TEXT_SUFFIXES = {".txt", ".text"}
SYNC_PDF_MAX_PAGES = 20
MIN_TEXT_LAYER_CHARS = 50


def pdf_page_count_and_text(data: bytes) -> tuple[int, bool] | None:
    """(pages, every page has a text layer) from pypdfium2, or None when it cannot tell (let ingest decide)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception:
        return None
    try:
        pages = len(pdf)
        if pages > SYNC_PDF_MAX_PAGES:
            return pages, False
        for index in range(pages):
            page = pdf[index]
            text = page.get_textpage().get_text_range()
            if len(text.strip()) < MIN_TEXT_LAYER_CHARS:
                return pages, False
        return pages, True
    except Exception:
        return None
    finally:
        pdf.close()


def is_plain_text(data: bytes, file_name: str | None, content_type: str | None) -> bool:
    suffix = Path(file_name or "").suffix.lower()
    declared = (content_type or "").split(";")[0].strip().lower()
    if suffix not in TEXT_SUFFIXES and declared not in TEXT_MEDIA_TYPES:
        return False
    head = data[:4096]
    return b"\x00" not in head or head.startswith((b"\xff\xfe", b"\xfe\xff"))


def plan(data: bytes, file_name: str | None, content_type: str | None, settings: Settings) -> str:
    """'sync' when the document is cheap (plain text, a short PDF with a text layer), else 'async'.

    Also enforces the page limit for PDFs before anything is queued.
    """
    if is_plain_text(data, file_name, content_type):
        return "sync"
    if data.startswith(b"%PDF"):
        found = pdf_page_count_and_text(data)
        if found is not None:
            pages, has_text = found
            if pages > settings.max_pages:
                raise LimitExceeded(
                    f"the document has {pages} pages; at most {settings.max_pages} are accepted"
                )
            return "sync" if has_text else "async"
    return "async"


def process_stored(
    settings: Settings,
    resources: Any,
    *,
    kind: str,
    data: bytes,
    file_name: str | None,
    meta: dict[str, Any],
) -> Suggestion:
    from pipeline.ingest import ingest_bytes
    from pipeline.process import Processor

    processor = Processor(settings, resources)
    metadata = dict(meta.get("metadata") or {})
    if meta.get("channel"):
        metadata["channel"] = meta["channel"]
    registered = dt.date.fromisoformat(meta["registered"]) if meta.get("registered") else None
    if kind == "text":
        return processor.process_text(data.decode("utf-8"), metadata=metadata, registered=registered)
    started = time.perf_counter()
    document = ingest_bytes(data, file_name, settings)
    ingest_ms = round((time.perf_counter() - started) * 1000, 3)
    document.metadata.update(metadata)
    suggestion = processor.process_document(document, registered=registered)
    suggestion.timings_ms = {"ingest": ingest_ms, **suggestion.timings_ms}
    return suggestion


# --- worker processes -------------------------------------------------------------------------------

_worker_manager = None


def worker_init() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s worker: %(message)s")


def worker_run(settings_data: dict[str, Any], tenant: str, job: dict[str, Any]) -> dict[str, Any]:
    """Run one job in a worker process; returns plain data (a suggestion JSON or an error), never raises."""
    global _worker_manager
    from service.resources import ResourceManager

    try:
        settings = Settings(**settings_data)
        if _worker_manager is None or _worker_manager.settings != settings:
            _worker_manager = ResourceManager(settings)
        data = Path(job["storage_path"]).read_bytes()
        suggestion = process_stored(
            settings,
            _worker_manager.get(tenant),
            kind=job["kind"],
            data=data,
            file_name=job["file_name"],
            meta=job["meta"],
        )
        return {
            "ok": True,
            "suggestion": suggestion.model_dump_json(),
            "model_version": suggestion.model_version,
        }
    except DocketError as exc:
        return {"ok": False, "status": exc.http_status, "code": exc.code, "detail": exc.message}
    except Exception as exc:  # noqa: BLE001 - a job reports failure, it never kills the worker
        log.error("job failed with %s", type(exc).__name__)
        return {
            "ok": False,
            "status": 500,
            "code": "internal_error",
            "detail": "processing failed unexpectedly",
        }
