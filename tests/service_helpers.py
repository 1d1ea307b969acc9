"""What the service and review-page tests share: the test letters, app and key helpers, and fresh
PostgreSQL schemas for the runs against `DOCKET_TEST_POSTGRES_URL`."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

LETTER = """Министерство строительства Челябинской области
от 14.03.2024 № 01-12/3456
Губернатору Челябинской области
О ремонте кровли школы № 12
Просим рассмотреть вопрос о выделении средств на ремонт кровли здания школы.
"""
OTHER_LETTER = """Прокуратура Центрального района
от 02.10.2024 № 7-15-2024
Прошу представить сведения о результатах проверки обращения гражданина.
"""

POSTGRES_URL = os.environ.get("DOCKET_TEST_POSTGRES_URL") or None


def make_app(home, database_url: str | None = None, callback_allow: str = "127.0.0.1", **overrides):
    """An app over HOME (SQLite there unless a database URL is given). The tests' callback receivers
    listen on 127.0.0.1, which the service refuses unless allowed, as an operator would allow it."""
    from docket.settings import Settings
    from service.app import create_app

    settings = Settings(
        home=home, database_url=database_url, **{"workers": 1, "callback_allow": callback_allow, **overrides}
    )
    return create_app(settings)


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def demo_key(home) -> str:
    return (home / "demo-api-key.txt").read_text().strip()


def new_tenant_key(app, name: str, rate_limit: int = 600) -> str:
    from service.tenants import create_key, create_tenant

    with app.state.sessions() as session:
        key = create_key(session, create_tenant(session, name), rate_limit)
        session.commit()
    return key


def wait_job(client, job_id: str, key: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}", headers=auth(key)).json()
        if job["status"] in {"done", "failed"}:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and "Traceback" not in response.text
    if code:
        assert body["code"] == code
    return body


def with_search_path(url: str, schema: str) -> str:
    """The URL with libpq `options` choosing the schema, so every engine (the service's, Alembic's, the
    duplicate index's) opened from it works inside that schema only."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


@contextmanager
def postgres_schemas(url: str) -> Iterator:
    """A factory of fresh, empty schemas in the test database (each one a separate store); all are
    dropped at the end."""
    from sqlalchemy import create_engine, text

    admin = create_engine(url)
    made: list[str] = []

    def fresh() -> str:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        made.append(schema)
        return with_search_path(url, schema)

    try:
        yield fresh
    finally:
        with admin.begin() as connection:
            for schema in made:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
