"""Clerks' logins (argon2 password hashes) and server-side sessions, each tied to one tenant.

The session cookie holds a random token; the store keeps only its sha256, with the session's CSRF token
and expiry, so logging out or expiring a session takes effect at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from docket.errors import InputError
from service.db import Tenant, utcnow
from service.web.models import WebSession, WebUser

log = logging.getLogger("docket.service")

SESSION_COOKIE = "docket_session"
LOGIN_CSRF_COOKIE = "docket_login_csrf"
SESSION_HOURS = 12
ROLES = ("clerk", "supervisor")
MIN_PASSWORD = 8


@dataclass(frozen=True)
class WebCaller:
    """The logged-in clerk (plain data): who, which tenant, and the session's CSRF token."""

    user_id: int
    login: str
    role: str
    tenant_id: int
    tenant_name: str
    csrf_token: str


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_user(session: Session, tenant: Tenant, login: str, password: str, role: str = "clerk") -> WebUser:
    login = login.strip()
    if not login or len(login) > 100 or any(c.isspace() for c in login):
        raise InputError("a login must have 1 to 100 characters and no spaces")
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password must have at least {MIN_PASSWORD} characters")
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}")
    if session.scalar(select(WebUser.id).where(WebUser.login == login)) is not None:
        raise InputError(f"login already exists: {login}")
    user = WebUser(tenant_id=tenant.id, login=login, password_hash=_hasher().hash(password), role=role)
    session.add(user)
    session.flush()
    return user


def check_password(session: Session, login: str, password: str) -> WebUser | None:
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    user = session.scalar(select(WebUser).where(WebUser.login == login.strip()))
    if user is None or user.disabled_at is not None:
        # Spend the same time as for a real login, so timing does not tell which logins exist.
        hasher.hash(password or "-")
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
        session.commit()
    return user


def open_session(session: Session, user: WebUser) -> str:
    """Start a session for the user and return the cookie token (the store keeps its hash only)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    session.add(
        WebSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + dt.timedelta(hours=SESSION_HOURS),
        )
    )
    session.commit()
    return token


def session_caller(session: Session, token: str | None) -> WebCaller | None:
    if not token:
        return None
    row = session.execute(
        select(WebSession, WebUser, Tenant)
        .join(WebUser, WebUser.id == WebSession.user_id)
        .join(Tenant, Tenant.id == WebUser.tenant_id)
        .where(WebSession.token_hash == _token_hash(token))
    ).first()
    if row is None:
        return None
    web_session, user, tenant = row
    if web_session.expires_at < utcnow() or user.disabled_at is not None:
        return None
    return WebCaller(user.id, user.login, user.role, tenant.id, tenant.name, web_session.csrf_token)


def close_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(WebSession).where(WebSession.token_hash == _token_hash(token)))
        session.commit()


class LoginThrottle:
    """Failed logins per login name and per client address in a sliding window: past the limit, further
    attempts are refused without checking the password, so guessing is slow whichever of the two varies.
    In memory, per service process (a restart forgets it)."""

    def __init__(self, attempts: int, window_s: float):
        import threading

        self.attempts, self.window_s = attempts, window_s
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        kept = [t for t in self._failures.get(key, []) if now - t < self.window_s]
        if kept:
            self._failures[key] = kept
        else:
            self._failures.pop(key, None)
        return kept

    def wait_s(self, login: str, address: str) -> float:
        """0 when an attempt may be made, else the seconds until one may."""
        import time

        now = time.monotonic()
        with self._lock:
            waits = [
                self.window_s - (now - recent[-self.attempts])
                for recent in (
                    self._recent(f"login:{login.lower()}", now),
                    self._recent(f"addr:{address}", now),
                )
                if len(recent) >= self.attempts
            ]
        return max(waits, default=0.0)

    def failed(self, login: str, address: str) -> None:
        import time

        now = time.monotonic()
        with self._lock:
            for key in (f"login:{login.lower()}", f"addr:{address}"):
                self._failures.setdefault(key, []).append(now)
                del self._failures[key][: -self.attempts]

    def succeeded(self, login: str) -> None:
        with self._lock:
            self._failures.pop(f"login:{login.lower()}", None)


def same_token(expected: str | None, given: str | None) -> bool:
    return bool(expected and given) and hmac.compare_digest(str(expected), str(given))


def bootstrap_demo_user(settings, sessions) -> str | None:
    """On first start create the web user `demo` for the demo tenant; its password goes to HOME/demo-login.txt."""
    if not getattr(settings, "demo_bootstrap", True):
        return None
    with sessions() as session:
        if session.scalar(select(WebUser.id).limit(1)) is not None:
            return None
        tenant = session.scalar(select(Tenant).where(Tenant.name == "demo"))
        if tenant is None:
            return None
        password = secrets.token_urlsafe(12)
        create_user(session, tenant, "demo", password, role="supervisor")
        session.commit()
    path = settings.home / "demo-login.txt"
    path.write_text(f"login: demo\npassword: {password}\n", encoding="utf-8")
    path.chmod(0o600)
    print(f"docket: review page login for the demo tenant: demo / {password} (saved in {path})", flush=True)
    return password
