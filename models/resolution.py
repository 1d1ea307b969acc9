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


def action_of(template: str) -> str:
    """What the resolution asks for, without names, dates and punctuation: «для рассмотрения и ответа»."""
    text = re.sub(r"\{[^}]*\}", " ", template).replace("ё", "е")
    return " ".join(re.findall(r"\w+", text.casefold()))


class ResolutionDrafter(BaseEstimator):
    """fit(rows, staff_names, features) learns templates per author, and which action (inform, answer,
    report…) a letter gets from its text and card; draft(...) writes one resolution."""

    def __init__(self, min_count: int = 1, alpha: float = 1e-5, epochs: int = 5, use_action: bool = True):
        self.min_count = min_count
        self.use_action = use_action
        self.alpha = alpha
        self.epochs = epochs

    def fit(self, rows: list[dict], staff_names: dict[str, str], features: Any = None) -> ResolutionDrafter:
        """features: optional sparse matrix, one row per element of `rows` (the ranker's letter vectors)."""
        counts: dict[tuple, Counter] = defaultdict(Counter)
        styles: dict[str, Counter] = defaultdict(Counter)
        addressee_author: dict[str, Counter] = defaultdict(Counter)
        authors: Counter = Counter()
        author_actions: dict[str, set] = defaultdict(set)
        used, actions = [], []
        for position, row in enumerate(rows):
            text, author = row.get("resolution_text"), row.get("resolution_author_id")
            if not isinstance(text, str) or not text.strip() or not author:
                continue
            author = str(author)
            known = {
                "DEADLINE": as_date(row.get("deadline")),
                "OUT_DATE": as_date(row.get("outgoing_date")),
                "REG_DATE": as_date(row.get("reg_date")),
            }
            numbers = {"OUT_NUMBER": row.get("outgoing_number"), "REG_NUMBER": row.get("reg_number")}
            numbers = {
                k: str(v).strip() for k, v in numbers.items() if v and str(v).strip() not in {"nan", ""}
            }
            template, style, n = make_template(str(text), known, numbers)
            kind, topic = row.get("doc_kind"), row.get("topic_code")
            action = action_of(template)
            used.append(position)
            actions.append(action)
            author_actions[author].add(action)
            for key in self._keys(author, kind, topic, n, action):
                counts[key][template] += 1
            styles[author][style] += 1
            authors[author] += 1
            if row.get("addressee"):
                addressee_author[normalise_key(row["addressee"])][author] += 1
        self.templates_ = {k: c.most_common(3) for k, c in counts.items()}
        self.styles_ = {a: c.most_common(1)[0][0] for a, c in styles.items()}
        self.author_by_addressee_ = {k: c.most_common(1)[0][0] for k, c in addressee_author.items()}
        self.default_author_ = authors.most_common(1)[0][0] if authors else None
        self.author_names_ = {a: staff_names.get(a, a) for a in authors}
        self.author_actions_ = {a: sorted(v) for a, v in author_actions.items()}
        self.action_model_ = None
        if features is not None and len(set(actions)) > 1:
            from sklearn.linear_model import SGDClassifier

            model = SGDClassifier(loss="log_loss", alpha=self.alpha, random_state=0)
            X = features[used]
            classes = np.unique(actions)
            for _ in range(self.epochs):
                model.partial_fit(X, actions, classes=classes)
            model.coef_ = np.asfortranarray(model.coef_, dtype=np.float32)
            self.action_model_ = model
        return self

    def predict_action(self, author: str | None, features: Any) -> str | None:
        check_is_fitted(self, "templates_")
        if self.action_model_ is None or features is None:
            return None
        scores = np.atleast_2d(self.action_model_.decision_function(features))[0]
        classes = self.action_model_.classes_
        if scores.shape[0] != len(classes):  # two classes: one score column
            scores = np.array([-scores[0], scores[0]])
        allowed = set(self.author_actions_.get(author or "", ())) or set(classes)
        ranked = [classes[i] for i in np.argsort(-scores) if classes[i] in allowed]
        return ranked[0] if ranked else None

    @staticmethod
    def _keys(author, kind, topic, n, action=None):
        acted = [("aakn", author, action, kind, n), ("aan", author, action, n)] if action is not None else []
        return [
            ("akt", author, kind, topic, n),
            *acted,
            ("ak", author, kind, n),
            ("a", author, n),
            ("k", kind, n),
            ("n", n),
            ("akt*", author, kind, topic),
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
        self, author: str | None, kind: str | None, topic: str | None, n: int, action: str | None = None
    ) -> list[tuple[str, float]]:
        """Templates to try, best first: the most used one of each group, narrowest group first."""
        check_is_fitted(self, "templates_")
        found, seen = [], set()
        for key in self._keys(author, kind, topic, n, action):
            options = self.templates_.get(key)
            if options and options[0][1] >= self.min_count and options[0][0] not in seen:
                seen.add(options[0][0])
                total = sum(c for _, c in options)
                found.append((options[0][0], options[0][1] / max(total, 1)))
        return found

    def draft(
        self,
        author: str | None,
        kind: str | None,
        topic: str | None,
        executors: list[tuple],
        values: dict[str, Any],
        features: Any = None,
    ) -> tuple[str, float] | None:
        """executors: (staff id, full name[, gender]) in order, main executor first; features: the letter's
        vector (one row) for choosing the action."""
        action = self.predict_action(author, features) if self.use_action else None
        style = self.styles_.get(author or "", "surname_initials")
        names = [dative_short(e[1], style, e[2] if len(e) > 2 else None) for e in executors]
        for template, confidence in self.candidates(author, kind, topic, len(executors), action):
            text = fill_template(template, names, values)
            if text is not None:
                return text, confidence
        return None
