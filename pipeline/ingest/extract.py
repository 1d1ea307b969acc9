"""One file's bytes to pages, by what the bytes are: the dispatcher every container recurses into."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docket.errors import DocketError, InputError, LimitExceeded, UnsupportedFormat
from pipeline.document import Block, Page
from pipeline.ingest import sniff
from pipeline.ingest.limits import Context
from pipeline.ingest.text import check_binary, check_readable, decode_text


@dataclass
class Extracted:
    media_type: str
    pages: list[Page]
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def text_page(text: str, number: int = 1) -> Page:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [p.strip("\n") for p in text.split("\n\n") if p.strip()]
    return Page(number=number, text=text, blocks=[Block(text=p) for p in paragraphs])


def extract(data: bytes, file_name: str | None, ctx: Context, first_number: int = 1) -> Extracted:
    if not data:
        raise InputError("the file is empty")
    ctx.check_time()
    kind = sniff.sniff(data)
    if kind == sniff.PDF:
        from pipeline.ingest.pdf import extract_pdf

        return Extracted(kind, extract_pdf(data, ctx, first_number))
    if kind in sniff.IMAGES:
        from pipeline.ingest.image import extract_image

        return Extracted(kind, extract_image(data, kind, ctx, first_number))
    if kind == sniff.EML:
        from pipeline.ingest.mail import extract_email

        pages, meta, warnings = extract_email(data, ctx, first_number)
        return Extracted(kind, pages, {"email": meta, "channel": "email"}, warnings)
    if kind == sniff.DOCX:
        from pipeline.ingest.office import extract_docx

        return Extracted(kind, extract_docx(data, ctx, first_number))
    if kind == sniff.ZIP:
        return _extract_archive(data, ctx, first_number)
    if kind is not None:
        raise UnsupportedFormat(f"unsupported file type: {kind} ({file_name or 'unnamed'})")
    check_binary(data)
    text = decode_text(data)
    check_readable(text)
    ctx.add_pages(1)
    return Extracted(sniff.TEXT, [text_page(text, first_number)])


def _extract_archive(data: bytes, ctx: Context, first_number: int) -> Extracted:
    """A ZIP: a МЭДО container when it holds an xdms passport, else an archive of documents."""
    from docket.errors import CorruptDocument
    from pipeline.ingest.archive import extract_zip, open_zip, read_member
    from pipeline.ingest.medo import extract_medo, parse_passport, passport_member

    notes: list[str] = []
    with open_zip(data) as archive:
        member = passport_member(archive)
        if member is not None:
            try:
                passport = parse_passport(read_member(archive, member, ctx))
            except CorruptDocument as exc:
                notes.append(f"{member.filename}: {exc.message}; read as a plain archive")
            else:
                pages, warnings = extract_medo(archive, passport, ctx, first_number)
                return Extracted(sniff.ZIP, pages, {"medo": passport, "channel": "medo"}, warnings)
    pages, warnings = extract_zip(data, ctx, first_number)
    return Extracted(sniff.ZIP, pages, {}, notes + warnings)


def extract_nested(
    data: bytes,
    name: str,
    ctx: Context,
    first_number: int,
    label: str,
    pages: list[Page],
    warnings: list[str],
) -> Extracted | None:
    """Extract a part of a container (an e-mail attachment, a ZIP member) into `pages` and `warnings`.

    A part that cannot be read becomes a warning and the rest of the container is kept; only a limit
    (a bomb, the time budget) stops the whole document. Page origins are prefixed with the part's name.
    """
    try:
        with ctx.nested():
            found = extract(data, name, ctx, first_number)
    except LimitExceeded:
        raise
    except DocketError as exc:
        warnings.append(f"{label}: {exc.message}")
        return None
    for page in found.pages:
        page.origin = f"{name}/{page.origin}" if page.origin else name
        pages.append(page)
    warnings.extend(f"{label}: {w}" for w in found.warnings)
    return found
