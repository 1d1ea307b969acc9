"""Page layout shared by every renderer: which line of text goes where on which page.

A page is a grid of rows by a text width of WIDTH characters; a line sits at a row and a horizontal position
(a fraction of the text width). The two-column header puts the letterhead and registration line on the left
and the addressee on the right; the ground-truth text of a page lists its lines in reading order (the left
header block, then the right one, then the rest top to bottom), so the register's `page_count` and every
renderer agree.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 80
ROWS = 46
LEFT_WIDTH = 40  # with RIGHT_X, a gutter of about five characters between the two header columns
RIGHT_X = 0.56
RIGHT_WIDTH = 34


@dataclass(frozen=True)
class Line:
    row: int
    x: float  # fraction of the text width
    text: str
    bold: bool = False
    center: bool = False
    group: int = 0  # 1: left header block, 2: right header block (read one after the other)


def wrap(line: str, width: int) -> list[str]:
    """Greedy word wrap (textwrap is too slow for 100,000 letters); words longer than a line are cut."""
    if len(line) <= width:
        return [line]
    out, cur = [], ""
    for word in line.split(" "):
        while len(word) > width:
            if cur:
                out.append(cur)
                cur = ""
            out.append(word[:width])
            word = word[width:]
        if not cur:
            cur = word
        elif len(cur) + 1 + len(word) <= width:
            cur += " " + word
        else:
            out.append(cur)
            cur = word
    if cur:
        out.append(cur)
    return out or [""]


def _wrapped(text: str, width: int) -> list[str]:
    return [w for raw in text.split("\n") for w in wrap(raw, _fit(raw, width)) if w.strip()]


def _fit(line: str, width: int) -> int:
    """Capitals are about a third wider than the small «о» the width is measured in: a letterhead set in
    capitals wraps sooner, so it stays in its column."""
    narrow = int(width / 1.35)
    if (
        len(line) > narrow and line == line.upper() and line != line.lower()
    ):  # no small letters, some capitals
        return narrow
    return width


RIGHT_BLOCKS = {"addressee"}
CENTER_BLOCKS = {"title", "greeting"}
LEFT_HEADER = ("letterhead", "regline")


def layout(blocks: list[tuple[str, str]], kind: str) -> list[list[Line]]:
    """Pages of lines for a letter given as (block name, text) pairs; kind is the letter's layout."""
    pages: list[list[Line]] = [[]]
    row = 0

    def new_page() -> None:
        nonlocal row
        pages.append([])
        row = 0

    def put(lines: list[str], x: float = 0.0, bold: bool = False, center: bool = False) -> None:
        nonlocal row
        for text in lines:
            if row >= ROWS:
                new_page()
            pages[-1].append(Line(row, x, text, bold, center))
            row += 1

    i = 0
    first_of_letter = True
    while i < len(blocks):
        name, text = blocks[i]
        if name == "pagebreak":
            new_page()
            first_of_letter = True
            i += 1
            continue
        if kind in ("two_column", "forwarded") and first_of_letter and name == "letterhead":
            left, j = [], i
            while j < len(blocks) and blocks[j][0] in LEFT_HEADER:
                left += _wrapped(blocks[j][1], LEFT_WIDTH)
                j += 1
            right = (
                _wrapped(blocks[j][1], RIGHT_WIDTH) if j < len(blocks) and blocks[j][0] == "addressee" else []
            )
            if right:
                j += 1
            top = row
            for k, text_line in enumerate(left):
                pages[-1].append(Line(top + k, 0.0, text_line, group=1))
            for k, text_line in enumerate(right):
                pages[-1].append(Line(top + k, RIGHT_X, text_line, group=2))
            row = top + max(len(left), len(right)) + 1
            first_of_letter = False
            i = j
            continue
        first_of_letter = first_of_letter and name not in ("letterhead", "addressee", "from", "form_header")
        if name in RIGHT_BLOCKS or name == "from":
            put(_wrapped(text, RIGHT_WIDTH), RIGHT_X)
        elif name in CENTER_BLOCKS:
            put(_wrapped(text, WIDTH), center=True, bold=name == "title")
        elif name == "letterhead":
            put(_wrapped(text, WIDTH), center=True, bold=True)
        else:
            put(_wrapped(text, WIDTH))
        row += 1  # a blank row between blocks
        i += 1
    return [p for p in pages if p]


def page_text(page: list[Line]) -> str:
    """Reading order: rows top to bottom; within the two-column header, the left block before the right."""
    header = [ln for ln in page if ln.group]
    top = min((ln.row for ln in header), default=0)
    before = sorted((ln for ln in page if not ln.group and ln.row < top), key=lambda ln: (ln.row, ln.x))
    after = sorted((ln for ln in page if not ln.group and ln.row >= top), key=lambda ln: (ln.row, ln.x))
    ordered = before + sorted(header, key=lambda ln: (ln.group, ln.row)) + after
    return "\n".join(ln.text for ln in ordered)
