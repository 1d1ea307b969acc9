"""Reading order from word boxes: lines, column segments, blocks, then blocks in reading order.

Tesseract and pdfplumber both read a two-column letter header line by line across the gap, mixing the
letterhead with the addressee. Here a line is cut where the horizontal gap is much wider than a space,
the pieces are stacked into blocks by vertical proximity and horizontal overlap, and blocks that sit
side by side are read left column first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from pipeline.document import Block, Word

COLUMN_GAP = 1.5  # a gap wider than this many line heights separates columns
OVERLAP = 0.05  # a word starting this far (in line heights) inside the previous one is not its neighbour
TALL = 1.8  # a word taller than this many median word heights does not set its row's extent
BLOCK_PITCH = 1.9  # a line further below the previous one than this many line heights starts a new block


@dataclass
class _Line:
    words: list[Word]
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class _Block:
    lines: list[_Line] = field(default_factory=list)
    x0: float = float("inf")
    y0: float = float("inf")
    x1: float = float("-inf")
    y1: float = float("-inf")

    def add(self, line: _Line) -> None:
        self.lines.append(line)
        self.x0, self.y0 = min(self.x0, line.x0), min(self.y0, line.y0)
        self.x1, self.y1 = max(self.x1, line.x1), max(self.y1, line.y1)

    def typical_span(self) -> tuple[float, float]:
        """The block's usual left and right edges: one line running into the next column does not count."""
        return median(line.x0 for line in self.lines), median(line.x1 for line in self.lines)

    def to_block(self) -> Block:
        return Block(
            text="\n".join(line.text() for line in self.lines), bbox=(self.x0, self.y0, self.x1, self.y1)
        )


def _bounds(words: list[Word]) -> _Line:
    return _Line(
        words=sorted(words, key=lambda w: w.bbox[0]),
        x0=min(w.bbox[0] for w in words),
        y0=min(w.bbox[1] for w in words),
        x1=max(w.bbox[2] for w in words),
        y1=max(w.bbox[3] for w in words),
    )


def _rows(words: list[Word], line_height: float) -> list[list[Word]]:
    """Group words whose vertical extents overlap by more than half the smaller height.

    A tall word (a scribble, a stamp fragment, a big capital) joins a row but does not stretch it, or it
    would bridge two lines and merge them.
    """
    rows: list[tuple[float, float, list[Word]]] = []
    for word in sorted(words, key=lambda w: ((w.bbox[1] + w.bbox[3]) / 2, w.bbox[0])):
        top, bottom = word.bbox[1], word.bbox[3]
        height = max(bottom - top, 1e-6)
        tall = height > TALL * line_height
        for i in range(len(rows) - 1, max(-1, len(rows) - 4), -1):
            r_top, r_bottom, members = rows[i]
            overlap = min(bottom, r_bottom) - max(top, r_top)
            if overlap > 0.5 * min(height, r_bottom - r_top):
                members.append(word)
                if not tall:
                    rows[i] = (min(top, r_top), max(bottom, r_bottom), members)
                break
        else:
            rows.append((top, bottom, [word]))
    return [members for _, _, members in rows]


def _segments(row: list[Word], line_height: float) -> list[_Line]:
    """Cut a row into pieces at wide gaps; words that overlap an earlier word belong to another piece.

    Overlapping words come from text running into the next column (or a stamp over the text): chaining
    each word to the piece it continues keeps both pieces whole instead of interleaving them.
    """
    pieces: list[list[Word]] = []
    for word in sorted(row, key=lambda w: w.bbox[0]):
        best, best_gap = None, None
        for piece in pieces:
            gap = word.bbox[0] - piece[-1].bbox[2]
            if -OVERLAP * line_height <= gap <= COLUMN_GAP * line_height and (
                best_gap is None or gap < best_gap
            ):
                best, best_gap = piece, gap
        if best is None:
            pieces.append([word])
        else:
            best.append(word)
    return [_bounds(piece) for piece in pieces]


def _overlaps(a0: float, a1: float, b0: float, b1: float) -> bool:
    return min(a1, b1) - max(a0, b0) > 0


def _reaches_a_neighbour(line: _Line, block: _Block, blocks: list[_Block]) -> bool:
    """Does the line run under a block that stands beside `block` (a column next to it)?"""
    return any(
        other is not block
        and other.y0 < block.y1
        and block.y0 < other.y1
        and _overlaps(line.x0, line.x1, *other.typical_span())
        for other in blocks
    )


def _stack(lines: list[_Line], line_height: float) -> list[_Block]:
    blocks: list[_Block] = []
    for line in sorted(lines, key=lambda s: (s.y0, s.x0)):
        near = [
            b
            for b in blocks
            if line.y0 - b.lines[-1].y0 < BLOCK_PITCH * line_height
            and line.y0 >= b.lines[-1].y0 + 0.3 * line_height
            and _overlaps(line.x0, line.x1, *b.typical_span())
        ]
        # A line spanning two side-by-side blocks (the body under a two-column header) joins neither,
        # even when the other column ended a little higher.
        if len(near) == 1 and not _reaches_a_neighbour(line, near[0], blocks):
            near[0].add(line)
        else:
            block = _Block()
            block.add(line)
            blocks.append(block)
    return blocks


def _reading_order(blocks: list[_Block]) -> list[_Block]:
    """Bands of vertically overlapping blocks top to bottom; inside a band, columns left to right."""
    ordered: list[_Block] = []
    pending = sorted(blocks, key=lambda b: b.y0)
    while pending:
        band = [pending.pop(0)]
        bottom = band[0].y1
        grew = True
        while grew:
            grew = False
            for b in list(pending):
                if b.y0 < bottom:
                    band.append(b)
                    pending.remove(b)
                    bottom = max(bottom, b.y1)
                    grew = True
        columns: list[list[_Block]] = []
        for b in sorted(band, key=lambda b: b.x0):
            for col in columns:
                if any(_overlaps(b.x0, b.x1, c.x0, c.x1) for c in col):
                    col.append(b)
                    break
            else:
                columns.append([b])
        for col in columns:
            ordered.extend(sorted(col, key=lambda b: (b.y0, b.x0)))
    return ordered


def layout(words: list[Word]) -> tuple[list[Block], str]:
    """Blocks in reading order and the page text (lines joined by newlines, blocks by blank lines)."""
    words = [w for w in words if w.text.strip()]
    if not words:
        return [], ""
    word_height = median(w.bbox[3] - w.bbox[1] for w in words) or 1.0
    rows = _rows(words, word_height)
    # A row spans ascenders to descenders, so its height is a steadier measure than a word's
    # (OCR boxes of «нас» and «Губернатору» differ by half).
    line_height = median(
        max(w.bbox[3] for w in row if w.bbox[3] - w.bbox[1] <= TALL * word_height)
        - min(w.bbox[1] for w in row if w.bbox[3] - w.bbox[1] <= TALL * word_height)
        for row in rows
        if any(w.bbox[3] - w.bbox[1] <= TALL * word_height for w in row)
    )
    lines = [seg for row in rows for seg in _segments(row, line_height)]
    blocks = [b.to_block() for b in _reading_order(_stack(lines, line_height))]
    return blocks, "\n\n".join(b.text for b in blocks)
