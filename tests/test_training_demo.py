"""`docket demo` trains and promotes models for an existing demo world, once."""

from __future__ import annotations

import pytest
from test_training_world import build_world


@pytest.mark.slow
def test_ensure_demo_trains_once_for_an_existing_world(_isolated_home):
    from docket.demo import ensure_demo
    from docket.settings import get_settings
    from models.bundle import load_bundle

    settings = get_settings()
    build_world(settings.demo_world_dir, n=300)
    lines = list(ensure_demo())
    assert any("demo world present" in line for line in lines)
    assert any("demo models" in line and "trained" in line for line in lines), lines
    bundle = load_bundle(settings)
    assert bundle is not None and bundle.deadline_rules
    again = list(ensure_demo())
    assert any(line.startswith("models present") for line in again)
