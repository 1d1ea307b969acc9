"""One record per letter, built the same way from a register row (training) and from a document + card
(prediction), so the models see identical inputs in both places. Missing fields are None."""

from __future__ import annotations

from typing import Any

RECORD_FIELDS = (
    "text",
    "summary",
    "correspondent_id",
    "correspondent_name",
    "doc_kind",
    "topic_code",
    "addressee",
    "channel",
    "appeal_kind",
    "author_id",
)
CATEGORICAL = (
    "correspondent_id",
    "doc_kind",
    "topic_code",
    "addressee",
    "channel",
    "appeal_kind",
    "author_id",
)


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    text = str(value).strip()
    return text or None


def record_from_row(row: dict[str, Any]) -> dict[str, Any]:
    record = {name: _clean(row.get(name)) for name in RECORD_FIELDS if name != "author_id"}
    record["author_id"] = _clean(row.get("resolution_author_id"))
    return record


def record_from_card(document: Any, card: Any, author_id: str | None = None) -> dict[str, Any]:
    def value(name: str) -> Any:
        item = getattr(card, name, None)
        return None if item is None else item.value

    correspondent = value("correspondent")
    topic = value("topic")
    return {
        "text": _clean(getattr(document, "text", None)),
        "summary": _clean(value("summary")),
        "correspondent_id": _clean(getattr(correspondent, "id", None)),
        "correspondent_name": _clean(getattr(correspondent, "name", None)),
        "doc_kind": _clean(value("doc_kind")),
        "topic_code": _clean(getattr(topic, "code", None)),
        "addressee": _clean(value("addressee")),
        "channel": _clean(value("channel")),
        "appeal_kind": _clean(value("appeal_kind")),
        "author_id": _clean(author_id),
    }


def normalise_key(value: Any) -> str:
    return " ".join(str(value).replace("ё", "е").casefold().split())


def field_tokens(record: dict[str, Any]) -> str:
    """Card fields as tokens, plus author-conditioned pairs (one manager routes a topic differently from
    another)."""
    parts = []
    for name in CATEGORICAL:
        value = record.get(name)
        if value is not None:
            parts.append(f"{name}={normalise_key(value).replace(' ', '_')}")
    author = record.get("author_id")
    if author is not None:
        for name in ("topic_code", "doc_kind", "correspondent_id"):
            if record.get(name) is not None:
                parts.append(f"author_{name}={author}|{normalise_key(record[name]).replace(' ', '_')}")
    return " ".join(parts)


def text_of(record: dict[str, Any], limit: int = 4000) -> str:
    """Summary first (it names the matter), then the start of the letter."""
    return " ".join(filter(None, [record.get("summary"), (record.get("text") or "")[:limit]]))
