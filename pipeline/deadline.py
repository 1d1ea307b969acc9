"""Deadlines: 59-ФЗ terms, explicit deadlines in the text, the production calendar.

Foundation scope: none computed yet; the executor/resolution issue fills this in.
"""

from __future__ import annotations

from datetime import date

from pipeline.contract import Card, Deadline
from pipeline.document import Document


def compute_deadline(document: Document, card: Card, registered: date | None = None) -> Deadline | None:
    return None
