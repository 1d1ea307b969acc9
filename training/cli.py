"""`docket train` and `docket evaluate`."""

from __future__ import annotations

from pathlib import Path

import typer

from docket.errors import DocketError


def train(
    register: Path = typer.Option(..., "--register", help="Register export (CSV, XLSX, Parquet, JSONL)."),
    out: Path = typer.Option(..., "--out", help="Directory for the model bundle."),
) -> None:
    """Train the models on a historical register."""
    raise DocketError("training is not built yet")


def evaluate(
    register: Path = typer.Option(..., "--register", help="Register export."),
    model: Path = typer.Option(..., "--model", help="Model bundle directory."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Evaluate a model bundle on the newest part of a register."""
    raise DocketError("evaluation is not built yet")
