"""The `docket` command line. Each command lives with its area; this module only assembles them.

Commands import their heavy dependencies inside the function, so `docket --help` stays fast.
"""

from __future__ import annotations

import os
import sys

import typer

from data.cli import generate  # noqa: I001 - the generator command, nothing else from data/
from docket.commands import demo, process, serve, version
from docket.errors import DocketError
from pipeline.card.cli import directory_import
from service.cli import key_app, tenant_app
from service.web.cli import user_app
from training.cli import evaluate, train

app = typer.Typer(
    name="docket",
    help="ML-assisted processing of incoming correspondence: ingest, duplicates, card, executor, resolution.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("process")(process)
app.command("generate")(generate)
app.command("train")(train)
app.command("evaluate")(evaluate)
app.command("serve")(serve)
app.command("demo")(demo)
app.command("version")(version)
app.command("directory-import")(directory_import)
app.add_typer(tenant_app, name="tenant")
app.add_typer(key_app, name="key")
app.add_typer(user_app, name="user")


def _fail(message: str, code: int = 1) -> None:
    print(f"docket: error: {message}", file=sys.stderr)
    raise SystemExit(code)


def main() -> None:
    """Console entry point: a DocketError or any other failure becomes one line on stderr, not a traceback."""
    try:
        app()
    except DocketError as exc:
        _fail(exc.message)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for a CLI user
        if os.environ.get("DOCKET_DEBUG", "").lower() in {"1", "true", "yes"}:
            raise
        _fail(f"internal error ({type(exc).__name__}): {exc}. Set DOCKET_DEBUG=1 for the traceback.")


if __name__ == "__main__":
    main()
