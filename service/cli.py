"""`docket tenant create NAME` and `docket key create --tenant NAME`: manage who may call the API."""

from __future__ import annotations

from pathlib import Path

import typer

tenant_app = typer.Typer(help="Organisations (tenants) served by the API.", no_args_is_help=True)
key_app = typer.Typer(help="API keys, each bound to one tenant.", no_args_is_help=True)


def _sessions():
    from docket.settings import get_settings
    from service.db import make_engine, migrate, session_factory

    url = get_settings().resolved_database_url
    migrate(url)
    return session_factory(make_engine(url))


@tenant_app.command("create")
def tenant_create(
    name: str = typer.Argument(..., help="The organisation's short name (1-100 characters)."),
    callback_url: str | None = typer.Option(None, help="Default URL for job callbacks of this tenant."),
) -> None:
    """Create a tenant and print its callback signing secret."""
    from docket.errors import InputError
    from docket.settings import get_settings
    from service.callbacks import CallbackPolicy, CallbackRefused
    from service.tenants import create_tenant

    if callback_url:
        try:
            CallbackPolicy.parse(get_settings().callback_allow).addresses(callback_url)
        except CallbackRefused as exc:
            raise InputError(str(exc)) from None
    with _sessions()() as session:
        tenant = create_tenant(session, name, callback_url)
        session.commit()
        typer.echo(f"tenant: {tenant.name}")
        typer.echo(
            f"callback signing secret (HMAC-SHA256, header Docket-Signature): {tenant.callback_secret}"
        )


@key_app.command("create")
def key_create(
    tenant: str = typer.Option(..., "--tenant", help="The tenant the key belongs to."),
    rate_limit: int = typer.Option(600, help="Requests per minute allowed with this key."),
) -> None:
    """Create an API key for a tenant and print it (only this once: the store keeps its hash)."""
    from service.tenants import create_key, get_tenant

    with _sessions()() as session:
        key = create_key(session, get_tenant(session, tenant), rate_limit)
        session.commit()
    typer.echo(key)


@tenant_app.command("export")
def tenant_export(
    name: str = typer.Argument(..., help="The tenant whose verified documents to export."),
    out: Path = typer.Option(
        ..., "--out", help="Register file to write (.jsonl), for `docket train --register`."
    ),
) -> None:
    """Export the tenant's verified documents as a register (JSONL): verified cards become training data."""
    import json

    from service.feedback import register_rows
    from service.tenants import get_tenant

    with _sessions()() as session:
        rows = register_rows(session, get_tenant(session, name).id)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    typer.echo(f"{len(rows)} verified documents written to {out}")
