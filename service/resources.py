"""Per-tenant pipeline resources with hot reload.

Each tenant gets the shared models (or its own under MODELS_DIR/tenants/<name> when present) and its own
duplicate index. When a new model version is promoted, the models directory changes (its pointer file is
rewritten or renamed into place); the next request after that loads the new Resources completely and then
swaps one reference, so requests in flight finish on the old version and none is dropped.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
import time
from pathlib import Path
from typing import Any

from docket.settings import Settings
from pipeline.resources import Resources

log = logging.getLogger("docket.service")

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")


def tenant_models_dir(settings: Settings, tenant: str) -> Path | None:
    if not _SAFE_NAME.match(tenant):
        return None
    path = settings.resolved_models_dir / "tenants" / tenant
    return path if path.is_dir() else None


def fingerprint(directory: Path) -> tuple[int, ...]:
    """Changes when anything directly inside the directory is written, renamed or removed."""
    try:
        stamps = [directory.stat().st_mtime_ns]
        stamps += [entry.stat().st_mtime_ns for entry in directory.iterdir()]
    except OSError:
        return ()
    return (len(stamps), max(stamps))


def open_duplicate_index(settings: Settings, tenant: str) -> Any:
    """The tenant's duplicate index, or None while pipeline.duplicates has no `open_index`."""
    import pipeline.duplicates as duplicates

    opener = getattr(duplicates, "open_index", None)
    return opener(settings.resolved_database_url, tenant) if opener else None


def ensure_duplicate_tables(database_url: str) -> None:
    """Create the duplicate index's tables once, at start, before any worker process opens the index:
    two processes creating them at the same moment collide on PostgreSQL. Service processes starting
    together take turns under an advisory lock."""
    from sqlalchemy import create_engine, text

    import pipeline.duplicates.store as store

    engine_for = getattr(store, "engine_for", None)
    if engine_for is None:
        return
    if not database_url.startswith("postgresql"):
        engine_for(database_url).dispose()
        return
    guard = create_engine(database_url)
    try:
        with guard.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(72310802)"))
            try:
                engine_for(database_url).dispose()
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(72310802)"))
    finally:
        guard.dispose()


@dataclasses.dataclass
class _Entry:
    resources: Resources
    models_dir: Path
    stamp: tuple[int, ...]
    checked: float
    loaded_at: float


class ResourceManager:
    def __init__(self, settings: Settings, check_interval_s: float = 1.0):
        self.settings = settings
        self.check_interval_s = check_interval_s
        self._entries: dict[str, _Entry] = {}
        self._indexes: dict[str, Any] = {}
        self._shared_by_dir: dict[Path, tuple[tuple[int, ...], Resources]] = {}
        self._lock = threading.Lock()
        self.reloads = 0

    def _models_dir(self, tenant: str) -> Path:
        return tenant_models_dir(self.settings, tenant) or self.settings.resolved_models_dir

    def _shared(self, models_dir: Path, stamp: tuple[int, ...]) -> Resources:
        """Tenants on the same models directory share one loaded copy of the models."""
        cached = self._shared_by_dir.get(models_dir)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        settings = self.settings
        if models_dir != settings.resolved_models_dir:
            settings = settings.model_copy(update={"models_dir": models_dir})
        resources = Resources.load(settings)
        self._shared_by_dir[models_dir] = (stamp, resources)
        return resources

    def _load(self, tenant: str, models_dir: Path) -> _Entry:
        stamp = fingerprint(models_dir)
        resources = self._shared(models_dir, stamp)
        if tenant not in self._indexes:
            self._indexes[tenant] = open_duplicate_index(self.settings, tenant)
        resources = dataclasses.replace(resources, duplicate_index=self._indexes[tenant])
        now = time.monotonic()
        return _Entry(resources, models_dir, stamp, now, now)

    def get(self, tenant: str) -> Resources:
        entry = self._entries.get(tenant)
        now = time.monotonic()
        if entry is not None and now - entry.checked < self.check_interval_s:
            return entry.resources
        with self._lock:
            entry = self._entries.get(tenant)
            if entry is not None and time.monotonic() - entry.checked < self.check_interval_s:
                return entry.resources
            models_dir = self._models_dir(tenant)
            if (
                entry is not None
                and entry.models_dir == models_dir
                and fingerprint(models_dir) == entry.stamp
            ):
                entry.checked = time.monotonic()
                return entry.resources
            try:
                fresh = self._load(tenant, models_dir)
            except Exception as exc:
                if entry is None:
                    raise
                log.error(
                    "model reload failed (%s); still serving %s",
                    type(exc).__name__,
                    entry.resources.model_version,
                )
                entry.checked = time.monotonic()
                return entry.resources
            if entry is not None:
                self.reloads += 1
                log.info(
                    "models reloaded: %s -> %s", entry.resources.model_version, fresh.resources.model_version
                )
            self._entries[tenant] = fresh
            return fresh.resources

    def info(self, tenant: str) -> dict[str, Any]:
        resources = self.get(tenant)
        entry = self._entries[tenant]
        return {
            "model_version": resources.model_version,
            "tenant_specific": entry.models_dir != self.settings.resolved_models_dir,
            "loaded_at": time.time() - (time.monotonic() - entry.loaded_at),
            "reloads": self.reloads,
        }

    def index(self, tenant: str) -> Any:
        self.get(tenant)
        return self._indexes.get(tenant)
