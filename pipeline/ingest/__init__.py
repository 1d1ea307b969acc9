"""Ingestion: any incoming file (PDF, scans, images, e-mail, DOCX, ZIP, text) to a Document with pages.

The type is decided by the bytes, never the file name; every limit (size, pages, pixels, unpacked bytes,
nesting, time) raises LimitExceeded, every unreadable input another DocketError, never a crash.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from docket.errors import CorruptDocument, DocketError, InputError, LimitExceeded
from docket.settings import Settings, get_settings
from pipeline.document import Document
from pipeline.ingest.extract import text_page
from pipeline.ingest.limits import Context
from pipeline.ingest.text import decode_text

__all__ = ["decode_text", "ingest_bytes", "ingest_path", "ingest_text"]

log = logging.getLogger(__name__)


def ingest_text(text: str, *, file_name: str | None = None, metadata: dict | None = None) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("the document has no text")
    doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(
        id=doc_id,
        media_type="text/plain",
        pages=[text_page(text)],
        file_name=file_name,
        metadata=dict(metadata or {}),
    )


def ingest_bytes(data: bytes, file_name: str | None = None, settings: Settings | None = None) -> Document:
    from pipeline.ingest.extract import extract

    settings = settings or get_settings()
    if not data:
        raise InputError("the file is empty")
    if len(data) > settings.max_upload_mb * 1024 * 1024:
        raise LimitExceeded(f"the file is larger than {settings.max_upload_mb} MB")
    ctx = Context(settings)
    try:
        found = extract(data, file_name, ctx)
    except DocketError:
        raise
    except RecursionError as exc:
        raise LimitExceeded("the file is nested too deeply to read") from exc
    except MemoryError as exc:
        raise LimitExceeded("the file needs more memory than docket allows") from exc
    except Exception as exc:  # a library choking on hostile input must not reach the caller as a crash
        log.debug("ingest failed on %s", file_name, exc_info=True)
        raise CorruptDocument(f"the file cannot be read ({type(exc).__name__})") from exc
    finally:
        ctx.close()
    return Document(
        id=hashlib.sha256(data).hexdigest(),
        media_type=found.media_type,
        pages=found.pages,
        file_name=file_name,
        metadata=found.metadata,
        warnings=found.warnings,
    )


def ingest_path(path: Path | str, settings: Settings | None = None) -> Document:
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if not path.is_file():
        raise InputError(f"not a file: {path}")
    settings = settings or get_settings()
    if path.stat().st_size > settings.max_upload_mb * 1024 * 1024:
        raise LimitExceeded(f"the file is larger than {settings.max_upload_mb} MB")
    return ingest_bytes(path.read_bytes(), file_name=path.name, settings=settings)
