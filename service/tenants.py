"""Tenants (organisations) and their API keys.

A key is 32 random bytes (256 bits) shown once; only its sha256 is stored. A salted slow hash (argon2)
protects low-entropy passwords against guessing; a random 256-bit token cannot be guessed, so a fast
hash is as safe and keeps authentication well under a millisecond per request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from docket.errors import InputError
from service.db import ApiKey, Tenant

KEY_PREFIX = "dk_"
DEFAULT_RATE_LIMIT = 600


@dataclass(frozen=True)
class Caller:
    """Who is calling: the tenant and the key used (plain data, safe to pass around)."""

    tenant_id: int
    tenant_name: str
    key_id: int
    rate_limit_per_minute: int


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_tenant(session: Session, name: str, callback_url: str | None = None) -> Tenant:
    name = name.strip()
    if not name or len(name) > 100:
        raise InputError("a tenant name must have 1 to 100 characters")
    if session.scalar(select(Tenant).where(Tenant.name == name)) is not None:
        raise InputError(f"tenant already exists: {name}")
    tenant = Tenant(name=name, callback_url=callback_url, callback_secret=secrets.token_urlsafe(32))
    session.add(tenant)
    session.flush()
    return tenant


def get_tenant(session: Session, name: str) -> Tenant:
    tenant = session.scalar(select(Tenant).where(Tenant.name == name))
    if tenant is None:
        raise InputError(f"no such tenant: {name}")
    return tenant


def create_key(session: Session, tenant: Tenant, rate_limit_per_minute: int = DEFAULT_RATE_LIMIT) -> str:
    """Create a key for the tenant and return it: the only time the plain key exists."""
    if rate_limit_per_minute < 1:
        raise InputError("the rate limit must be at least 1 request per minute")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiKey(
            tenant_id=tenant.id,
            prefix=key[:10],
            key_hash=hash_key(key),
            rate_limit_per_minute=rate_limit_per_minute,
        )
    )
    session.flush()
    return key


def authenticate(session: Session, key: str) -> Caller | None:
    row = session.execute(
        select(ApiKey, Tenant)
        .join(Tenant, Tenant.id == ApiKey.tenant_id)
        .where(ApiKey.key_hash == hash_key(key), ApiKey.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    api_key, tenant = row
    return Caller(tenant.id, tenant.name, api_key.id, api_key.rate_limit_per_minute)
