"""`docket tenant create NAME` and `docket key create --tenant NAME`: manage who may call the API."""

from __future__ import annotations

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
    from service.schemas import check_callback_url
    from service.tenants import create_tenant

    try:
        check_callback_url(callback_url)
    except ValueError as exc:
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
