"""Schemathesis against the service's OpenAPI schema: whatever a client sends, never a 5xx.

Bounded: a few examples per operation, so the whole file runs in well under a minute.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    from docket.settings import Settings
    from service.app import create_app

    home = tmp_path_factory.mktemp("schema-home")
    app = create_app(Settings(home=home, workers=1))
    return app, (home / "demo-api-key.txt").read_text().strip()


def test_openapi_documents_every_endpoint(service):
    from fastapi.testclient import TestClient

    paths = TestClient(service[0]).get("/openapi.json").json()["paths"]
    assert {
        "/v1/documents",
        "/v1/documents/{document_id}",
        "/v1/documents/{document_id}/suggestion",
        "/v1/documents/{document_id}/verification",
        "/v1/jobs/{job_id}",
        "/v1/quality",
        "/v1/models",
        "/health",
        "/metrics",
    } <= set(paths)
    body = paths["/v1/documents"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)


def test_no_server_errors(service):
    app, key = service
    api = schemathesis.openapi.from_asgi("/openapi.json", app)
    checks = [not_a_server_error, status_code_conformance, response_schema_conformance]
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            response = case.call(headers={"X-API-Key": key})
            case.validate_response(response, checks=checks)

        check()
