"""E-mail (.eml): headers into metadata, the body as the first page, every attachment ingested in turn."""

from __future__ import annotations

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from docket.errors import CorruptDocument, InputError
from pipeline.document import Block, Page
from pipeline.ingest.limits import Context
from pipeline.ingest.text import decode_text

_FORWARD_MARK = re.compile(
    r"^[ >-]*(-{2,}\s*)?(Forwarded message|Пересылаемое сообщение|Перенаправленное сообщение|"
    r"Original Message|Исходное сообщение|Начало переадресованного сообщения)\b.*$",
    re.IGNORECASE | re.MULTILINE,
)
_FORWARD_FIELD = re.compile(
    r"^[ >]*(From|От|To|Кому|Date|Sent|Дата|Отправлено|Subject|Тема)\s*:\s*(.+)$", re.IGNORECASE
)
_FIELD_NAMES = {
    "from": "from", "от": "from", "to": "to", "кому": "to", "date": "date", "sent": "date",
    "дата": "date", "отправлено": "date", "subject": "subject", "тема": "subject",
}  # fmt: skip


def _header(message: EmailMessage, name: str) -> str | None:
    try:
        value = message[name]
    except Exception:  # a malformed header must not sink the letter
        value = message.get_all(name, failobj=[None])[0] if hasattr(message, "get_all") else None
    return str(value).strip() if value is not None else None


def _addresses(value: str | None) -> list[dict[str, str]]:
    if not value:
        return []
    return [{"name": name, "address": addr} for name, addr in getaddresses([value]) if addr or name]


def headers(message: EmailMessage) -> dict[str, Any]:
    date_raw = _header(message, "Date")
    try:
        date = parsedate_to_datetime(date_raw).isoformat() if date_raw else None
    except (TypeError, ValueError, IndexError):
        date = None
    sender = _header(message, "From")
    return {
        "from": sender,
        "from_addresses": _addresses(sender),
        "to": _header(message, "To"),
        "cc": _header(message, "Cc"),
        "date": date or date_raw,
        "subject": _header(message, "Subject"),
        "message_id": _header(message, "Message-ID"),
    }


def forwarded_chain(body: str) -> list[dict[str, str]]:
    """Headers of messages quoted in a forwarded chain, outermost first."""
    chain = []
    for mark in _FORWARD_MARK.finditer(body):
        fields: dict[str, str] = {}
        for line in body[mark.end() :].lstrip("\n").split("\n")[:8]:
            found = _FORWARD_FIELD.match(line)
            if not found:
                if fields:
                    break
                continue
            fields.setdefault(_FIELD_NAMES[found.group(1).lower()], found.group(2).strip())
        if fields:
            chain.append(fields)
    return chain


def _part_text(part: EmailMessage) -> str:
    try:
        text = part.get_content()
    except (LookupError, UnicodeError, AssertionError, KeyError):
        text = decode_text(part.get_payload(decode=True) or b"")
    if isinstance(text, bytes):
        text = decode_text(text)
    if part.get_content_subtype() == "html":
        import html2text

        converter = html2text.HTML2Text()
        converter.body_width = 0
        converter.ignore_images = True
        converter.ignore_emphasis = True
        text = converter.handle(text)
    return text.replace("\r\n", "\n").strip()


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        if message.get_content_maintype() == "text":
            part = message
        else:
            return ""
    return _part_text(part)


def _attachment_bytes(part: EmailMessage) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        return inner.as_bytes(policy=policy.default) if hasattr(inner, "as_bytes") else b""
    return part.get_payload(decode=True) or b""


def extract_email(data: bytes, ctx: Context, first_number: int = 1) -> tuple[list[Page], dict, list[str]]:
    from pipeline.ingest.extract import extract_nested

    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
    except Exception as exc:
        raise CorruptDocument(f"the e-mail cannot be parsed ({exc})") from exc
    meta = headers(message)
    warnings: list[str] = []
    defects = [type(d).__name__ for d in message.defects]
    if message.is_multipart() and not message.get_payload():
        raise CorruptDocument(f"broken MIME structure: {', '.join(defects) or 'multipart without parts'}")
    body = _body(message)
    chain = forwarded_chain(body)
    if chain:
        meta["forwarded"] = chain
    pages: list[Page] = []
    if body:
        ctx.add_pages(1)
        pages.append(Page(number=first_number, text=body, blocks=[Block(text=body)]))
    attachments = list(message.iter_attachments()) if message.is_multipart() else []
    names = []
    for i, part in enumerate(attachments, 1):
        ctx.check_time()
        name = part.get_filename() or f"attachment-{i}"
        payload = _attachment_bytes(part)
        if not payload:
            continue
        ctx.add_unpacked(len(payload))
        names.append(name)
        found = extract_nested(
            payload, name, ctx, first_number + len(pages), f"attachment {name}", pages, warnings
        )
        if found is not None and found.metadata.get("email"):
            meta.setdefault("attached_emails", []).append(found.metadata["email"])
    meta["attachments"] = names
    if defects:
        warnings.append(f"MIME defects: {', '.join(sorted(set(defects)))}")
    if not pages:
        if defects:
            raise CorruptDocument(f"broken MIME structure: {', '.join(sorted(set(defects)))}")
        raise InputError("the e-mail has no text and no readable attachments")
    for number, page in enumerate(pages, first_number):
        page.number = number
    return pages, meta, warnings
