"""The resolution drafter: each author's templates learnt from history, chosen from the card, filled in.

A template is a past resolution with the executors' names, the deadline and the letter's own numbers and
dates replaced by slots. The template for a new letter is the one its author used most often for letters
like it (same kind and topic, same number of executors), backing off to coarser groups; the slots are filled
with the suggested executors in the dative case (models.names), the computed deadline and the card's values.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from models.features import normalise_key
from models.names import dative_short
from models.staff import as_date

_CAP = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_NAME_PATTERNS = (
    ("surname_initials_spaced", re.compile(rf"\b{_CAP}\s+[А-ЯЁ]\.\s+[А-ЯЁ]\.")),
    ("surname_initials", re.compile(rf"\b{_CAP}\s+[А-ЯЁ]\.[А-ЯЁ]\.")),
    ("initials_surname_spaced", re.compile(rf"\b[А-ЯЁ]\.\s+[А-ЯЁ]\.\s+{_CAP}")),
    ("initials_surname", re.compile(rf"\b[А-ЯЁ]\.[А-ЯЁ]\.\s?{_CAP}")),
)
_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
_NUMERIC_DATE = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{4})\b")
_YY_DATE = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{2})\b(?!\.\d)")
_SHORT_DATE = re.compile(r"\b(\d{2})\.(\d{2})\b(?![.\d])")
_LONG_DATE = re.compile(rf"\b(\d{{1,2}})\s+({'|'.join(_MONTHS)})\s+(\d{{4}})\b")
_SLOT = re.compile(r"\{(NAME\d+|[A-Z_]+:(?:numeric|long|yy|short))\}")


def format_date(day: date, style: str) -> str:
    if style == "long":
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    if style == "yy":
        return day.strftime("%d.%m.%y")
    if style == "short":
        return day.strftime("%d.%m")
    return day.strftime("%d.%m.%Y")


def _date_slots(text: str, known: dict[str, date | None]) -> str:
    def replace(match: re.Match, style: str) -> str:
        for name, value in known.items():
            if value is None:
                continue
            if style == "long":
                same = (int(match.group(1)), match.group(2), int(match.group(3))) == (
                    value.day,
                    _MONTHS[value.month - 1],
                    value.year,
                )
            elif style == "short":
                same = (int(match.group(1)), int(match.group(2))) == (value.day, value.month)
            else:
                year = int(match.group(3)) + (2000 if style == "yy" else 0)
                same = (int(match.group(1)), int(match.group(2)), year) == (
                    value.day,
                    value.month,
                    value.year,
                )
            if same:
                return "{" + f"{name}:{style}" + "}"
        return match.group(0)

    text = _NUMERIC_DATE.sub(lambda m: replace(m, "numeric"), text)
    text = _LONG_DATE.sub(lambda m: replace(m, "long"), text)
    text = _YY_DATE.sub(lambda m: replace(m, "yy"), text)
    return _SHORT_DATE.sub(lambda m: replace(m, "short"), text)


def make_template(text: str, known_dates: dict[str, date | None], numbers: dict[str, str | None]):
    """(template, name style) for one past resolution."""
    spans: list[tuple[int, int, str]] = []
    for style, pattern in _NAME_PATTERNS:
        for m in pattern.finditer(text):
            if not any(s < m.end() and m.start() < e for s, e, _ in spans):
                spans.append((m.start(), m.end(), style))
    spans.sort()
    out, position, slots = [], 0, {}
    for start, end, _ in spans:
        # «Свод – Ивановой А.С.» repeats an executor already named: the same slot.
        key = " ".join(text[start:end].replace(".", ". ").split())
        index = slots.setdefault(key, len(slots))
        out.append(text[position:start])
        out.append("{" + f"NAME{index}" + "}")
        position = end
    out.append(text[position:])
    template = "".join(out)
    for name, value in numbers.items():
        if value and len(value) >= 2:
            template = template.replace(value, "{" + f"{name}:numeric" + "}")
    template = _date_slots(template, known_dates)
    style = Counter(s for _, _, s in spans).most_common(1)[0][0] if spans else "surname_initials"
    return template, style, len(slots)


def fill_template(template: str, names: list[str], values: dict[str, Any]) -> str | None:
    """None when a slot cannot be filled (a missing deadline or number)."""
    n_slots = len(set(re.findall(r"\{NAME\d+\}", template)))
    if n_slots and len(names) > n_slots:
        names = names[: n_slots - 1] + [", ".join(names[n_slots - 1 :])]
    missing = False

    def replace(match: re.Match) -> str:
        nonlocal missing
        slot = match.group(1)
        if slot.startswith("NAME"):
            index = int(slot[4:])
            if index < len(names):
                return names[index]
            missing = True
            return ""
        name, style = slot.split(":")
        value = values.get(name)
        if value is None:
            missing = True
            return ""
        return format_date(value, style) if isinstance(value, date) else str(value)

    text = _SLOT.sub(replace, template)
    return None if missing else text


def _known(row: dict) -> tuple[dict, dict]:
    known = {
        "DEADLINE": as_date(row.get("deadline")),
        "OUT_DATE": as_date(row.get("outgoing_date")),
        "REG_DATE": as_date(row.get("reg_date")),
    }
    numbers = {"OUT_NUMBER": row.get("outgoing_number"), "REG_NUMBER": row.get("reg_number")}
    numbers = {k: str(v).strip() for k, v in numbers.items() if v and str(v).strip() not in {"nan", ""}}
    return known, numbers


def _n_executors(row: dict) -> int:
    co = row.get("coexecutor_ids")
    co = "" if co is None or (isinstance(co, float) and co != co) else str(co)
    return 1 + len([c for c in co.split(";") if c.strip() and c.strip() != "nan"])


class ResolutionDrafter(BaseEstimator):
    """fit(rows, staff_names) learns each author's templates; draft(...) writes one resolution.

    The template is the one the author used most for letters of the same kind, with or without a deadline
    and with as many executors (backing off to coarser groups): in the registers seen so far an author
    words the same decision in one or two ways at random, and neither the text nor the card tells which,
    so the most frequent wording is the best guess. The confidence is that template's share of its group,
    mapped to the observed hit rate on the newest `calibration_fraction` of the rows (isotonic)."""

    def __init__(self, min_count: int = 1, calibration_fraction: float = 0.1, min_group: int = 3):
        self.min_count = min_count
        self.calibration_fraction = calibration_fraction
        self.min_group = min_group

    def fit(self, rows: list[dict], staff_names: dict[str, str], features: Any = None) -> ResolutionDrafter:
        """rows in time order; `features` is accepted for compatibility and not used."""
        usable = []
        for row in rows:
            text, author = row.get("resolution_text"), row.get("resolution_author_id")
            if not isinstance(text, str) or not text.strip() or not author:
                continue
            known, numbers = _known(row)
            template, style, _ = make_template(str(text), known, numbers)
            has_deadline = known["DEADLINE"] is not None
            usable.append((row, str(author), template, style, _n_executors(row), has_deadline))
        n_cal = int(len(usable) * self.calibration_fraction)
        self.calibrator_ = None
        if n_cal >= 50:
            self._count(usable[:-n_cal])
            shares, hits = [], []
            for row, author, template, _, n, has_deadline in usable[-n_cal:]:
                found = self.candidates(author, row.get("doc_kind"), row.get("topic_code"), n, has_deadline)
                if found:
                    shares.append(found[0][1])
                    hits.append(found[0][0] == template)
            if len(set(hits)) > 1:
                from sklearn.isotonic import IsotonicRegression

                iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(shares, hits)
                # the fitted step function as two arrays: np.interp is what predict does, without
                # sklearn's per-call validation (one letter at a time)
                self.calibrator_ = (iso.X_thresholds_.astype(float), iso.y_thresholds_.astype(float))
        self._count(usable)
        styles: dict[str, Counter] = defaultdict(Counter)
        addressee_author: dict[str, Counter] = defaultdict(Counter)
        authors: Counter = Counter()
        yo: Counter = Counter()
        for row, author, _, style, _, _ in usable:
            styles[author][style] += 1
            authors[author] += 1
            yo[author] += "ё" in row["resolution_text"].casefold()
            if row.get("addressee"):
                addressee_author[normalise_key(row["addressee"])][author] += 1
        self.styles_ = {a: c.most_common(1)[0][0] for a, c in styles.items()}
        self.author_by_addressee_ = {k: c.most_common(1)[0][0] for k, c in addressee_author.items()}
        self.default_author_ = authors.most_common(1)[0][0] if authors else None
        self.author_names_ = {a: staff_names.get(a, a) for a in authors}
        # An author whose many resolutions never show «ё» writes «Аксенову» for «Аксёнов».
        self.without_yo_ = sorted(a for a, n in authors.items() if n >= 20 and not yo[a])
        return self

    def _count(self, usable: list[tuple]) -> None:
        counts: dict[tuple, Counter] = defaultdict(Counter)
        for row, author, template, _, n, has_deadline in usable:
            for key in self._keys(author, row.get("doc_kind"), row.get("topic_code"), n, has_deadline):
                counts[key][template] += 1
        self.templates_ = {k: c.most_common(3) + [("", sum(c.values()))] for k, c in counts.items()}

    @staticmethod
    def _keys(author, kind, topic, n, has_deadline):
        return [
            ("akdn", author, kind, has_deadline, n),
            ("akd", author, kind, has_deadline),
            ("adn", author, has_deadline, n),
            ("kdn", kind, has_deadline, n),
            ("akn", author, kind, n),
            ("an", author, n),
            ("dn", has_deadline, n),
            ("a*", author),
        ]

    def author_for(self, addressee: str | None) -> str | None:
        check_is_fitted(self, "templates_")
        if addressee:
            found = self.author_by_addressee_.get(normalise_key(addressee))
            if found:
                return found
        return self.default_author_

    def candidates(
        self,
        author: str | None,
        kind: str | None,
        topic: str | None,
        n: int,
        has_deadline: bool = True,
    ) -> list[tuple[str, float]]:
        """Templates to try, best first, with their share of their group: the most used one of each
        group, narrowest group first (a group needs `min_group` letters unless it is the last resort)."""
        check_is_fitted(self, "templates_")
        found, seen = [], set()
        for key in self._keys(author, kind, topic, n, has_deadline):
            options = self.templates_.get(key)
            if not options:
                continue
            if options[-1][0] == "":
                *top, (_, total) = options
            else:  # a bundle trained before the group totals were kept
                top, total = options, sum(c for _, c in options)
            if total < getattr(self, "min_group", 1) and key[0] != "a*":
                continue
            if top[0][1] >= self.min_count and top[0][0] not in seen:
                seen.add(top[0][0])
                found.append((top[0][0], top[0][1] / max(total, 1)))
        return found

    def confidence(self, share: float) -> float:
        calibrator = getattr(self, "calibrator_", None)
        return float(np.interp(share, *calibrator)) if calibrator is not None else share

    def draft(
        self,
        author: str | None,
        kind: str | None,
        topic: str | None,
        executors: list[tuple],
        values: dict[str, Any],
        features: Any = None,
    ) -> tuple[str, float] | None:
        """executors: (staff id, full name[, gender]) in order, main executor first."""
        style = self.styles_.get(author or "", "surname_initials")
        names = [dative_short(e[1], style, e[2] if len(e) > 2 else None) for e in executors]
        if author in set(getattr(self, "without_yo_", ())):
            names = [n.replace("ё", "е").replace("Ё", "Е") for n in names]
        has_deadline = values.get("DEADLINE") is not None
        for template, share in self.candidates(author, kind, topic, len(executors), has_deadline):
            text = fill_template(template, names, values)
            if text is not None:
                return text, self.confidence(share)
        return None
