"""The clerk's review page: server-rendered screens over the same intake and verification code as the API."""

from __future__ import annotations

from typing import Any


def install(app: Any) -> None:
    """Add the web screens to the API app: routes, static files, error pages and the demo login."""
    from pathlib import Path

    from fastapi.staticfiles import StaticFiles

    from service.web.auth import LoginThrottle, bootstrap_demo_user
    from service.web.router import WebError, render_error, router

    limits = app.state.settings
    app.state.login_throttle = LoginThrottle(limits.login_attempts, limits.login_window_s)
    app.include_router(router)
    app.mount("/static/web", StaticFiles(directory=Path(__file__).with_name("static")), name="web-static")
    app.add_exception_handler(WebError, render_error)
    bootstrap_demo_user(app.state.settings, app.state.sessions)
