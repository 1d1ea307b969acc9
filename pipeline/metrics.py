"""One definition of "correct" for every figure docket reports: `docket evaluate`, the benches and the
service's live `/v1/quality` all call these functions, so an offline figure and a live one mean the same.

Card values are compared after normalisation (case, ё, quotes, spacing, dashes, look-alike letters);
`summary` is scored by token F1 and counts as correct at or above SUMMARY_F1_THRESHOLD.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

SUMMARY_F1_THRESHOLD = 0.5

# Latin letters that OCR and typists put into Cyrillic words, and the other way round; numbers such as
# «01-12/345-ОГ» are compared with both mapped to one alphabet.
_LATIN_TO_CYRILLIC = str.maketrans("ABCEHKMOPTXYaceopxyb", "АВСЕНКМОРТХУасеорхуь")
_DASHES = re.compile(r"[‐‑‒–—―−]")
_QUOTES = re.compile(r"[«»\"„“”'`’]")
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"[0-9a-zа-я]+")

# Sub-fields compared for the composite card fields; a composite field is correct when every sub-field
# the truth fills is matched (and the prediction is not null).
COMPOSITE_KEYS: dict[str, tuple[str, ...]] = {
    "correspondent": ("id", "name"),
    "forwarded_by": ("id", "name"),
    "reply_to": ("number", "date"),
    "signatory": ("name", "position"),
    "sender_contact": ("name", "phone", "email"),
    "applicant": ("full_name", "email", "phone", "address"),
    "topic": ("code",),
}


def normalise_text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).replace("ё", "е").replace("Ё", "Е")
    text = _QUOTES.sub("", _DASHES.sub("-", text))
    text = _SPACES.sub(" ", text).strip().strip(".,;:").strip()
    return text.casefold()


def normalise_number(value: Any) -> str:
    """Registration and outgoing numbers: no «№», no spaces, one dash, one alphabet for look-alikes."""
    text = normalise_text(value).replace("№", "").replace("n ", "").replace(" ", "")
    return text.upper().translate(_LATIN_TO_CYRILLIC).casefold()


def normalise_phone(value: Any) -> str:
    digits = re.sub(r"\D", "", str(value or ""))
    return digits[-10:] if len(digits) >= 10 else digits


def normalise_date(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text[:10]


def normalise_person(value: Any) -> str:
    """«Иванова Анна Сергеевна», «Иванова А.С.» and «А. С. Иванова» all become «иванова а с»."""
    tokens = _TOKEN.findall(normalise_text(value))
    if not tokens:
        return ""
    initials_first = len(tokens[0]) == 1 and len(tokens[-1]) > 1
    if initials_first:
        tokens = tokens[-1:] + tokens[:-1]
    surname, rest = tokens[0], tokens[1:]
    return " ".join([surname, *(t[0] for t in rest)])


def tokens(value: Any) -> list[str]:
    return _TOKEN.findall(normalise_text(value))


def token_f1(predicted: Any, truth: Any) -> float:
    pred, gold = tokens(predicted), tokens(truth)
    if not pred and not gold:
        return 1.0
    if not pred or not gold:
        return 0.0
    remaining = list(gold)
    common = 0
    for token in pred:
        if token in remaining:
            remaining.remove(token)
            common += 1
    if not common:
        return 0.0
    precision, recall = common / len(pred), common / len(gold)
    return 2 * precision * recall / (precision + recall)


def _normaliser(field: str, key: str | None = None):
    name = f"{field}.{key}" if key else field
    if name in {"outgoing_number", "reply_to.number"}:
        return normalise_number
    if name in {"outgoing_date", "reply_to.date"}:
        return normalise_date
    if name.endswith(".phone"):
        return normalise_phone
    if name in {"signatory.name", "sender_contact.name", "applicant.full_name"}:
        return normalise_person
    if name.endswith(".email"):
        return lambda v: normalise_text(v).replace(" ", "")
    if name in {"page_count", "attachment_sheets"}:
        return lambda v: "" if v in (None, "") else str(int(float(v)))
    return normalise_text


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN from pandas
        return True
    if isinstance(value, str) and not value.strip():
        return True
    if isinstance(value, Mapping):
        return all(_is_empty(v) for v in value.values())
    return False


def field_value(field: Any) -> Any:
    """The value of a card field as the contract serialises it (`{"value": ...}`), or the raw value."""
    if field is None:
        return None
    if hasattr(field, "model_dump"):
        field = field.model_dump(mode="json")
    if isinstance(field, Mapping) and "value" in field and "confidence" in field:
        return field["value"]
    return field


def field_correct(field: str, predicted: Any, truth: Any) -> bool | None:
    """Is the predicted card value right? None when the truth is empty and nothing was predicted (not scored).

    A prediction where the truth is empty counts as wrong: an invented value costs the clerk a correction.
    """
    predicted, truth = field_value(predicted), field_value(truth)
    if _is_empty(truth):
        return None if _is_empty(predicted) else False
    if _is_empty(predicted):
        return False
    if field == "summary":
        return token_f1(predicted, truth) >= SUMMARY_F1_THRESHOLD
    if field in COMPOSITE_KEYS:
        if not isinstance(truth, Mapping):
            truth = {COMPOSITE_KEYS[field][-1 if field in {"correspondent", "forwarded_by"} else 0]: truth}
        if not isinstance(predicted, Mapping):
            return False
        if field in {"correspondent", "forwarded_by"} and not _is_empty(truth.get("id")):
            return str(predicted.get("id") or "") == str(truth["id"])
        checked = [k for k in COMPOSITE_KEYS[field] if not _is_empty(truth.get(k))]
        norm = {k: _normaliser(field, k) for k in checked}
        return all(norm[k](predicted.get(k)) == norm[k](truth.get(k)) for k in checked)
    norm = _normaliser(field)
    return norm(predicted) == norm(truth)


def card_accuracy(pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> dict[str, Any]:
    """Per-field and overall accuracy over (predicted card, true card) pairs; empty-and-empty is not scored."""
    correct: dict[str, int] = {}
    scored: dict[str, int] = {}
    for predicted, truth in pairs:
        for field in set(truth) | set(predicted):
            verdict = field_correct(field, predicted.get(field), truth.get(field))
            if verdict is None:
                continue
            scored[field] = scored.get(field, 0) + 1
            correct[field] = correct.get(field, 0) + int(verdict)
    per_field = {f: correct[f] / scored[f] for f in sorted(scored)}
    total = sum(scored.values())
    return {
        "overall": (sum(correct.values()) / total) if total else None,
        "per_field": per_field,
        "n_scored": dict(sorted(scored.items())),
    }


def executor_hits(suggested_ids: Sequence[str], true_id: str) -> tuple[bool, bool]:
    """(top-1 hit, top-3 hit) for one letter."""
    ids = [str(i) for i in suggested_ids]
    return (bool(ids) and ids[0] == str(true_id), str(true_id) in ids[:3])


_RESOLUTION_NAME = re.compile(r"\b[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.?")
_RESOLUTION_NAME_REVERSED = re.compile(r"\b[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?")


def resolution_template(text: str, names: Iterable[str] = ()) -> str:
    """The resolution with executor names replaced by a slot, whitespace and punctuation normalised.

    `names` are the exact name strings to slot (as written in the text); name-shaped runs
    («Ивановой А.С.», «А.С. Ивановой») are slotted too.
    """
    text = text or ""
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = text.replace(name, "{NAME}")
    text = _RESOLUTION_NAME.sub("{NAME}", text)
    text = _RESOLUTION_NAME_REVERSED.sub("{NAME}", text)
    text = text.replace("ё", "е").replace("Ё", "Е")
    text = re.sub(r"[^\w{}]+", " ", text)
    return _SPACES.sub(" ", text).strip().casefold()


def resolution_full(text: str) -> str:
    """The resolution normalised for whitespace and punctuation only (names kept)."""
    text = (text or "").replace("ё", "е").replace("Ё", "Е")
    text = re.sub(r"[^\w]+", " ", text)
    return _SPACES.sub(" ", text).strip().casefold()
