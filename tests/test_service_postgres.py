"""The service on PostgreSQL (DOCKET_DATABASE_URL): the store-dependent API tests of test_service.py run
again with each app in a fresh schema of the database at DOCKET_TEST_POSTGRES_URL, plus what only a server
database shows (concurrent job claims, string limits, concurrent migrations). Skipped when it is unset."""

from __future__ import annotations

import pytest
from service_helpers import POSTGRES_URL, demo_key, make_app, postgres_schemas
from test_service import (  # noqa: F401 - fixtures and tests collected again here, over PostgreSQL
    app,
    client,
    home,
    key,
    new_app,
    test_a_job_claimed_by_a_live_process_is_left_alone,
    test_a_verified_document_enters_the_tenants_duplicate_index_only,
    test_an_idempotency_key_in_flight_or_abandoned,
    test_bad_input_is_a_clear_problem_never_a_5xx,
    test_callback_is_signed_and_retried,
    test_cli_creates_tenants_and_keys,
    test_concurrent_dispatchers_claim_each_job_once,
    test_concurrent_retries_with_one_idempotency_key_store_one_document,
    test_first_start_creates_the_demo_tenant_once,
    test_idempotency_key_replays_the_same_answer,
    test_long_or_odd_upload_names_and_types_are_stored_safely,
    test_prefer_async_makes_a_job_that_finishes,
    test_quality_scores_executors_and_resolutions_like_evaluate,
    test_restart_finishes_queued_and_interrupted_jobs,
    test_tenants_never_see_each_other,
    test_text_answers_synchronously_with_the_suggestion,
    test_verification_is_stored_and_counted_in_quality,
    test_verifications_sent_at_once_for_one_document_all_succeed,
)
from test_service_schema import test_no_server_errors  # noqa: F401 - Schemathesis again, on PostgreSQL

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="set DOCKET_TEST_POSTGRES_URL to a PostgreSQL database to run these"
)


@pytest.fixture(scope="module")
def schemas():
    with postgres_schemas(POSTGRES_URL) as fresh:
        yield fresh


@pytest.fixture(scope="module")
def database(schemas):
    """Each home gets its own schema (the same one again when an app restarts over the same home)."""
    urls: dict[str, str] = {}

    def url(directory) -> str:
        if str(directory) not in urls:
            urls[str(directory)] = schemas()
        return urls[str(directory)]

    return url


def test_the_store_is_postgresql(app):  # noqa: F811 - the imported fixture
    from sqlalchemy import inspect

    assert app.state.engine.dialect.name == "postgresql"
    schema = app.state.engine.url.query["options"].split("=", 1)[1]
    tables = set(inspect(app.state.engine).get_table_names(schema=schema))
    assert {"documents", "jobs", "verifications", "idempotency_keys", "alembic_version"} <= tables


def test_service_processes_starting_together_prepare_the_store_once(schemas):
    import subprocess
    import sys

    from sqlalchemy import text

    from service.db import make_engine

    url = schemas()
    start = (
        "import sys; from service.db import migrate; from service.resources import ensure_duplicate_tables; "
        "migrate(sys.argv[1]); ensure_duplicate_tables(sys.argv[1])"
    )  # what each service process does with its store at start (create_app)
    command = [sys.executable, "-c", start, url]
    starts = [subprocess.Popen(command, stderr=subprocess.PIPE) for _ in range(3)]
    for process in starts:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr.decode()[-2000:]
    engine = make_engine(url)
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    engine.dispose()
    assert len(versions) == 1


@pytest.fixture(scope="module")
def service(tmp_path_factory, database):
    """test_service_schema's app, on PostgreSQL."""
    directory = tmp_path_factory.mktemp("schema-home")
    return make_app(directory, database(directory)), demo_key(directory)
