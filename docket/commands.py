"""General CLI commands: process documents, serve the API, prepare the demo, print the version."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from docket.errors import DocketError


def process(
    paths: list[Path] = typer.Argument(
        ..., help="Documents to process (.txt, and the formats ingestion supports)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one suggestion JSON object per line (JSONL)."),
    words: bool = typer.Option(False, "--words", help="Include word boxes in document.pages (large)."),
    register: Path | None = typer.Option(
        None, "--register", help="Register directory to check duplicates against."
    ),
    channel: str | None = typer.Option(
        None, "--channel", help="How the documents arrived (post, email, web_form, medo, courier, fax, …)."
    ),
) -> None:
    """Process documents and print docket's suggestion for each."""
    from docket.settings import get_settings
    from pipeline.contract import CHANNELS
    from pipeline.process import Processor

    if channel is not None and channel not in CHANNELS:
        raise DocketError(f"unknown channel {channel!r}: use one of {', '.join(CHANNELS)}")
    settings = get_settings()
    if register is not None:
        settings = settings.model_copy(update={"register_path": register})
    processor = Processor(settings)
    failures = 0
    for path in paths:
        try:
            metadata = {"channel": channel} if channel else None
            suggestion = processor.process_path(path, include_words=words, metadata=metadata)
        except DocketError as exc:
            failures += 1
            print(f"docket: error: {path}: {exc.message}", file=sys.stderr)
            continue
        if as_json:
            sys.stdout.write(suggestion.model_dump_json(exclude_none=False) + "\n")
        else:
            _print_human(path, json.loads(suggestion.model_dump_json()))
    if failures:
        raise typer.Exit(1)


def _print_human(path: Path, suggestion: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=str(path), show_lines=False)
    table.add_column("field")
    table.add_column("value")
    table.add_column("conf.", justify="right")
    table.add_column("source")
    for name, field in suggestion["card"].items():
        if field is None:
            table.add_row(name, "—", "", "")
        else:
            table.add_row(
                name,
                json.dumps(field["value"], ensure_ascii=False),
                f"{field['confidence']:.2f}",
                field["source"],
            )
    console = Console()
    console.print(table)
    for hit in suggestion["duplicates"]:
        console.print(
            f"duplicate ({hit['kind']}, {hit['score']:.2f}): {hit['document_id']} — {hit['reason']}"
        )
    for rank, executor in enumerate(suggestion["executors"], 1):
        console.print(f"executor {rank}: {executor['name']} ({executor['score']:.2f})")
    if suggestion["resolution"]:
        console.print(f"resolution: {suggestion['resolution']['text']}")
    if suggestion["deadline"]:
        console.print(f"deadline: {suggestion['deadline']['date']} ({suggestion['deadline']['rule']})")


def serve(
    host: str | None = typer.Option(None, help="Bind address (default DOCKET_HOST)."),
    port: int | None = typer.Option(None, help="Port (default DOCKET_PORT)."),
) -> None:
    """Serve the HTTP API."""
    import uvicorn

    from docket.settings import get_settings

    settings = get_settings()
    uvicorn.run(
        "service.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
    )


def demo(
    ensure: bool = typer.Option(
        True, "--ensure/--force", help="Only create what is missing (default), or redo."
    ),
) -> None:
    """Create the demo world and demo models under DOCKET_HOME when they do not exist yet."""
    from docket.demo import ensure_demo

    for line in ensure_demo(force=not ensure):
        typer.echo(line)


def version() -> None:
    """Print docket's version and the suggestion schema version."""
    from docket import __version__
    from pipeline.contract import SCHEMA_VERSION

    typer.echo(f"docket {__version__} (schema {SCHEMA_VERSION})")
