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


def _pieces(text: str, width: int, block: int) -> list[tuple[str, tuple[int, int, int]]]:
    """Wrapped lines with where each starts in the block's text: (block index, source line, character)."""
    out = []
    for r, raw in enumerate(text.split("\n")):
        pos = 0
        for w in wrap(raw, _fit(raw, width)):
            if w.strip():
                off = raw.find(w, pos)
                off = pos if off < 0 else off
                out.append((w, (block, r, off)))
                pos = off + len(w)
    return out


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
    return paginate(blocks, kind)[0]


def paginate(blocks: list[tuple[str, str]], kind: str) -> tuple[list[list[Line]], list[tuple[int, int, int]]]:
    """Pages of lines, and where each page after the first starts in the blocks: (block index, source line
    of the block's text, character in that line)."""
    pages: list[list[Line]] = [[]]
    breaks: list[tuple[int, int, int]] = []
    row = 0
    pending = False  # a page was started and its first line's origin is not yet known

    def new_page() -> None:
        nonlocal row, pending
        pages.append([])
        row = 0
        pending = True

    def put(lines: list[tuple[str, tuple[int, int, int]]], x: float = 0.0, bold: bool = False,
            center: bool = False) -> None:  # fmt: skip
        nonlocal row, pending
        for text, origin in lines:
            if row >= ROWS:
                new_page()
            if pending:
                breaks.append(origin)
                pending = False
            pages[-1].append(Line(row, x, text, bold, center))
            row += 1

    i = 0
    first_of_letter = True
    while i < len(blocks):
        name, text = blocks[i]
        if name == "pagebreak":
            if pages[-1]:
                new_page()
            first_of_letter = True
            i += 1
            continue
        if kind in ("two_column", "forwarded") and first_of_letter and name == "letterhead":
            left, j = [], i
            while j < len(blocks) and blocks[j][0] in LEFT_HEADER:
                left += _pieces(blocks[j][1], LEFT_WIDTH, j)
                j += 1
            right = (
                _pieces(blocks[j][1], RIGHT_WIDTH, j)
                if j < len(blocks) and blocks[j][0] == "addressee"
                else []
            )
            if right:
                j += 1
            if pending and (left or right):
                breaks.append((left or right)[0][1])
                pending = False
            top = row
            for k, (text_line, _) in enumerate(left):
                pages[-1].append(Line(top + k, 0.0, text_line, group=1))
            for k, (text_line, _) in enumerate(right):
                pages[-1].append(Line(top + k, RIGHT_X, text_line, group=2))
            row = top + max(len(left), len(right)) + 1
            first_of_letter = False
            i = j
            continue
        first_of_letter = first_of_letter and name not in ("letterhead", "addressee", "from", "form_header")
        if name in RIGHT_BLOCKS or name == "from":
            put(_pieces(text, RIGHT_WIDTH, i), RIGHT_X)
        elif name in CENTER_BLOCKS:
            put(_pieces(text, WIDTH, i), center=True, bold=name == "title")
        elif name == "letterhead":
            put(_pieces(text, WIDTH, i), center=True, bold=True)
        else:
            put(_pieces(text, WIDTH, i))
        row += 1  # a blank row between blocks
        i += 1
    if not pages[-1]:
        pages.pop()
    return pages, breaks


def paged_text(blocks: list[tuple[str, str]], breaks: list[tuple[int, int, int]]) -> str:
    """The letter's text with a form feed where each page ends, as a text export (pdftotext) writes it:
    «…last line of a page\n\ffirst line of the next…»; a paragraph running over a page is cut there."""
    texts = [text for _, text in blocks]
    for b, r, off in sorted(breaks, reverse=True):
        lines = texts[b].split("\n")
        line = lines[r]
        lines[r] = "\f" + line if off == 0 else line[:off].rstrip(" ") + "\n\f" + line[off:]
        texts[b] = "\n".join(lines)
    return "\n".join(t for (name, _), t in zip(blocks, texts, strict=True) if t and name != "pagebreak")


def page_text(page: list[Line]) -> str:
    """Reading order: rows top to bottom; within the two-column header, the left block before the right."""
    header = [ln for ln in page if ln.group]
    top = min((ln.row for ln in header), default=0)
    before = sorted((ln for ln in page if not ln.group and ln.row < top), key=lambda ln: (ln.row, ln.x))
    after = sorted((ln for ln in page if not ln.group and ln.row >= top), key=lambda ln: (ln.row, ln.x))
    ordered = before + sorted(header, key=lambda ln: (ln.group, ln.row)) + after
    return "\n".join(ln.text for ln in ordered)
