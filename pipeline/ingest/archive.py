"""ZIP archives: members checked against bomb limits before anything is unpacked, then ingested in turn."""

from __future__ import annotations

import io
import zipfile

from docket.errors import CorruptDocument, EncryptedDocument, LimitExceeded
from pipeline.document import Page
from pipeline.ingest.limits import MAX_ARCHIVE_ENTRIES, MAX_COMPRESSION_RATIO, Context


def open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise CorruptDocument(f"the archive is damaged ({exc})") from exc


def check_members(archive: zipfile.ZipFile, ctx: Context) -> list[zipfile.ZipInfo]:
    """Refuse zip bombs by their declared sizes (zipfile never unpacks past a member's declared size)."""
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > MAX_ARCHIVE_ENTRIES:
        raise LimitExceeded(f"the archive has more than {MAX_ARCHIVE_ENTRIES} files")
    total = sum(m.file_size for m in members)
    limit = ctx.settings.max_unpacked_mb * 1024 * 1024
    if ctx.unpacked + total > limit:
        raise LimitExceeded(f"the archive unpacks to more than {ctx.settings.max_unpacked_mb} MB")
    for m in members:
        if m.file_size > 1024 * 1024 and m.file_size > MAX_COMPRESSION_RATIO * max(m.compress_size, 1):
            raise LimitExceeded(f"the archive member {m.filename} is a decompression bomb")
    return members


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, ctx: Context) -> bytes:
    if member.flag_bits & 0x1:
        raise EncryptedDocument(f"the archive member {member.filename} is encrypted")
    try:
        data = archive.read(member)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise CorruptDocument(f"the archive member {member.filename} is damaged ({exc})") from exc
    ctx.add_unpacked(len(data))
    return data


def extract_zip(data: bytes, ctx: Context, first_number: int = 1) -> tuple[list[Page], list[str]]:
    from pipeline.ingest.extract import extract_nested

    pages: list[Page] = []
    warnings: list[str] = []
    with open_zip(data) as archive:
        for member in check_members(archive, ctx):
            name = member.filename
            if name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1].startswith("."):
                continue
            ctx.check_time()
            try:
                payload = read_member(archive, member, ctx)
            except (EncryptedDocument, CorruptDocument) as exc:
                warnings.append(f"{name}: {exc.message}")
                continue
            extract_nested(payload, name, ctx, first_number + len(pages), name, pages, warnings)
    if not pages:
        raise CorruptDocument(
            "the archive holds no readable document" + (f" ({'; '.join(warnings[:3])})" if warnings else "")
        )
    return pages, warnings
