"""`docket directory-import`: bring an EDMS counterparty directory into docket."""

from __future__ import annotations

from pathlib import Path

import typer


def directory_import(
    source: Path = typer.Argument(
        ..., help="Directory file: CSV, JSONL/JSON or a Docsvision RefPartners XML export."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Where to write docket's CSV; default DOCKET_DATA_DIR/directory.csv (used by the card).",
    ),
) -> None:
    """Import an organisation directory (correspondents) for matching letters' senders."""
    from docket.settings import get_settings
    from pipeline.card.directory import read_directory, write_directory_csv

    directory = read_directory(source)
    target = out or imported_directory_path(get_settings())
    count = write_directory_csv(directory, target)
    typer.echo(f"imported {count} organisations from {source} into {target}")


def imported_directory_path(settings) -> Path:
    return Path(settings.resolved_data_dir) / "directory.csv"
