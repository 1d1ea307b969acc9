"""Plain data that flows between pipeline stages: an ingested document and its pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PAGE_SEPARATOR = "\n\n"


@dataclass
class Word:
    text: str
    bbox: tuple[float, float, float, float]
    confidence: float | None = None


@dataclass
class Block:
    text: str
    bbox: tuple[float, float, float, float] | None = None


@dataclass
class Page:
    number: int
    text: str
    ocr: bool = False
    ocr_confidence: float | None = None
    width: float | None = None
    height: float | None = None
    blocks: list[Block] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    origin: str | None = None  # the attachment this page came from, for e-mails and archives


@dataclass
class Document:
    id: str
    media_type: str
    pages: list[Page]
    file_name: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return PAGE_SEPARATOR.join(page.text for page in self.pages)

    @property
    def ocr_used(self) -> bool:
        return any(page.ocr for page in self.pages)

    def locate(self, offset: int) -> tuple[int, int]:
        """Map an offset into `text` to (page number, offset within that page)."""
        position = 0
        for page in self.pages:
            end = position + len(page.text)
            if offset <= end:
                return page.number, max(0, offset - position)
            position = end + len(PAGE_SEPARATOR)
        last = self.pages[-1] if self.pages else None
        return (last.number, len(last.text)) if last else (1, 0)
