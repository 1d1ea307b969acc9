"""Resolution drafting: a draft resolution text in the house style, from the trained bundle."""

from __future__ import annotations

from typing import Any

from pipeline.contract import Card, Deadline, ExecutorSuggestion, Resolution
from pipeline.document import Document


def draft_resolution(
    document: Document,
    card: Card,
    executors: list[ExecutorSuggestion],
    deadline: Deadline | None,
    bundle: Any = None,
) -> Resolution | None:
    if bundle is None or not executors:
        return None
    return bundle.draft_resolution(document, card, executors, deadline)
