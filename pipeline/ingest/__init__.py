"""Ingestion: any incoming file to a Document with pages of text.

Foundation scope: plain text in any common Russian encoding. Other formats arrive with the ingestion issue.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from docket.errors import InputError, UnsupportedFormat
from docket.settings import Settings, get_settings
from pipeline.document import Document, Page

TEXT_SUFFIXES = {".txt", ".text", ""}


def decode_text(data: bytes) -> str:
    """Decode bytes of unknown Russian encoding (UTF-8, windows-1251, koi8-r, cp866, UTF-16)."""
    from charset_normalizer import from_bytes

    if not data:
        return ""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=["cp1251", "koi8_r", "cp866", "utf_16", "mac_cyrillic"]).best()
    if best is None:
        raise InputError("text is not in any known encoding")
    return str(best)


def ingest_text(text: str, *, file_name: str | None = None, metadata: dict | None = None) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("the document has no text")
    doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(
        id=doc_id,
        media_type="text/plain",
        pages=[Page(number=1, text=text)],
        file_name=file_name,
        metadata=dict(metadata or {}),
    )


def ingest_bytes(data: bytes, file_name: str | None = None, settings: Settings | None = None) -> Document:
    settings = settings or get_settings()
    if not data:
        raise InputError("the file is empty")
    if len(data) > settings.max_upload_mb * 1024 * 1024:
        from docket.errors import LimitExceeded

        raise LimitExceeded(f"the file is larger than {settings.max_upload_mb} MB")
    suffix = Path(file_name or "").suffix.lower()
    if (
        suffix not in TEXT_SUFFIXES
        or b"\x00" in data[:4096]
        and not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    ):
        raise UnsupportedFormat(f"unsupported file type: {file_name or 'binary data'}")
    document = ingest_text(decode_text(data), file_name=file_name)
    document.id = hashlib.sha256(data).hexdigest()
    return document


def ingest_path(path: Path | str, settings: Settings | None = None) -> Document:
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if not path.is_file():
        raise InputError(f"not a file: {path}")
    return ingest_bytes(path.read_bytes(), file_name=path.name, settings=settings)
