"""`docket user create --tenant NAME --login LOGIN`: a login for the review page, bound to one tenant."""

from __future__ import annotations

import sys

import typer

user_app = typer.Typer(help="Logins for the review page, each bound to one tenant.", no_args_is_help=True)


@user_app.command("create")
def user_create(
    tenant: str = typer.Option(..., "--tenant", help="The tenant (organisation) the user belongs to."),
    login: str = typer.Option(..., "--login", help="The login (no spaces)."),
    role: str = typer.Option("clerk", "--role", help="clerk, or supervisor (also sees the quality view)."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of standard input."
    ),
) -> None:
    """Create a review-page user; the password is asked for (or read from stdin) and stored as an argon2 hash."""
    from docket.settings import get_settings
    from service.db import make_engine, migrate, session_factory
    from service.tenants import get_tenant
    from service.web.auth import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    url = get_settings().resolved_database_url
    migrate(url)
    with session_factory(make_engine(url))() as session:
        user = create_user(session, get_tenant(session, tenant), login, password, role)
        session.commit()
        typer.echo(f"user: {user.login} (tenant {tenant}, role {user.role})")
