"""What the index keeps of one registered letter, built from a card (model or contract JSON)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass
class IndexRecord:
    """One registered letter as the index keeps it (no file bytes)."""

    document_id: str
    text: str
    reg_date: dt.date | None = None
    file_sha256: str | None = None
    correspondent_id: str | None = None
    correspondent_name: str | None = None
    outgoing_number: str | None = None
    outgoing_date: dt.date | None = None
    applicant_name: str | None = None
    applicant_email: str | None = None
    applicant_phone: str | None = None
    applicant_address: str | None = None
    topic_code: str | None = None
    doc_kind: str | None = None


def _field_value(card: Any, name: str) -> Any:
    if card is None:
        return None
    field = card.get(name) if isinstance(card, dict) else getattr(card, name, None)
    if field is None:
        return None
    return field.get("value") if isinstance(field, dict) else getattr(field, "value", None)


def _part(value: Any, key: str) -> Any:
    if value is None:
        return None
    return value.get(key) if isinstance(value, dict) else getattr(value, key, None)


def to_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        try:
            return value.to_pydatetime().date()
        except ValueError:
            return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def record_from_card(
    document_id: str,
    text: str,
    card: Any,
    *,
    reg_date: dt.date | str | None = None,
    file_sha256: str | None = None,
) -> IndexRecord:
    """An IndexRecord from a card given as `pipeline.contract.Card` or as its contract JSON dict."""
    correspondent = _field_value(card, "correspondent")
    applicant = _field_value(card, "applicant")
    topic = _field_value(card, "topic")
    return IndexRecord(
        document_id=document_id,
        text=text or "",
        reg_date=to_date(reg_date),
        file_sha256=file_sha256,
        correspondent_id=_text(_part(correspondent, "id")),
        correspondent_name=_text(_part(correspondent, "name")),
        outgoing_number=_text(_field_value(card, "outgoing_number")),
        outgoing_date=to_date(_field_value(card, "outgoing_date")),
        applicant_name=_text(_part(applicant, "full_name")),
        applicant_email=_text(_part(applicant, "email")),
        applicant_phone=_text(_part(applicant, "phone")),
        applicant_address=_text(_part(applicant, "address")),
        topic_code=_text(_part(topic, "code")),
        doc_kind=_text(_field_value(card, "doc_kind")),
    )
