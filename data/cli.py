"""`docket generate`: the synthetic world (register, directories, rendered letters)."""

from __future__ import annotations

from pathlib import Path

import typer

from docket.errors import InputError


def generate(
    out: Path = typer.Option(..., "--out", help="Output directory (created if missing)."),
    seed: int = typer.Option(42, "--seed", help="Random seed: the same seed gives byte-identical output."),
    years: int = typer.Option(3, "--years", help="Years of history, ending 2025-12-31."),
    per_year: int = typer.Option(
        5000, "--per-year", help="Registered letters per year (before duplicates etc.)."
    ),
    render: int = typer.Option(300, "--render", help="How many registered letters to render as files."),
    no_render: bool = typer.Option(False, "--no-render", help="Write the register and directories only."),
    workers: int = typer.Option(2, "--workers", help="Processes for rendering scans."),
) -> None:
    """Generate a synthetic world: register, staff, units, organisations, topics, rendered letters."""
    if not 1 <= years <= 30:
        raise InputError("--years must be between 1 and 30")
    if not 10 <= per_year <= 500_000:
        raise InputError("--per-year must be between 10 and 500000")
    if render < 0:
        raise InputError("--render must not be negative")
    if workers < 1:
        raise InputError("--workers must be at least 1")
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} exists and is not a directory")
    from data.generator.build import build

    try:
        result = build(
            out, seed=seed, years=years, per_year=per_year, render=0 if no_render else render, workers=workers
        )
    except OSError as exc:
        raise InputError(f"cannot write the world to {out}: {exc.strerror or exc}") from None
    typer.echo(
        f"wrote {result['counts']['letters']} letters, {result['counts']['staff']} staff, "
        f"{result['counts']['organisations']} organisations to {out} (oracle_top1={result['oracle_top1']})"
    )
