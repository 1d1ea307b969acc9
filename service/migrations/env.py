"""Alembic environment: the URL comes from the app (service.db.migrate) or `-x url=...`."""

from __future__ import annotations

import contextlib

from alembic import context
from sqlalchemy import text

from service.db import Base, make_engine

with contextlib.suppress(ImportError):  # the review page's tables (service/web) share the metadata
    import service.web.models  # noqa: F401

config = context.config
url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
if not url:
    from docket.settings import get_settings

    url = get_settings().resolved_database_url


def include_name(name, type_, parent_names) -> bool:
    """Only the service's own tables: the duplicate index keeps its dup_* tables in the same database."""
    return type_ != "table" or name in Base.metadata.tables


def run_migrations() -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # several service processes may start at once: one migrates, the others wait and find it done
            connection.execute(text("SELECT pg_advisory_lock(72310801)"))
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=url.startswith("sqlite"),
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations()
