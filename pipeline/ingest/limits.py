"""Per-document limits: time budget, unpacked bytes, nesting depth, page count.

One `Context` travels with a document through every extractor, so an attachment inside a ZIP inside an
e-mail spends from the same budget as the e-mail itself.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from docket.errors import LimitExceeded
from docket.settings import Settings

MAX_DEPTH = 5  # e-mail in ZIP in e-mail...: deeper nesting is a bomb, not correspondence
MAX_ARCHIVE_ENTRIES = 500
MAX_COMPRESSION_RATIO = 200  # real documents compress far less; zip bombs reach 1000×


@dataclass
class Context:
    settings: Settings
    deadline: float = 0.0
    depth: int = 0
    unpacked: int = 0
    pages: int = 0
    ocr_words: bool = True
    _tmp: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.deadline:
            self.deadline = time.monotonic() + self.settings.time_budget_s

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def check_time(self) -> None:
        if self.remaining() <= 0:
            raise LimitExceeded(
                f"processing took longer than the time budget of {self.settings.time_budget_s:g} s"
            )

    def add_unpacked(self, size: int) -> None:
        self.unpacked += size
        limit = self.settings.max_unpacked_mb * 1024 * 1024
        if self.unpacked > limit:
            raise LimitExceeded(
                f"more than {self.settings.max_unpacked_mb} MB unpacked from archives and attachments"
            )

    def add_pages(self, count: int) -> None:
        self.pages += count
        if self.pages > self.settings.max_pages:
            raise LimitExceeded(f"the document has more than {self.settings.max_pages} pages")

    def check_pixels(self, width: int, height: int) -> None:
        if width <= 0 or height <= 0:
            from docket.errors import CorruptDocument

            raise CorruptDocument("the image has no pixels")
        if width * height > self.settings.max_image_pixels:
            raise LimitExceeded(
                f"the image is {width}×{height} pixels, over the limit of "
                f"{self.settings.max_image_pixels:,} pixels"
            )

    @contextmanager
    def nested(self) -> Iterator[None]:
        """Go one level deeper, into an attachment or an archive member."""
        if self.depth + 1 > MAX_DEPTH:
            raise LimitExceeded(f"attachments are nested more than {MAX_DEPTH} levels deep")
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    @property
    def tmp(self) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="docket-ingest-")
        return Path(self._tmp.name)

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
