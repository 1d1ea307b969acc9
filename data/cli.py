"""`docket generate`: the synthetic world (register, directories, rendered letters)."""

from __future__ import annotations

from pathlib import Path

import typer

from docket.errors import DocketError


def generate(
    out: Path = typer.Option(..., "--out", help="Output directory."),
    seed: int = typer.Option(42, "--seed", help="Random seed: the same seed gives byte-identical output."),
) -> None:
    """Generate a synthetic world: register, staff, units, organisations, topics, rendered letters."""
    raise DocketError("the generator is not built yet")
