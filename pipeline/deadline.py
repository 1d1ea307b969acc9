"""Deadlines: explicit terms in the text, 59-ФЗ terms for appeals, configurable terms for other kinds,
moved off non-working days by the Russian production calendar (the `holidays` library).

Order of precedence: an explicit date («в срок до 15.12.2025») or term («в течение 10 дней») in the text;
a 7-day forwarding term for appeals outside the body's competence (59-ФЗ ст. 8 ч. 3, flagged by the
caller in `document.metadata["out_of_competence"]`); 30 days from registration for appeals (59-ФЗ ст. 12);
the date of the event an invitation announces («совещание состоится 25.01.2023»); the configured term of
the document kind, in calendar or working days; otherwise no deadline.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from docket.errors import ConfigError
from pipeline.contract import Card, Deadline
from pipeline.document import Document

APPEAL_KINDS = frozenset({"citizen_appeal", "collective_appeal"})
RULES_ENV = "DOCKET_DEADLINE_RULES"
LEARNT_RULES = "deadline_rules.json"  # written by `docket train` into the promoted bundle

_MONTHS = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
_DATE = rf"(?P<date>\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}|«?\d{{1,2}}»?\s+(?:{_MONTHS})\s+\d{{4}})"  # 15.12.2025 | «15» декабря 2025
_EXPLICIT_DATE = re.compile(
    rf"(?:в\s+срок\s+до|не\s+позднее|не\s+позже|срок\s+исполнения[:\s]+)\s*{_DATE}", re.I
)
_EXPLICIT_TERM = re.compile(
    r"(?:в\s+течение\s+(?P<n1>\d{1,3})\s+(?P<kind1>рабочих|календарных)?\s*(?:дн(?:я|ей)|сут)"
    r"|в\s+(?P<n2>\d{1,3})[\s-]*(?P<kind2>дневный)\s+срок)",
    re.I,
)
_EVENT = re.compile(r"состо(?:ится|ятся)|пройд[её]т|будет\s+проведен|проводится", re.I)
_ANY_DATE = re.compile(_DATE, re.I)


@dataclass(frozen=True)
class DeadlineRules:
    """Terms in days from registration (calendar days, or working days for the kinds in `working_terms`);
    a kind mapped to None gets no deadline."""

    appeal_days: int = 30
    forward_days: int = 7
    # the control date is set this many (calendar or working) days before a deadline the letter states
    explicit_margin_days: int = 0
    explicit_margin_working: bool = False
    working_terms: tuple[str, ...] = ()
    event_kinds: tuple[str, ...] = ("invitation",)
    terms: dict[str, int | None] = field(
        default_factory=lambda: {
            "deputy_request": 30,
            "prosecutor_act": 30,
            "request": 30,
            "instruction": 30,
            "letter": 30,
            "other": 30,
            "invitation": None,
            "notification": None,
        }
    )

    @classmethod
    def from_file(cls, path: Path | str) -> DeadlineRules:
        """Rules from a JSON file of overrides: what it leaves out keeps its default."""
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read deadline rules {path}: {exc}") from None
        if not isinstance(raw, dict):
            raise ConfigError(f"deadline rules {path}: expected a JSON object")
        base = cls()
        terms = {**base.terms, **(raw.get("terms") or {})}
        return cls(
            appeal_days=int(raw.get("appeal_days", base.appeal_days)),
            forward_days=int(raw.get("forward_days", base.forward_days)),
            explicit_margin_days=int(raw.get("explicit_margin_days", base.explicit_margin_days)),
            explicit_margin_working=bool(raw.get("explicit_margin_working", base.explicit_margin_working)),
            working_terms=tuple(raw.get("working_terms", base.working_terms)),
            event_kinds=tuple(raw.get("event_kinds", base.event_kinds)),
            terms=terms,
        )

    def to_dict(self) -> dict:
        return asdict(self)  # tuples are written to JSON as lists; from_dict turns them back

    @classmethod
    def from_dict(cls, raw: dict) -> DeadlineRules:
        """Complete rules from `to_dict()` output."""
        raw = dict(raw)
        for name in ("working_terms", "event_kinds"):
            if name in raw:
                raw[name] = tuple(raw[name])
        return cls(**raw)


@lru_cache(maxsize=4)
def _rules_from_env(path: str | None) -> DeadlineRules:
    return DeadlineRules.from_file(path) if path else DeadlineRules()


@lru_cache(maxsize=1)
def _calendar() -> Any:
    import holidays

    # Generous year range: the calendar is computed lazily per year anyway.
    return holidays.country_holidays("RU")


@lru_cache(maxsize=20_000)
def is_working_day(day: date) -> bool:
    """Russian production calendar: weekends, public holidays, substituted days off and working Saturdays."""
    return _calendar().is_working_day(day)


@lru_cache(maxsize=20_000)
def previous_working_day(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    return _calendar().get_working_days_count(start + timedelta(days=1), end) if end > start else 0


@lru_cache(maxsize=100_000)
def add_working_days(start: date, n: int) -> date:
    return _calendar().get_nth_working_day(start, n)


def subtract_working_days(day: date, n: int) -> date:
    """The `n`-th working day before `day` (`day` itself for 0)."""
    return _calendar().get_nth_working_day(day, -n) if n else day


@lru_cache(maxsize=20_000)
def _parse_date(text: str) -> date | None:
    text = text.replace("«", "").replace("»", "").strip()
    for fmt in ("%d.%m.%Y", "%d.%m.%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    import dateparser

    parsed = dateparser.parse(
        text, languages=["ru"], settings={"DATE_ORDER": "DMY", "PARSERS": ["absolute-time"]}
    )
    return parsed.date() if parsed else None


def explicit_deadline(text: str, registered: date) -> tuple[date, str] | None:
    """The earliest explicit deadline stated in the text that is not before registration."""
    found: list[tuple[date, str]] = []
    for match in _EXPLICIT_DATE.finditer(text):
        day = _parse_date(match.group("date"))
        if day and day >= registered:
            found.append((day, "explicit_date"))
    for match in _EXPLICIT_TERM.finditer(text):
        n = int(match.group("n1") or match.group("n2"))
        if not 0 < n <= 365:
            continue
        if (match.group("kind1") or "").lower() == "рабочих":
            found.append((add_working_days(registered, n), f"explicit_term:{n}_working_days"))
        else:
            found.append((registered + timedelta(days=n), f"explicit_term:{n}_days"))
    return min(found) if found else None


def event_date(text: str, registered: date, window: int = 150) -> date | None:
    """The date nearest to a word announcing an event («состоится»), not before registration."""
    for event in _EVENT.finditer(text):
        start = max(0, event.start() - window)
        near = []
        for match in _ANY_DATE.finditer(text, start, event.end() + window):
            day = _parse_date(match.group("date"))
            if day and day >= registered:
                distance = min(abs(match.start() - event.start()), abs(match.end() - event.start()))
                near.append((distance, day))
        if near:
            return min(near)[1]
    return None


def _card_value(card: Card, name: str) -> Any:
    item = getattr(card, name, None)
    return None if item is None else item.value


def compute_deadline(
    document: Document,
    card: Card,
    registered: date | None = None,
    rules: DeadlineRules | None = None,
) -> Deadline | None:
    """The control deadline for a letter registered on `registered` (default: today)."""
    rules = rules or _rules_from_env(os.environ.get(RULES_ENV) or _learnt_rules_path())
    registered = registered or _registered_from_metadata(document) or date.today()
    kind = _card_value(card, "doc_kind")

    text = document.text or ""
    chosen = explicit_deadline(text, registered)
    if chosen is not None and chosen[1] == "explicit_date" and rules.explicit_margin_days:
        margin = rules.explicit_margin_days
        if rules.explicit_margin_working:
            earlier, unit = subtract_working_days(chosen[0], margin), "wd"
        else:
            earlier, unit = chosen[0] - timedelta(days=margin), "d"
        chosen = (max(earlier, registered), f"explicit_date-{margin}{unit}")
    if chosen is None:
        if kind in APPEAL_KINDS and document.metadata.get("out_of_competence"):
            chosen = (registered + timedelta(days=rules.forward_days), f"59-FZ:forward_{rules.forward_days}d")
        elif kind in APPEAL_KINDS:
            chosen = (registered + timedelta(days=rules.appeal_days), f"59-FZ:appeal_{rules.appeal_days}d")
        elif kind in rules.event_kinds and (event := event_date(text, registered)) is not None:
            chosen = (event, "event_date")
        elif kind is not None and rules.terms.get(kind) is not None:
            days = int(rules.terms[kind])
            if kind in rules.working_terms:
                chosen = (add_working_days(registered, days), f"kind:{kind}_{days}wd")
            else:
                chosen = (registered + timedelta(days=days), f"kind:{kind}_{days}d")
    if chosen is None:
        return None
    day, rule = chosen
    moved = previous_working_day(day)
    if moved != day:
        rule += "+previous_working_day"
    return Deadline(date=moved, rule=rule)


_POINTER: dict[tuple[str, int], str | None] = {}


def _learnt_rules_path() -> str | None:
    """The rules `docket train` learnt from the register, in the promoted bundle (plain JSON). The pointer
    is read again only when it changes (a promotion replaces the file, so its mtime changes)."""
    from docket.settings import get_settings

    models = get_settings().resolved_models_dir
    pointer = models / "current"
    try:
        key = (str(pointer), pointer.stat().st_mtime_ns)
    except OSError:
        return None
    if key not in _POINTER:
        try:
            path = models / pointer.read_text("utf-8").strip() / LEARNT_RULES
        except OSError:
            return None
        _POINTER.clear()
        _POINTER[key] = str(path) if path.is_file() else None
    return _POINTER[key]


def _registered_from_metadata(document: Document) -> date | None:
    value = document.metadata.get("registered") or document.metadata.get("reg_date")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None
