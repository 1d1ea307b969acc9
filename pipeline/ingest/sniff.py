"""What a file is, decided by its bytes (magic numbers and structure), never by its name."""

from __future__ import annotations

import io
import re
import zipfile

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
GIF = "image/gif"
BMP = "image/bmp"
WEBP = "image/webp"
EML = "message/rfc822"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = "application/zip"
TEXT = "text/plain"

IMAGES = {PNG, JPEG, TIFF, GIF, BMP, WEBP}

_HEADER_LINE = re.compile(rb"^([A-Za-z][A-Za-z0-9-]{1,60}):[ \t]?", re.MULTILINE)
_MAIL_HEADERS = {
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"mime-version",
    b"content-type",
    b"received",
    b"return-path",
    b"cc",
    b"reply-to",
    b"delivered-to",
}


def sniff(data: bytes) -> str | None:
    """The media type of `data`, or None when it is no format docket reads (text is decided later)."""
    import filetype

    head = data[:1024]
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)  # before the PDF search: an uncompressed member may be a PDF
    if b"%PDF-" in head:
        return PDF
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/x-ole-storage (legacy .doc/.xls; save it as DOCX or PDF)"
    kind = filetype.guess(data[:8192])
    if kind is not None:
        if kind.mime in IMAGES:
            return kind.mime
        if kind.mime in {"image/x-ms-bmp"}:
            return BMP
        return kind.mime  # known binary type docket does not read: the caller reports it by name
    if looks_like_email(data):
        return EML
    return None


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return ZIP  # the archive reader reports the damage
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names or "ppt/presentation.xml" in names or "mimetype" in names:
        return "application/x-office-document"
    return ZIP


def looks_like_email(data: bytes) -> bool:
    """An RFC 5322 header block: several known header fields before the first empty line."""
    head = data[:16384].replace(b"\r\n", b"\n")
    block = head.split(b"\n\n", 1)[0]
    if not block or block[:1].isspace():
        return False
    lines = [line for line in block.split(b"\n") if line and not line[:1].isspace()]
    if not lines or not _HEADER_LINE.match(lines[0]):
        return False
    names = {m.group(1).lower() for m in _HEADER_LINE.finditer(block)}
    return len(names & _MAIL_HEADERS) >= 2 and all(_HEADER_LINE.match(line) for line in lines[:3])
