"""The index's tables (prefix dup_) through SQLAlchemy Core: SQLite by default, PostgreSQL through the same code.

One row per (tenant, document_id) holds the record, its normalised keys and its MinHash signature, so the
in-memory LSH is rebuilt from the table without re-reading any text. `seq` grows with every write, so a
process picks up rows another worker added by asking for seq > the last one it saw.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def tables() -> Any:
    import sqlalchemy as sa

    metadata = sa.MetaData()
    records = sa.Table(
        "dup_records",
        metadata,
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tenant", sa.String(128), nullable=False),
        sa.Column("document_id", sa.String(128), nullable=False),
        sa.Column("reg_date", sa.Date),
        sa.Column("file_sha256", sa.String(64)),
        sa.Column("text_key", sa.String(64)),
        sa.Column("correspondent_id", sa.String(128)),
        sa.Column("correspondent_name", sa.Text),
        sa.Column("correspondent_key", sa.Text),
        sa.Column("outgoing_number", sa.String(128)),
        sa.Column("reference_key", sa.String(128)),
        sa.Column("outgoing_date", sa.Date),
        sa.Column("applicant_name", sa.Text),
        sa.Column("name_key", sa.String(256)),
        sa.Column("applicant_email", sa.String(256)),
        sa.Column("email_key", sa.String(256)),
        sa.Column("applicant_phone", sa.String(64)),
        sa.Column("phone_key", sa.String(16)),
        sa.Column("applicant_address", sa.Text),
        sa.Column("address_key", sa.String(512)),
        sa.Column("topic_code", sa.String(64)),
        sa.Column("doc_kind", sa.String(32)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("text_norm", sa.Text),
        sa.Column("facts", sa.Text),
        sa.Column("signature", sa.LargeBinary),
        sa.UniqueConstraint("tenant", "document_id", name="dup_records_tenant_document"),
    )
    for column in (
        "file_sha256",
        "text_key",
        "reference_key",
        "name_key",
        "email_key",
        "phone_key",
        "address_key",
    ):
        sa.Index(f"dup_records_{column}", records.c.tenant, records.c[column])
    sa.Index("dup_records_tenant_seq", records.c.tenant, records.c.seq)
    sa.Index("dup_records_topic_seq", records.c.tenant, records.c.topic_code, records.c.seq)
    return metadata, records


def engine_for(database_url: str) -> Any:
    import sqlalchemy as sa

    kwargs: dict[str, Any] = {}
    if database_url.startswith("sqlite"):
        if database_url in ("sqlite://", "sqlite:///:memory:"):
            from sqlalchemy.pool import StaticPool

            # one shared connection, or every new connection would see its own empty database
            kwargs["poolclass"] = StaticPool
        kwargs["connect_args"] = {"check_same_thread": False}
    engine = sa.create_engine(database_url, **kwargs)
    if database_url.startswith("sqlite"):

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # 64 MB of pages: the key indexes of a 1M-letter register stay in memory while it is written
            cursor.execute("PRAGMA cache_size=-65536")
            cursor.close()

    metadata, _ = tables()
    try:
        metadata.create_all(engine)
    except sa.exc.DBAPIError:
        # Another process created the tables between our check and our CREATE; the second check sees them.
        metadata.create_all(engine)
    return engine
