"""What a card rule returns: a value, where it was found in the document text, and which rule found it."""

from __future__ import annotations

import re
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


_CELL = re.compile(r"\S+(?:\s{1,2}\S+)*")


def columns(text: str, limit_lines: int = 40) -> list[list[tuple[int, int, str]]]:
    """The first lines split into a left and a right column: OCR of a two-column header puts the sender's
    and the addressee's blocks on one line, separated by a run of spaces."""
    left: list[tuple[int, int, str]] = []
    right: list[tuple[int, int, str]] = []
    position = 0
    for raw in text.splitlines(keepends=True)[:limit_lines]:
        for index, cell in enumerate(_CELL.finditer(raw)):
            is_right = index > 0 or cell.start() >= 10  # an indented line continues the right column
            (right if is_right else left).append(
                (position + cell.start(), position + cell.end(), cell.group(0))
            )
        position += len(raw)
    return [left, right]
