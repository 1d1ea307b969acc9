"""The FastAPI application. Routers are thin: they validate, authorise and call the pipeline."""

from __future__ import annotations

from fastapi import FastAPI

from docket import __version__
from docket.settings import Settings, get_settings
from pipeline.contract import SCHEMA_VERSION


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="docket",
        version=__version__,
        description="Suggestions for the registration card, duplicates, executors and resolution of incoming letters.",
    )
    app.state.settings = settings

    @app.get("/health", tags=["service"])
    def health() -> dict:
        return {"status": "ok", "version": __version__, "schema_version": SCHEMA_VERSION}

    return app
