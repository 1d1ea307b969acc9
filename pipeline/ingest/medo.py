"""МЭДО transport containers: a ZIP with an XML passport (xdms 2.x `communication`) and the document files.

The document's files give the text; the passport gives what the sending system registered (sender,
number, date, subject, signatory, addressees, executor), kept in `metadata["medo"]` for the card.
Elements are matched by local name, so any namespace prefix or version of the xdms schema reads.
"""

from __future__ import annotations

import zipfile
from typing import Any

from docket.errors import CorruptDocument
from pipeline.document import Page
from pipeline.ingest.archive import check_members, read_member
from pipeline.ingest.limits import Context

PASSPORT = "passport.xml"
MAX_PASSPORT_BYTES = 1024 * 1024
_SIGNATURES = (".sig", ".sgn", ".p7s", ".p7m", ".xml")  # detached signatures and service files


def passport_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    for member in archive.infolist():
        if member.filename.rsplit("/", 1)[-1].lower() == PASSPORT and not member.is_dir():
            return member
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(node, name: str):
    if node is None:
        return None
    return next((c for c in node if _local(c.tag) == name), None)


def _text(node, *path: str) -> str | None:
    for name in path:
        node = _child(node, name)
    text = (node.text or "").strip() if node is not None else ""
    return " ".join(text.split()) or None


def _attr(node, name: str) -> str | None:
    if node is None:
        return None
    return next((v for k, v in node.attrib.items() if _local(k) == name), None)


def _children(node, name: str) -> list:
    return [c for c in node if _local(c.tag) == name] if node is not None else []


def _person(node, *fields: str) -> dict[str, str | None] | None:
    return {f: _text(node, f) for f in fields} if node is not None else None


def parse_passport(data: bytes) -> dict[str, Any]:
    """The passport's fields; CorruptDocument when it is no xdms `communication`."""
    from xml.etree import ElementTree

    if len(data) > MAX_PASSPORT_BYTES:
        raise CorruptDocument("the МЭДО passport is too large")
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise CorruptDocument("the МЭДО passport declares entities")  # no entity tricks in a passport
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise CorruptDocument(f"the МЭДО passport is not valid XML ({exc})") from exc
    if _local(root.tag) != "communication":
        raise CorruptDocument("the МЭДО passport has no xdms communication")
    header, document = _child(root, "header"), _child(root, "document")
    signatory = _child(_child(document, "signatories"), "signatory")
    files = _child(document, "files")
    files = files if files is not None else _child(root, "files")
    return {
        "version": _attr(root, "version"),
        "type": _attr(header, "type"),
        "created": _attr(header, "created"),
        "sender": _text(header, "source", "organization"),
        "kind": _text(document, "kind"),
        "number": _text(document, "num", "number"),
        "date": _text(document, "num", "date"),
        "subject": _text(document, "annotation"),
        "pages": _text(document, "pages"),
        "signatory": _person(_child(signatory, "person"), "post", "name"),
        "addressees": [
            _person(a, "organization", "person")
            for a in _children(_child(document, "addressees"), "addressee")
        ],
        "executor": _person(_child(document, "executor"), "name", "phone"),
        "files": [
            {"name": _attr(f, "localName"), "type": _attr(f, "type")} for f in _children(files, "file")
        ],
    }


def extract_medo(
    archive: zipfile.ZipFile, passport: dict[str, Any], ctx: Context, first_number: int = 1
) -> tuple[list[Page], list[str]]:
    """The document's pages: the passport's files in its order, else every member but signatures."""
    from pipeline.ingest.extract import extract_nested

    members = check_members(archive, ctx)
    by_name = {m.filename.rsplit("/", 1)[-1]: m for m in members}
    listed = [by_name[f["name"]] for f in passport["files"] if f["name"] in by_name]
    parts = listed or [m for m in members if not m.filename.lower().endswith(_SIGNATURES)]
    pages: list[Page] = []
    warnings: list[str] = []
    for member in parts:
        ctx.check_time()
        data = read_member(archive, member, ctx)
        name = member.filename
        extract_nested(data, name, ctx, first_number + len(pages), name, pages, warnings)
    if not pages:
        raise CorruptDocument(
            "the МЭДО container holds no readable document"
            + (f" ({'; '.join(warnings[:3])})" if warnings else "")
        )
    return pages, warnings
