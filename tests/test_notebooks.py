"""Both notebooks run top to bottom on a small register and its MLflow store."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_training_world import build_world

ROOT = Path(__file__).resolve().parent.parent


def _execute(name: str, env: dict, monkeypatch) -> None:
    import nbformat
    from nbclient import NotebookClient

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    book = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    NotebookClient(
        book, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    ).execute()
    errors = [
        o
        for c in book.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]
    assert not errors


@pytest.mark.slow
def test_notebooks_run_on_a_small_register(tmp_path, monkeypatch):
    pytest.importorskip("nbclient")
    from training.register import load_register
    from training.tracking import log_run
    from training.train import train_register

    world = build_world(tmp_path / "world", n=300)
    data_dir = tmp_path / "data"
    register = load_register(world)
    for max_rows in (150, 1000):  # two versions to compare
        bundle, report = train_register(
            register, 0.2, params={"max_rows": max_rows, "use_char": False}, card_models=False
        )
        bundle.save(tmp_path / f"bundle-{max_rows}")
        log_run(tmp_path / f"bundle-{max_rows}", bundle.manifest, report, data_dir)
    _execute("explore_register.ipynb", {"DOCKET_NOTEBOOK_REGISTER": str(world)}, monkeypatch)
    _execute("compare_versions.ipynb", {"DOCKET_NOTEBOOK_DATA_DIR": str(data_dir)}, monkeypatch)
