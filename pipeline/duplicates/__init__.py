"""Duplicate detection (exact, near, repeat appeal) against the organisation's register.

Foundation scope: no index yet, so no hits. The duplicates issue fills this in.
"""

from __future__ import annotations

from typing import Any

from pipeline.contract import Card, DuplicateHit
from pipeline.document import Document


def find_duplicates(document: Document, card: Card, index: Any = None) -> list[DuplicateHit]:
    if index is None:
        return []
    return index.lookup(document, card)


def load_index(settings: Any) -> Any:
    """The duplicate index of the configured register/store; None until the duplicates issue."""
    return None
