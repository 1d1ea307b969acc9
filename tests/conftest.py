from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
REALWORLD_DEV = SHARED / "data" / "realworld-dev"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Every test gets its own DOCKET_HOME, so nothing leaks between tests or into the checkout."""
    home = tmp_path_factory.mktemp("docket-home")
    monkeypatch.setenv("DOCKET_HOME", str(home))
    from docket.settings import get_settings

    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@pytest.fixture
def realworld_dev() -> Path:
    if not (REALWORLD_DEV / "appeals.jsonl").exists():
        pytest.skip("../shared/data/realworld-dev is not present on this machine")
    return REALWORLD_DEV
