"""Duplicate detection against the organisation's register: exact, near (another channel, a re-send) and
repeat appeals (59-ФЗ), per tenant.

Stored records live in SQL tables (SQLite by default, see store.py); candidates come from an in-memory
MinHash LSH rebuilt from the stored signatures and from indexed card keys; verify.py decides the kind.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pipeline.contract import Card, DuplicateHit
from pipeline.document import Document
from pipeline.duplicates.index import DuplicateIndex
from pipeline.duplicates.records import IndexRecord, record_from_card
from pipeline.duplicates.register import read_register, records_from_register

__all__ = [
    "DuplicateIndex",
    "IndexRecord",
    "build_index_from_register",
    "find_duplicates",
    "load_index",
    "open_index",
    "record_from_card",
]


def find_duplicates(
    document: Document, card: Card, index: DuplicateIndex | None = None
) -> list[DuplicateHit]:
    if index is None:
        return []
    return index.lookup(document, card)


def open_index(database_url: str, tenant: str) -> DuplicateIndex:
    """One tenant's index in the database at `database_url` (SQLAlchemy URL); tables are created on open."""
    from pipeline.duplicates.store import engine_for

    return DuplicateIndex(engine_for(database_url), tenant)


def build_index_from_register(
    path: Path, tenant: str = "default", database_url: str | None = None
) -> DuplicateIndex:
    """Index every letter of a register (world dir with register.parquet, or a .parquet/.csv/.jsonl file)."""
    index = open_index(database_url or "sqlite://", tenant)
    index.add_many(records_from_register(read_register(Path(path))))
    return index


def load_index(settings: Any) -> DuplicateIndex | None:
    """The index of settings.register_path, cached as SQLite under settings.home; None when none is set."""
    register = getattr(settings, "register_path", None)
    if not register:
        return None
    from pipeline.register import find_register

    source = find_register(Path(register))
    stat = source.stat()
    stamp = hashlib.sha256(f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    cache_dir = Path(settings.home) / "cache"
    cache = cache_dir / f"duplicates-{stamp}.sqlite3"
    if not cache.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(".part")
        partial.unlink(missing_ok=True)
        index = build_index_from_register(source, "default", f"sqlite:///{partial.as_posix()}")
        index.engine.dispose()
        partial.replace(cache)
    return open_index(f"sqlite:///{cache.as_posix()}", "default")
