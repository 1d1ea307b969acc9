"""Executor suggestion: top-k responsible executors from the trained model bundle."""

from __future__ import annotations

from typing import Any

from pipeline.contract import Card, ExecutorSuggestion
from pipeline.document import Document


def suggest_executors(
    document: Document, card: Card, bundle: Any = None, top_k: int = 3
) -> list[ExecutorSuggestion]:
    if bundle is None:
        return []
    return bundle.suggest_executors(document, card, top_k=top_k)
