"""The card as a form: suggestion → the fields the clerk sees (review order, labels), and the submitted
form → the verified card sent through the service's verification path.

Review order puts the fields that need checking first (lowest confidence first), so they come first in
the tab order too; found fields follow, then the fields docket did not find.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pipeline.contract import CARD_FIELDS, CHANNELS, DOC_KINDS

LABELS = {
    "doc_kind": "Вид документа",
    "appeal_kind": "Вид обращения",
    "correspondent": "Корреспондент",
    "outgoing_number": "Исходящий номер",
    "outgoing_date": "Исходящая дата",
    "reply_to": "В ответ на",
    "addressee": "Адресат",
    "signatory": "Подписал",
    "sender_contact": "Исполнитель у отправителя",
    "summary": "Краткое содержание",
    "applicant": "Заявитель",
    "forwarded_by": "Перенаправлено из",
    "channel": "Канал поступления",
    "topic": "Тематика",
    "page_count": "Листов",
    "attachment_sheets": "Листов приложений",
}
SUB_LABELS = {
    "name": "наименование",
    "number": "номер",
    "date": "дата",
    "position": "должность",
    "phone": "телефон",
    "email": "эл. почта",
    "full_name": "ФИО",
    "address": "адрес",
    "code": "код",
}
PERSON_FIELDS = {"signatory", "sender_contact"}
DOC_KIND_LABELS = {
    "letter": "Письмо",
    "citizen_appeal": "Обращение гражданина",
    "collective_appeal": "Коллективное обращение",
    "request": "Запрос",
    "deputy_request": "Депутатский запрос",
    "prosecutor_act": "Акт прокурорского реагирования",
    "instruction": "Поручение",
    "invitation": "Приглашение",
    "notification": "Уведомление",
    "other": "Иное",
}
CHANNEL_LABELS = {
    "post": "Почта",
    "email": "Электронная почта",
    "web_form": "Интернет-приёмная",
    "medo": "МЭДО",
    "courier": "Курьер",
    "fax": "Факс",
    "in_person": "Лично",
    "platform": "Платформа обратной связи",
    "unknown": "Не определён",
}
SOURCE_LABELS = {
    "rule": "правило",
    "model": "модель",
    "directory": "справочник",
    "history": "история",
    "metadata": "метаданные",
}
DUPLICATE_LABELS = {
    "exact": "Точный дубликат",
    "near": "Почти дубликат",
    "repeat_appeal": "Повторное обращение",
}
CHOICES: dict[str, list[tuple[str, str]]] = {
    "doc_kind": [(k, DOC_KIND_LABELS.get(k, k)) for k in DOC_KINDS],
    "channel": [(k, CHANNEL_LABELS.get(k, k)) for k in CHANNELS],
    "appeal_kind": [(k, k) for k in ("заявление", "предложение", "жалоба")],
}
# Sub-fields the clerk edits for composite fields (ids from the directory stay hidden and are kept only
# while the name they belong to is unchanged).
COMPOSITE = {
    "correspondent": ("name",),
    "forwarded_by": ("name",),
    "reply_to": ("number", "date"),
    "signatory": ("name", "position"),
    "sender_contact": ("name", "phone", "email"),
    "applicant": ("full_name", "email", "phone", "address"),
    "topic": ("code", "name"),
}
HIDDEN_IDS = {"correspondent": "name", "forwarded_by": "name"}
DATES = {"outgoing_date", "reply_to.date"}
INTEGERS = {"page_count", "attachment_sheets"}
LONG_TEXT = {"summary"}


class FormError(ValueError):
    """A submitted value the card cannot hold; the message is Russian and names the field."""


@dataclass
class Input:
    name: str  # form name, e.g. card.reply_to.number
    label: str
    value: str
    kind: str = "text"  # text, textarea, select, number
    choices: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class FieldView:
    name: str
    label: str
    inputs: list[Input]
    confidence: float | None
    source: str | None
    needs_review: bool
    evidence: dict[str, Any] | None
    hidden: dict[str, str] = field(default_factory=dict)

    @property
    def level(self) -> str:
        if self.confidence is None:
            return "none"
        if self.needs_review:
            return "low"
        return "mid" if self.confidence < 0.85 else "high"


def show(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in DATES:
        try:
            return dt.date.fromisoformat(str(value)[:10]).strftime("%d.%m.%Y")
        except ValueError:
            return str(value)
    return str(value)


def field_views(
    card: dict[str, Any], threshold: float, verified: dict[str, Any] | None = None
) -> list[FieldView]:
    """The card's fields for the form; values from an earlier verification, when given, replace docket's."""
    views = []
    for name in CARD_FIELDS:
        found = card.get(name)
        value = found.get("value") if found else None
        if verified is not None:
            value = (verified.get("card") or {}).get(name)
        if name in COMPOSITE:
            value = value or {}
            inputs = [
                Input(f"card.{name}.{key}", SUB_LABELS[key], show(f"{name}.{key}", value.get(key)))
                for key in COMPOSITE[name]
            ]
            if name in PERSON_FIELDS:
                inputs[0].label = "ФИО"
        elif name in CHOICES:
            inputs = [Input(f"card.{name}", LABELS[name], show(name, value), "select", CHOICES[name])]
        else:
            kind = "textarea" if name in LONG_TEXT else "number" if name in INTEGERS else "text"
            inputs = [Input(f"card.{name}", LABELS[name], show(name, value), kind)]
        hidden = {}
        if name in HIDDEN_IDS and found and (found.get("value") or {}).get("id"):
            hidden[f"card.{name}.id"] = found["value"]["id"]
        confidence = found.get("confidence") if found else None
        needs_review = bool(found) and (
            bool(found.get("needs_review")) or (confidence is not None and confidence < threshold)
        )
        views.append(
            FieldView(
                name=name,
                label=LABELS[name],
                inputs=inputs,
                confidence=confidence,
                source=SOURCE_LABELS.get(found.get("source"), found.get("source")) if found else None,
                needs_review=needs_review,
                evidence=found.get("evidence") if found else None,
                hidden=hidden,
            )
        )
    return views


def review_groups(views: list[FieldView]) -> list[tuple[str, list[FieldView]]]:
    """Fields to check, then found fields, each lowest confidence first; then fields not found."""
    check = sorted((v for v in views if v.needs_review), key=lambda v: v.confidence or 0.0)
    found = sorted(
        (v for v in views if v.confidence is not None and not v.needs_review), key=lambda v: v.confidence
    )
    missing = [v for v in views if v.confidence is None]
    groups = [("Проверьте", check), ("Распознано", found), ("Не найдено", missing)]
    return [(title, fields) for title, fields in groups if fields]


def _date(text: str, label: str) -> str:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise FormError(f"«{label}»: дата должна быть в виде ДД.ММ.ГГГГ")


def _scalar(key: str, text: str, label: str) -> Any:
    if key in DATES:
        return _date(text, label)
    if key in INTEGERS:
        try:
            number = int(text)
        except ValueError:
            raise FormError(f"«{label}»: нужно целое число") from None
        if number < 0 or number > 100_000:
            raise FormError(f"«{label}»: число вне допустимого диапазона")
        return number
    if len(text) > 5000:
        raise FormError(f"«{label}»: слишком длинное значение")
    return text


def parse_card(form: Any, suggested: dict[str, Any]) -> dict[str, Any]:
    """The verified card (plain values, None for empty) from the submitted form."""
    card: dict[str, Any] = {}
    for name in CARD_FIELDS:
        label = LABELS[name]
        if name in COMPOSITE:
            value = {}
            for key in COMPOSITE[name]:
                text = str(form.get(f"card.{name}.{key}") or "").strip()
                if text:
                    value[key] = _scalar(f"{name}.{key}", text, f"{label}: {SUB_LABELS[key]}")
            if name in HIDDEN_IDS and value:
                old = ((suggested.get(name) or {}).get("value")) or {}
                given_id = str(form.get(f"card.{name}.id") or "").strip()
                if given_id and given_id == old.get("id") and value.get("name") == old.get("name"):
                    value["id"] = given_id
            card[name] = value or None
            continue
        text = str(form.get(f"card.{name}") or "").strip()
        if not text:
            card[name] = None
        elif name in CHOICES:
            if text not in dict(CHOICES[name]):
                raise FormError(f"«{label}»: выберите значение из списка")
            card[name] = text
        else:
            card[name] = _scalar(name, text, label)
    return card
