"""How often a register truth is absent from the letter's own text (or from every legitimate surface form of it).

A card extractor can only find what the letter carries, so a truth missing from the text is either a generator
bug or a case where the clerk knew more than the page says. This measures it per field:

.venv/bin/python -m data.generator.truthcheck WORLD_DIR
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from collections.abc import Callable
from pathlib import Path

_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
_WORD = re.compile(r"[а-яёa-z0-9]+")
_PHONEISH = re.compile(r"\+?[\d(][\d\s()\-]{5,}\d")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("ё", "е").replace("Ё", "Е")).lower()


def date_forms(iso: str) -> list[str]:
    """Surface forms of a date in Russian letters (numeric, genitive month, quoted day, two-digit year)."""
    d = dt.date.fromisoformat(iso)
    m = _MONTHS[d.month - 1]
    return [
        f"{d:%d.%m.%Y}", f"{d.day}.{d:%m.%Y}", f"{d:%d.%m.%y}", d.isoformat(), f"{d:%d/%m/%Y}",
        f"{d.day} {m} {d.year}", f"{d:%d} {m} {d.year}", f"«{d:%d}» {m} {d.year}", f'"{d:%d}" {m} {d.year}',
        f"«{d.day}» {m} {d.year}",
    ]  # fmt: skip


def _stem(word: str) -> str:
    word = _norm(word)
    return word[: max(4, len(word) - 2)]


def name_present(name: str, text: str) -> bool:
    """A person's name in any case: the surname's stem, and the first name's stem or initial when given."""
    parts = [p for p in re.split(r"[\s.]+", name) if p]
    if not parts:
        return True
    t = _norm(text)
    # «Иванов И.И.» or «И.И. Иванов»: the surname is the longest part
    last = max(parts, key=len)
    if _stem(last) not in t:
        return False
    rest = [p for p in parts if p != last]
    first = rest[0] if rest else ""
    if len(first) > 1:
        return _stem(first) in t or re.search(rf"\b{re.escape(_norm(first[0]))}\.", t) is not None
    return True


def phone_present(phone: str, text: str) -> bool:
    want = re.sub(r"\D", "", phone)[-10:]
    return any(re.sub(r"\D", "", m.group())[-10:] == want for m in _PHONEISH.finditer(text))


def words_present(value: str, text: str, share: float) -> bool:
    """At least `share` of the value's words (by stem) occur in the text: addresses, summaries."""
    words = [_stem(w) if len(w) > 4 else w for w in _WORD.findall(_norm(value)) if len(w) > 2 or w.isdigit()]
    if not words:
        return True
    t = _norm(text)
    return sum(w in t for w in words) / len(words) >= share


def _sub(value: str, text: str) -> bool:
    return _norm(value) in _norm(text)


def _date(value: str, text: str) -> bool:
    t = _norm(text)
    return any(_norm(f) in t for f in date_forms(value))


def _sheets(value: str, text: str) -> bool:
    """«на 3 л.», or a list of attachments whose sheets add up to the total."""
    if re.search(rf"\b{int(value)}\s*(л\.|лист)", text):
        return True
    for part in text.split("Приложение:")[1:]:  # a package may hold several letters, each with its own list
        if sum(int(n) for n in re.findall(r"на (\d+) л\.", part.split("\n\n")[0])) == int(value):
            return True
    return False


_KIND_WORDS = {
    "жалоба": r"жалоб|наруш|незаконн",
    "предложение": r"предлаг|предлож",
    "заявление": r"заявлен|прошу",
}


def _appeal_kind(value: str, text: str) -> bool:
    """A classification, not a string: is there a word the form is told by (complaint: «жалоба», «нарушены»,
    «незаконными»; proposal: «предлагаю»; request: «заявление», «прошу»)?"""
    return re.search(_KIND_WORDS.get(value, re.escape(value)), _norm(text)) is not None


CHECKS: dict[str, tuple[str, Callable[[str, str], bool]]] = {
    "outgoing_number": ("outgoing_number", _sub),
    "outgoing_date": ("outgoing_date", _date),
    "reply_to_number": ("reply_to_number", _sub),
    "reply_to_date": ("reply_to_date", _date),
    "addressee": ("addressee", name_present),
    "signatory_name": ("signatory_name", name_present),
    "signatory_position": ("signatory_position", lambda v, t: words_present(v, t, 0.8)),
    "sender_contact_name": ("sender_contact_name", name_present),
    "sender_contact_phone": ("sender_contact_phone", phone_present),
    "sender_contact_email": ("sender_contact_email", _sub),
    "applicant_full_name": ("applicant_full_name", name_present),
    "applicant_email": ("applicant_email", _sub),
    "applicant_phone": ("applicant_phone", phone_present),
    "applicant_address": ("applicant_address", lambda v, t: words_present(v, t, 0.8)),
    "forwarded_by": ("correspondent_variant", _sub),
    "attachment_sheets": ("attachment_sheets", _sheets),
    "appeal_kind": ("appeal_kind", _appeal_kind),
    "subject": ("subject", _sub),
    "summary": ("summary", lambda v, t: words_present(v, t, 0.6)),
}


def absence(rows: list[dict]) -> dict[str, tuple[int, int]]:
    """field -> (rows whose truth is absent from the text, rows with a truth)."""
    out: dict[str, tuple[int, int]] = {}
    for name, (column, present) in CHECKS.items():
        have = miss = 0
        for r in rows:
            v = r.get(column, "")
            if name == "forwarded_by" and not r.get("forwarded_by_id"):
                continue
            if not v or v == "0":
                continue
            have += 1
            miss += not present(v, r["text"])
        out[name] = (miss, have)
    return out


def main(argv: list[str]) -> int:
    world = Path(argv[0])
    with (world / "register.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    print("| field | rows with a truth | absent from the text |")
    print("|---|---|---|")
    for name, (miss, have) in absence(rows).items():
        print(f"| `{name}` | {have} | {miss} ({100 * miss / max(1, have):.1f} %) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
