"""Deadline terms learnt from a register: the usual term of each document kind, the term for appeals, and
how far before a deadline stated in a letter the organisation sets its own control date."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from models.staff import as_date
from pipeline.deadline import APPEAL_KINDS, DeadlineRules, explicit_deadline, previous_working_day

MIN_ROWS = 20


def _term(offsets: Counter, n_rows: int) -> int | None:
    """The most common number of days, when most letters of the kind get a deadline at all."""
    without = offsets.get(None, 0)
    if n_rows < MIN_ROWS or without > n_rows / 2:
        return None
    return Counter({k: v for k, v in offsets.items() if k is not None}).most_common(1)[0][0]


def learn_deadline_rules(rows: list[dict[str, Any]], base: DeadlineRules | None = None) -> DeadlineRules:
    """A deadline that was moved to the previous working day counts as the calendar term that produced it."""
    base = base or DeadlineRules()
    offsets: dict[str, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    margins: Counter = Counter()
    for row in rows:
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
        if explicit is not None and explicit[1] == "explicit_date":
            margins[(explicit[0] - due).days] += 1
            continue
        if due is None:
            offsets[kind][None] += 1
            continue
        # every calendar term that lands on this working day after moving gets a vote
        for days in range((due - registered).days, (due - registered).days + 4):
            if previous_working_day(registered.fromordinal(registered.toordinal() + days)) == due:
                offsets[kind][days] += 1
    terms = dict(base.terms)
    for kind, counter in offsets.items():
        if kind in APPEAL_KINDS:
            continue
        terms[kind] = _term(counter, totals[kind])
    appeals = Counter()
    for kind in APPEAL_KINDS:
        appeals.update({k: v for k, v in offsets.get(kind, Counter()).items() if k is not None})
    appeal_days = appeals.most_common(1)[0][0] if sum(appeals.values()) >= MIN_ROWS else base.appeal_days
    margin = margins.most_common(1)[0][0] if sum(margins.values()) >= MIN_ROWS else 0
    return DeadlineRules(
        appeal_days=appeal_days,
        forward_days=base.forward_days,
        explicit_margin_days=max(0, margin),
        terms=terms,
    )
