"""`make run` needs something to serve on a fresh machine: a demo world and models trained on it."""

from __future__ import annotations

from collections.abc import Iterator

from docket.settings import get_settings


def ensure_demo(force: bool = False) -> Iterator[str]:
    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    yield f"docket home: {settings.home.resolve()}"
    # The generator and training arrive with their issues; until then the service runs without models.
    yield "demo world and models: not available yet (generator and training are not built)"
