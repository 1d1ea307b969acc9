"""What a card rule returns: a value, where it was found in the document text, and which rule found it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Found:
    value: Any
    start: int
    end: int
    rule: str  # calibration key: the same rule keeps the same measured precision
    probability: float | None = None  # a model's calibrated probability, when a model found it


def lines_with_offsets(text: str) -> list[tuple[int, int, str]]:
    """(start, end, line) for every line of `text`, offsets into `text`."""
    out = []
    position = 0
    for raw in text.split("\n"):
        out.append((position, position + len(raw), raw))
        position += len(raw) + 1
    return out
