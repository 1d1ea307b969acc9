"""What the stages consult besides the document: the organisation directory, the trained model bundle and
the duplicate index. Loaded once per process, so the CLI and the service find them the same way.

Each area owns its loader (pipeline.card.load_directory, pipeline.duplicates.load_index,
models.bundle.load_bundle); each returns None when nothing is configured or present, and the stage that
needs it then returns nothing rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docket.settings import Settings, get_settings


@dataclass
class Resources:
    directory: Any = None
    bundle: Any = None
    duplicate_index: Any = None
    model_version: str | None = None

    @classmethod
    def load(cls, settings: Settings | None = None) -> Resources:
        from models.bundle import load_bundle
        from pipeline.card import load_directory
        from pipeline.duplicates import load_index

        settings = settings or get_settings()
        bundle = load_bundle(settings)
        return cls(
            directory=load_directory(settings),
            bundle=bundle,
            duplicate_index=load_index(settings),
            model_version=getattr(bundle, "version", None),
        )
