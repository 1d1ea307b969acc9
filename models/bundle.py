"""The trained model bundle (executor ranker, resolution drafter, classifiers) and its on-disk format."""

from __future__ import annotations

from typing import Any


def load_bundle(settings: Any) -> Any:
    """The promoted bundle under the models directory; None until training exists."""
    return None
