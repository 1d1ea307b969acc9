"""Deadline terms learnt from a register: the usual term of each document kind (in calendar or in working
days, whichever explains more of its deadlines), the term for appeals, which kinds take the date of the
event they announce, and how far before a deadline stated in a letter the organisation sets its own
control date."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

from models.staff import as_date
from pipeline.deadline import (
    APPEAL_KINDS,
    DeadlineRules,
    add_working_days,
    event_date,
    explicit_deadline,
    previous_working_day,
    subtract_working_days,
    working_days_between,
)

MIN_ROWS = 20
MAX_TERM = 60
RECENT_ROWS = 8_000  # current practice; older rows mostly cost time (dates parsed one by one)


def _votes(registered, due) -> set[tuple[str, int]]:
    """Every (unit, term) that produces this deadline; a calendar term that lands on a day off counts
    as the working day it moves to."""
    found = set()
    span = (due - registered).days
    for days in range(max(span, 1), min(span + 4, MAX_TERM + 1)):
        if previous_working_day(registered + timedelta(days=days)) == due:
            found.add(("calendar", days))
    days = working_days_between(registered, due)
    if 0 < days <= MAX_TERM and add_working_days(registered, days) == due:
        found.add(("working", days))
    return found


def learn_deadline_rules(rows: list[dict[str, Any]], base: DeadlineRules | None = None) -> DeadlineRules:
    base = base or DeadlineRules()
    votes: dict[str, Counter] = defaultdict(Counter)
    without: Counter = Counter()
    totals: Counter = Counter()
    events: Counter = Counter()
    margins: Counter = Counter()
    for row in rows[-RECENT_ROWS:]:
        kind, registered, due = (
            row.get("doc_kind"),
            as_date(row.get("reg_date")),
            as_date(row.get("deadline")),
        )
        if not kind or registered is None:
            continue
        totals[kind] += 1
        text = row.get("text") if isinstance(row.get("text"), str) else ""
        explicit = explicit_deadline(text, registered) if text and due else None
        if explicit is not None and explicit[1] == "explicit_date" and explicit[0] >= due:
            margins[("calendar", (explicit[0] - due).days)] += 1
            for n in range(0, 11):
                if subtract_working_days(explicit[0], n) == due:
                    margins[("working", n)] += 1
                    break
            continue
        if explicit is not None:
            continue
        if due is None:
            without[kind] += 1
            continue
        if text and kind not in APPEAL_KINDS and event_date(text, registered) == due:
            events[kind] += 1
            continue
        votes[kind].update(_votes(registered, due))
    terms = dict(base.terms)
    working = set()
    for kind in totals:
        if kind in APPEAL_KINDS:
            continue
        if totals[kind] < MIN_ROWS:
            continue
        if without[kind] > totals[kind] / 2 or not votes[kind]:
            terms[kind] = None
            continue
        (unit, days), _ = votes[kind].most_common(1)[0]
        terms[kind] = days
        if unit == "working":
            working.add(kind)
    event_kinds = sorted(k for k, n in events.items() if n >= MIN_ROWS and n >= totals[k] / 2)
    appeals: Counter = Counter()
    for kind in APPEAL_KINDS:
        appeals.update({d: n for (unit, d), n in votes.get(kind, Counter()).items() if unit == "calendar"})
    appeal_days = appeals.most_common(1)[0][0] if sum(appeals.values()) >= MIN_ROWS else base.appeal_days
    margin_working, margin = False, 0
    if sum(margins.values()) >= MIN_ROWS:
        (unit, margin), _ = margins.most_common(1)[0]
        margin_working = unit == "working"
    return DeadlineRules(
        appeal_days=appeal_days,
        forward_days=base.forward_days,
        explicit_margin_days=max(0, margin),
        explicit_margin_working=margin_working,
        working_terms=tuple(sorted(working)),
        event_kinds=tuple(event_kinds) or base.event_kinds,
        terms=terms,
    )


def rule_key(rule: str) -> str:
    """«kind:letter_10wd+previous_working_day» → «kind:letter_10wd»."""
    return rule.split("+")[0]


def rule_hit_rates(rules: DeadlineRules, rows: list[dict[str, Any]]) -> dict[str, float]:
    """How often each rule gave the register's deadline on `rows` (letters the rules were not learnt
    from); "none" is the rate at which having no deadline was right."""
    from pipeline.deadline import compute_deadline
    from training.evaluate import _document, card_from_row

    hits: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        registered = as_date(row.get("reg_date"))
        if registered is None:
            continue
        due = compute_deadline(_document(row), card_from_row(row), registered, rules)
        truth = as_date(row.get("deadline"))
        hits[rule_key(due.rule) if due else "none"].append((due.date if due else None) == truth)
    return {k: sum(v) / len(v) for k, v in hits.items() if len(v) >= 5}


def learn_with_hit_rates(rows: list[dict[str, Any]], fraction: float = 0.1) -> tuple[DeadlineRules, dict]:
    """Rules learnt on all rows, and each rule's hit rate measured with rules learnt on all but the
    newest `fraction` and applied to that newest part."""
    n_check = min(int(len(rows) * fraction), RECENT_ROWS // 4)
    rates = rule_hit_rates(learn_deadline_rules(rows[:-n_check]), rows[-n_check:]) if n_check >= 50 else {}
    return learn_deadline_rules(rows), rates
