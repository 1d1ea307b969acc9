"""Request dependencies: the database session, the calling tenant (API key) and its rate limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from service.problems import ApiError
from service.tenants import Caller, authenticate

bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <key>`")
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The API key of a tenant.")


def db_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


class RateLimiter:
    """A token bucket per API key: `limit` requests per minute, bursts up to `limit`."""

    def __init__(self) -> None:
        self._buckets: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key_id: int, limit: int) -> float:
        """0 when allowed, else the seconds until the next request may pass."""
        now = time.monotonic()
        rate = limit / 60.0
        with self._lock:
            tokens, last = self._buckets.get(key_id, (float(limit), now))
            tokens = min(float(limit), tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[key_id] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key_id] = (tokens, now)
            return (1.0 - tokens) / rate


def caller(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    x_api_key: str | None = Depends(api_key_header),
    session: Session = Depends(db_session),
) -> Caller:
    key = x_api_key or (credentials.credentials if credentials else None)
    if not key:
        raise ApiError(401, "unauthorized", "an API key is required", {"WWW-Authenticate": "Bearer"})
    found = authenticate(session, key)
    if found is None:
        raise ApiError(401, "unauthorized", "the API key is not valid", {"WWW-Authenticate": "Bearer"})
    wait = request.app.state.rate_limiter.allow(found.key_id, found.rate_limit_per_minute)
    if wait:
        raise ApiError(
            429,
            "rate_limited",
            f"more than {found.rate_limit_per_minute} requests per minute with this key",
            {"Retry-After": str(max(1, round(wait)))},
        )
    request.state.tenant_id = found.tenant_id
    return found
