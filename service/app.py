"""The FastAPI application. Routers are thin: they validate, authorise and call the pipeline."""

from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager

from fastapi import FastAPI, Response

from docket import __version__
from docket.errors import LimitExceeded
from docket.settings import Settings, get_settings
from pipeline.contract import SCHEMA_VERSION

log = logging.getLogger("docket.service")


class BodyLimit:
    """Refuse bodies over the upload limit before reading them (Content-Length) or while reading them."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.max_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                from service.problems import problem_response

                response = problem_response(
                    413,
                    LimitExceeded.code,
                    f"the request is larger than {limit // (1024 * 1024)} MB",
                    scope["path"],
                )
                return await response(scope, receive, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise LimitExceeded(f"the request is larger than {limit // (1024 * 1024)} MB")
            return message

        return await self.app(scope, counted, send)


class Observe:
    """Request counts and latency per route template (plain ASGI: no per-request task or body copy, as
    `@app.middleware("http")` would add)."""

    def __init__(self, app, metrics):
        self.app, self.metrics = app, metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500

        async def sending(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            template = getattr(scope.get("route"), "path", "unmatched")
            elapsed = time.perf_counter() - started
            self.metrics.requests.labels(scope["method"], template, str(status)).inc()
            self.metrics.latency.labels(template).observe(elapsed)
            # The route template only: ids and query strings stay out of the log, and no body is logged.
            log.debug("%s %s %s %.1fms", scope["method"], template, status, elapsed * 1000)


def create_app(settings: Settings | None = None) -> FastAPI:
    from service import problems
    from service.callbacks import CallbackPolicy
    from service.db import make_engine, migrate, session_factory
    from service.deps import RateLimiter
    from service.jobs import JobRunner
    from service.metrics import Metrics
    from service.resources import ResourceManager, ensure_duplicate_tables
    from service.routers import documents, jobs, quality
    from service.web import install as install_web

    settings = settings or get_settings()
    callback_policy = CallbackPolicy.parse(settings.callback_allow)
    settings.home.mkdir(parents=True, exist_ok=True)
    url = settings.resolved_database_url
    migrate(url)
    ensure_duplicate_tables(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    metrics = Metrics()
    runner = JobRunner(settings, sessions, metrics, callback_policy)
    bootstrap_demo_tenant(settings, sessions)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        runner.start()
        try:
            yield
        finally:
            runner.stop()
            engine.dispose()

    app = FastAPI(
        title="docket",
        version=__version__,
        description=(
            "Suggestions for the registration card, duplicates, executors and resolution of incoming letters. "
            "Authenticate with a tenant's API key (`Authorization: Bearer <key>` or `X-API-Key`). "
            "Errors are RFC 9457 problem+json."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.callback_policy = callback_policy
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.metrics = metrics
    app.state.jobs = runner
    app.state.rate_limiter = RateLimiter()
    app.state.resources = ResourceManager(settings)
    runner.resources = app.state.resources
    problems.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_upload_mb * 1024 * 1024)

    app.add_middleware(Observe, metrics=metrics)

    @app.get("/health", tags=["service"])
    def health() -> dict:
        return {"status": "ok", "version": __version__, "schema_version": SCHEMA_VERSION}

    @app.get("/metrics", tags=["service"], response_class=Response, summary="Prometheus metrics")
    def prometheus_metrics() -> Response:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        metrics.model_reloads.set(app.state.resources.reloads)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.include_router(documents.router)
    app.include_router(jobs.router)
    app.include_router(quality.router)
    install_web(app)  # the clerk's review page (service/web)
    return app


def bootstrap_demo_tenant(settings: Settings, sessions) -> str | None:
    """On first start (no tenants yet) create the demo tenant and write its key to HOME/demo-api-key.txt."""
    from sqlalchemy import select

    from service.db import Tenant
    from service.tenants import create_key, create_tenant

    if not settings.demo_bootstrap:
        return None
    with sessions() as session:
        if session.scalar(select(Tenant.id).limit(1)) is not None:
            return None
        tenant = create_tenant(session, "demo")
        key = create_key(session, tenant)
        session.commit()
    path = settings.home / "demo-api-key.txt"
    path.write_text(key + "\n", encoding="utf-8")
    path.chmod(0o600)
    log.warning("created the demo tenant; its API key (also in %s): %s", path, key)
    return key
