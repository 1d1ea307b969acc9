"""The suggestion API through httpx (FastAPI TestClient): every endpoint, tenants, idempotency, restart."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from fastapi.testclient import TestClient
from service_helpers import (
    LETTER,
    OTHER_LETTER,
    assert_problem,
    auth,
    demo_key,
    make_app,
    new_tenant_key,
    wait_job,
)

from pipeline.contract import Suggestion


@pytest.fixture
def home(_isolated_home):
    return _isolated_home


@pytest.fixture(scope="module")
def database():
    """Where an app's store lives, by its home: None is SQLite under the home (test_service_postgres.py
    gives each home a fresh PostgreSQL schema instead)."""
    return lambda home: None


@pytest.fixture
def new_app(database):
    return lambda home, **overrides: make_app(home, database(home), **overrides)


@pytest.fixture(scope="module")
def app(tmp_path_factory, database):
    """One app for the tests that need no fresh store: each test gets its own tenant instead."""
    home = tmp_path_factory.mktemp("service-home")
    return make_app(home, database(home))


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def key(app, request):
    return new_tenant_key(app, request.node.name[:90])


def test_health_and_metrics_need_no_key(client):
    assert client.get("/health").json()["status"] == "ok"
    client.get("/health")
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert 'docket_http_requests_total{method="GET",route="/health",status="200"}' in metrics.text


def test_first_start_creates_the_demo_tenant_once(new_app, home):
    app = new_app(home)
    key = demo_key(home)
    assert key.startswith("dk_") and len(key) > 40
    new_app(home)  # a second start over the same store keeps the key
    assert demo_key(home) == key
    from service.db import ApiKey

    with app.state.sessions() as session:
        stored = session.query(ApiKey).all()
    assert len(stored) == 1 and stored[0].key_hash != key and key not in stored[0].key_hash


def test_keys_are_required_and_checked(client, key):
    assert_problem(client.get("/v1/quality"), 401, "unauthorized")
    assert_problem(client.get("/v1/quality", headers=auth("dk_wrong")), 401, "unauthorized")
    assert client.get("/v1/quality", headers={"X-API-Key": key}).status_code == 200
    assert client.get("/v1/quality", headers=auth(key)).status_code == 200


def test_text_answers_synchronously_with_the_suggestion(client, key):
    response = client.post("/v1/documents", json={"text": LETTER, "channel": "email"}, headers=auth(key))
    assert response.status_code == 200, response.text
    suggestion = Suggestion.model_validate(response.json())
    assert suggestion.document.text_length == len(LETTER)
    assert suggestion.card.channel is not None and suggestion.card.channel.value == "email"
    document_id = response.headers["Docket-Document-Id"]
    assert response.headers["Location"] == f"/v1/documents/{document_id}"
    timing = dict(part.strip().split(";dur=") for part in response.headers["Server-Timing"].split(","))
    assert (
        float(timing["pipeline"]) >= sum(suggestion.timings_ms.values()) * 0.9 and float(timing["store"]) > 0
    )
    again = client.get(f"/v1/documents/{document_id}/suggestion", headers=auth(key))
    assert again.status_code == 200 and again.json() == response.json()
    status = client.get(f"/v1/documents/{document_id}", headers=auth(key)).json()
    assert (
        status["status"] == "done" and status["verified"] is False and status["size"] == len(LETTER.encode())
    )


def test_text_file_upload_is_synchronous(client, key):
    files = {"file": ("letter.txt", LETTER.encode("cp1251", errors="replace"), "text/plain")}
    response = client.post("/v1/documents", files=files, data={"channel": "post"}, headers=auth(key))
    assert response.status_code == 200, response.text
    assert response.json()["document"]["file_name"] == "letter.txt"


def test_prefer_async_makes_a_job_that_finishes(client, key):
    response = client.post(
        "/v1/documents", json={"text": LETTER}, headers={**auth(key), "Prefer": "respond-async"}
    )
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["status"] in {"queued", "running"} and response.headers["Location"] == f"/v1/jobs/{job['id']}"
    pending = client.get(f"/v1/documents/{job['document_id']}/suggestion", headers=auth(key))
    assert pending.status_code in {200, 202}
    finished = wait_job(client, job["id"], key)
    assert finished["status"] == "done", finished
    Suggestion.model_validate(finished["suggestion"])
    suggestion = client.get(f"/v1/documents/{job['document_id']}/suggestion", headers=auth(key))
    assert suggestion.status_code == 200 and suggestion.json()["document"]["text_length"] == len(LETTER)


def _scan_png() -> bytes:
    import io

    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (900, 220), 255)
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 36)
    except OSError:
        font = ImageFont.load_default()
    draw.text((30, 40), "Прошу отремонтировать", fill=0, font=font)
    draw.text((30, 120), "дорогу на улице Мира", fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(300, 300))
    return buffer.getvalue()


def test_a_scan_goes_to_the_worker_pool(client, key):
    import shutil

    files = {"file": ("scan.png", _scan_png(), "image/png")}
    response = client.post("/v1/documents", files=files, headers=auth(key))
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["id"], key)
    if shutil.which("tesseract") is None:
        assert job["status"] == "failed" and job["error"]["code"]
        return
    assert job["status"] == "done", job
    assert job["suggestion"]["document"]["ocr_used"] is True
    assert "дорог" in job["suggestion"]["document"]["pages"][0]["text"].lower()


def test_a_failed_job_reports_a_clear_error(client, key):
    files = {"file": ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")}
    response = client.post("/v1/documents", files=files, headers=auth(key))
    assert response.status_code == 202
    job = wait_job(client, response.json()["id"], key)
    assert job["status"] == "failed" and 400 <= job["error"]["status"] < 500, job
    body = assert_problem(
        client.get(f"/v1/documents/{job['document_id']}/suggestion", headers=auth(key)),
        job["error"]["status"],
    )
    assert body["code"] == job["error"]["code"]


def test_idempotency_key_replays_the_same_answer(client, key, app):
    from service.db import StoredDocument

    headers = {**auth(key), "Idempotency-Key": "req-1"}
    first = client.post("/v1/documents", json={"text": LETTER}, headers=headers)
    second = client.post("/v1/documents", json={"text": LETTER}, headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.headers["Docket-Document-Id"] == second.headers["Docket-Document-Id"]
    assert second.headers["Idempotent-Replayed"] == "true" and second.json() == first.json()
    assert_problem(
        client.post("/v1/documents", json={"text": OTHER_LETTER}, headers=headers),
        422,
        "idempotency_key_reused",
    )
    with app.state.sessions() as session:
        tenant_id = session.get(StoredDocument, first.headers["Docket-Document-Id"]).tenant_id
        assert session.query(StoredDocument).filter_by(tenant_id=tenant_id).count() == 1
    # the same key of another tenant is another request
    other = new_tenant_key(app, "other-idempotency")
    third = client.post(
        "/v1/documents", json={"text": LETTER}, headers={**auth(other), "Idempotency-Key": "req-1"}
    )
    assert third.status_code == 200 and "Idempotent-Replayed" not in third.headers


def _verify(client, key, document_id, **body):
    payload = {
        "card": {"outgoing_number": "01-12/3456", "outgoing_date": "2024-03-14", "page_count": 1},
        "executors": [{"id": "emp-1", "name": "Иванова А.С."}],
        "resolution": {"text": "Ивановой А.С. Прошу рассмотреть и подготовить ответ."},
    }
    payload.update(body)
    return client.post(f"/v1/documents/{document_id}/verification", json=payload, headers=auth(key))


def test_verification_is_stored_and_counted_in_quality(client, key, app):
    from pipeline.metrics import card_accuracy

    response = client.post("/v1/documents", json={"text": LETTER}, headers=auth(key))
    document_id = response.headers["Docket-Document-Id"]
    verified = _verify(client, key, document_id)
    assert verified.status_code == 201, verified.text
    assert verified.json()["document_id"] == document_id
    assert client.get(f"/v1/documents/{document_id}", headers=auth(key)).json()["verified"] is True

    quality = client.get("/v1/quality", headers=auth(key)).json()
    assert quality["verifications"] == 1
    truth = {"outgoing_number": "01-12/3456", "outgoing_date": "2024-03-14", "page_count": 1}
    predicted = {name: response.json()["card"][name] for name in truth}
    expected = card_accuracy([(predicted, truth)])
    assert quality["card"]["per_field"] == pytest.approx(expected["per_field"])
    assert quality["card"]["per_field"]["page_count"] == 1.0
    assert set(quality["card"]["per_field"]) == set(truth)  # fields the EDMS did not send are not scored
    assert quality["executors"]["n"] == 1 and quality["resolution"]["n"] == 1
    # the clerk re-saves: one verification, the newest
    assert _verify(client, key, document_id, card={"page_count": 2}).status_code == 201
    quality = client.get("/v1/quality", headers=auth(key)).json()
    assert quality["verifications"] == 1 and quality["card"]["per_field"]["page_count"] == 0.0
    # a period without verifications
    empty = client.get("/v1/quality", params={"until": "2020-01-01"}, headers=auth(key)).json()
    assert empty["verifications"] == 0 and empty["card"]["overall"] is None
    assert_problem(
        client.get("/v1/quality", params={"since": "2026-02-01", "until": "2026-01-01"}, headers=auth(key)),
        422,
    )


def test_verification_rejects_unknown_fields_and_documents(client, key):
    document_id = client.post("/v1/documents", json={"text": LETTER}, headers=auth(key)).headers[
        "Docket-Document-Id"
    ]
    assert_problem(_verify(client, key, document_id, card={"colour": "red"}), 422, "invalid_request")
    assert_problem(_verify(client, key, "doc_missing"), 404, "not_found")


def test_a_verified_document_enters_the_tenants_duplicate_index_only(client, key, app):
    first = client.post("/v1/documents", json={"text": LETTER}, headers=auth(key))
    document_id = first.headers["Docket-Document-Id"]
    assert first.json()["duplicates"] == []
    verified = _verify(client, key, document_id)
    assert verified.json()["indexed"] is True
    again = client.post("/v1/documents", json={"text": LETTER}, headers=auth(key)).json()
    assert document_id in {hit["document_id"] for hit in again["duplicates"]}
    other = new_tenant_key(app, "other-duplicates")
    elsewhere = client.post("/v1/documents", json={"text": LETTER}, headers=auth(other)).json()
    assert elsewhere["duplicates"] == []


def test_tenants_never_see_each_other(client, key, app):
    other = new_tenant_key(app, "other-isolation")
    response = client.post("/v1/documents", json={"text": LETTER}, headers=auth(key))
    document_id = response.headers["Docket-Document-Id"]
    job = client.post(
        "/v1/documents", json={"text": LETTER}, headers={**auth(key), "Prefer": "respond-async"}
    )
    for path in (
        f"/v1/documents/{document_id}",
        f"/v1/documents/{document_id}/suggestion",
        f"/v1/jobs/{job.json()['id']}",
    ):
        assert_problem(client.get(path, headers=auth(other)), 404, "not_found")
        assert client.get(path, headers=auth(key)).status_code in {200, 202}
    assert_problem(_verify(client, other, document_id), 404)
    assert _verify(client, key, document_id).status_code == 201
    assert client.get("/v1/quality", headers=auth(other)).json()["verifications"] == 0
    assert client.get("/v1/quality", headers=auth(key)).json()["verifications"] == 1


@pytest.mark.parametrize(
    "kwargs, status",
    [
        ({"json": {"text": ""}}, 422),
        ({"json": {"text": "   \n "}}, 400),
        ({"json": {"text": LETTER, "channel": "pigeon"}}, 422),
        ({"json": {"text": LETTER, "callback_url": "file:///etc/passwd"}}, 422),
        ({"json": {"text": LETTER, "extra": 1}}, 422),
        ({"json": [1, 2]}, 422),
        ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 422),
        ({"content": b"\xff\xfe\x00", "headers": {"Content-Type": "application/json"}}, 422),
        ({"content": b"hello", "headers": {"Content-Type": "application/xml"}}, 415),
        ({"files": {"other": ("a.txt", b"x")}}, 422),
        ({"files": {"file": ("a.txt", b"")}}, 400),
        ({"files": {"file": ("a.txt", LETTER.encode())}, "data": {"metadata": "[1]"}}, 422),
        ({"files": {"file": ("a.txt", LETTER.encode())}, "data": {"registered": "yesterday"}}, 422),
        ({"files": {"file": ("a.pdf", b"%PDF-1.4 garbage")}}, 202),
    ],
)
def test_bad_input_is_a_clear_problem_never_a_5xx(client, key, kwargs, status):
    kwargs = dict(kwargs)  # the parameters are shared with test_service_postgres.py: never mutate them
    headers = {**auth(key), **kwargs.pop("headers", {})}
    response = client.post("/v1/documents", headers=headers, **kwargs)
    assert response.status_code == status, response.text
    if status >= 400:
        assert_problem(response, status)


def test_unknown_ids_and_routes_are_problems(client, key):
    assert_problem(client.get("/v1/jobs/job_nope", headers=auth(key)), 404)
    assert_problem(client.get("/v1/documents/doc_nope/suggestion", headers=auth(key)), 404)
    assert_problem(client.get("/v1/nothing-here", headers=auth(key)), 404)
    assert_problem(client.delete("/v1/quality", headers=auth(key)), 405)


def test_request_size_and_page_limits(new_app, home):
    import pypdfium2 as pdfium

    app = new_app(home, max_upload_mb=1, max_pages=2)
    key = demo_key(home)
    with TestClient(app) as client:
        big = client.post(
            "/v1/documents", files={"file": ("big.txt", b"a" * (2 * 1024 * 1024))}, headers=auth(key)
        )
        assert_problem(big, 413, "limit_exceeded")
        pdf = pdfium.PdfDocument.new()
        for _ in range(3):
            pdf.new_page(595, 842)
        path = home / "three.pdf"
        pdf.save(str(path))
        pages = client.post(
            "/v1/documents", files={"file": ("three.pdf", path.read_bytes())}, headers=auth(key)
        )
        assert_problem(pages, 413, "limit_exceeded")
        assert "3 pages" in pages.json()["detail"]


def test_rate_limit_per_key(client, app, key):
    limited = new_tenant_key(app, "small", rate_limit=3)
    statuses = [client.get("/v1/models", headers=auth(limited)).status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[-1] == 429
    body = assert_problem(client.get("/v1/models", headers=auth(limited)), 429, "rate_limited")
    assert "3 requests per minute" in body["detail"]


def test_restart_finishes_queued_and_interrupted_jobs(new_app, home):
    from service.db import Job

    first = new_app(home)
    key = demo_key(home)
    client = TestClient(first)  # no lifespan: the job runner never starts, as if the service died
    hold = {**auth(key), "Prefer": "respond-async"}
    queued = [
        client.post("/v1/documents", files={"file": ("letter.txt", LETTER.encode())}, headers=hold).json(),
        client.post("/v1/documents", json={"text": OTHER_LETTER}, headers=hold).json(),
    ]
    # the clerk verifies the first before it was processed: it enters the duplicate index once processed
    assert _verify(client, key, queued[0]["document_id"]).json()["indexed"] is False
    with first.state.sessions() as session:  # one of them was in a worker when the service was killed
        job = session.get(Job, queued[1]["id"])
        job.status, job.attempts = "running", 1
        session.commit()
    second = new_app(home)
    with TestClient(second) as restarted:
        for job in queued:
            finished = wait_job(restarted, job["id"], key)
            assert finished["status"] == "done", finished
            assert (
                restarted.get(f"/v1/documents/{job['document_id']}/suggestion", headers=auth(key)).status_code
                == 200
            )
        again = restarted.post("/v1/documents", json={"text": LETTER}, headers=auth(key)).json()
        assert queued[0]["document_id"] in {hit["document_id"] for hit in again["duplicates"]}


@pytest.mark.slow
def test_a_killed_worker_loses_no_job(new_app, home):
    import os
    import signal

    app = new_app(home)
    key = demo_key(home)
    with TestClient(app) as client:
        job = client.post(
            "/v1/documents", json={"text": LETTER}, headers={**auth(key), "Prefer": "respond-async"}
        ).json()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            pool = app.state.jobs._pool
            if pool is not None and pool._processes:
                break
            time.sleep(0.02)
        for pid in list(pool._processes):  # the pool's own worker processes, started by this test's app
            os.kill(pid, signal.SIGKILL)
        finished = wait_job(client, job["id"], key)
        assert finished["status"] == "done" and finished["attempts"] == 2, finished


class _Receiver(BaseHTTPRequestHandler):
    calls: list = []
    fail_first = 1

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).calls.append((dict(self.headers), body))
        status = 500 if len(type(self).calls) <= type(self).fail_first else 204
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_callback_is_signed_and_retried(client, key, app):
    from service.db import ApiKey, Tenant
    from service.tenants import hash_key

    _Receiver.calls = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.state.jobs.callback_backoff_s = 0.05
    try:
        url = f"http://127.0.0.1:{server.server_port}/hook"
        response = client.post(
            "/v1/documents",
            json={"text": LETTER, "callback_url": url},
            headers={**auth(key), "Prefer": "respond-async"},
        )
        job_id = response.json()["id"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            job = client.get(f"/v1/jobs/{job_id}", headers=auth(key)).json()
            if job["callback_status"] == "delivered":
                break
            time.sleep(0.1)
        assert job["callback_status"] == "delivered", job
    finally:
        server.shutdown()
    assert len(_Receiver.calls) == 2  # one failure, one retry
    headers, body = _Receiver.calls[-1]
    with app.state.sessions() as session:
        tenant_id = session.query(ApiKey).filter_by(key_hash=hash_key(key)).one().tenant_id
        secret = session.get(Tenant, tenant_id).callback_secret
    fields = dict(part.split("=", 1) for part in headers["Docket-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(fields["v1"], expected)
    payload = json.loads(body)
    assert payload["job"]["id"] == job_id and payload["job"]["status"] == "done"
    Suggestion.model_validate(payload["job"]["suggestion"])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "https://user:secret@93.184.216.34/hook",
    ],
)
def test_callbacks_to_private_addresses_are_refused(new_app, home, url):
    from service.db import StoredDocument

    app = new_app(home, callback_allow="")
    with TestClient(app) as client:
        key = demo_key(home)
        response = client.post(
            "/v1/documents",
            json={"text": LETTER, "callback_url": url},
            headers={**auth(key), "Prefer": "respond-async", "Idempotency-Key": "cb-1"},
        )
        body = assert_problem(response, 422, "callback_url_refused")
        assert "callback" in body["detail"] and "Traceback" not in body["detail"]
        files = {"file": ("a.txt", LETTER.encode())}
        form = client.post("/v1/documents", files=files, data={"callback_url": url}, headers=auth(key))
        assert_problem(form, 422, "callback_url_refused")
        with app.state.sessions() as session:
            assert session.query(StoredDocument).count() == 0  # refused before anything was stored
        # the idempotency key was not spent on the refusal
        again = client.post(
            "/v1/documents", json={"text": LETTER}, headers={**auth(key), "Idempotency-Key": "cb-1"}
        )
        assert again.status_code == 200


def test_callback_policy_allows_public_and_listed_addresses_only():
    import socket

    from service.callbacks import CallbackPolicy, CallbackRefused

    def resolver(answers):
        return lambda host, port, type=None: [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, type, 6, "", (a, port)) for a in answers[host]
        ]

    default = CallbackPolicy.parse("")
    _, found = default.addresses("https://93.184.216.34/hook")
    assert [str(a) for a in found] == ["93.184.216.34"]
    public = resolver(
        {"edms.example.ru": ["93.184.216.34"], "mixed.example.ru": ["93.184.216.34", "10.0.0.5"]}
    )
    assert default.addresses("https://edms.example.ru/cb", resolve=public)[1]
    with pytest.raises(CallbackRefused) as refused:  # one private answer is enough to refuse
        default.addresses("https://mixed.example.ru/cb", resolve=public)
    assert not refused.value.transient

    def failing(*args, **kwargs):
        raise socket.gaierror("no such host")

    with pytest.raises(CallbackRefused) as unresolved:
        default.addresses("https://nowhere.example.ru/cb", resolve=failing)
    assert unresolved.value.transient

    listed = CallbackPolicy.parse(" 10.0.0.0/8, edms.internal ,127.0.0.1")
    internal = resolver({"edms.internal": ["192.168.5.5"], "other.internal": ["192.168.5.6"]})
    assert listed.addresses("http://10.20.30.40:8080/cb")[1]
    assert listed.addresses("http://127.0.0.1/cb")[1]
    assert listed.addresses("http://edms.internal/cb", resolve=internal)[1]
    for url in (
        "http://127.0.0.2/cb",
        "http://192.168.1.1/cb",
        "http://other.internal/cb",
        "ftp://10.0.0.1/",
    ):
        with pytest.raises(CallbackRefused):
            listed.addresses(url, resolve=internal)


def test_a_callback_goes_to_the_checked_address_with_the_original_host():
    from service.callbacks import CallbackPolicy, deliver

    _Receiver.calls, _Receiver.fail_first = [], 0
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_port
    try:
        url = f"http://localhost:{port}/hook?x=1"
        assert deliver(CallbackPolicy.parse("localhost"), url, "secret", b"{}") == "delivered"
        assert deliver(CallbackPolicy.parse(""), url, "secret", b"{}") == "refused"
    finally:
        server.shutdown()
        _Receiver.fail_first = 1
    assert len(_Receiver.calls) == 1 and _Receiver.calls[0][0]["Host"] == f"localhost:{port}"


def test_a_callback_refused_at_delivery_is_not_sent(client, key, app):
    from service.callbacks import CallbackPolicy

    _Receiver.calls = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    allowed = app.state.jobs.callback_policy
    app.state.jobs.callback_policy = CallbackPolicy()  # the operator withdrew the permission meanwhile
    try:
        response = client.post(
            "/v1/documents",
            json={"text": LETTER, "callback_url": f"http://127.0.0.1:{server.server_port}/hook"},
            headers={**auth(key), "Prefer": "respond-async"},
        )
        assert response.status_code == 202, response.text
        job_id = response.json()["id"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            job = client.get(f"/v1/jobs/{job_id}", headers=auth(key)).json()
            if job["callback_status"] in {"delivered", "failed"}:
                break
            time.sleep(0.1)
    finally:
        app.state.jobs.callback_policy = allowed
        server.shutdown()
    assert job["status"] == "done" and job["callback_status"] == "failed", job
    assert _Receiver.calls == []


def test_models_endpoint_and_hot_reload_without_dropped_requests(new_app, home, monkeypatch):
    from pipeline.resources import Resources

    models_dir = home / "models"
    models_dir.mkdir(parents=True, exist_ok=True)
    (models_dir / "current").write_text("v1")

    def fake_load(settings=None):
        return Resources(model_version=(settings.resolved_models_dir / "current").read_text())

    monkeypatch.setattr(Resources, "load", staticmethod(fake_load))
    app = new_app(home)
    app.state.resources.check_interval_s = 0.0
    key = demo_key(home)
    with TestClient(app) as client:
        models = client.get("/v1/models", headers=auth(key)).json()
        assert models["model_version"] == "v1" and models["tenant_specific"] is False
        statuses = []

        def hammer():
            for _ in range(15):
                statuses.append(
                    client.post("/v1/documents", json={"text": LETTER}, headers=auth(key)).status_code
                )

        worker = threading.Thread(target=hammer)
        worker.start()
        time.sleep(0.05)
        (models_dir / "current.part").write_text("v2")
        (models_dir / "current.part").replace(models_dir / "current")  # how a promotion swaps the pointer
        worker.join()
        assert statuses == [200] * 15
        models = client.get("/v1/models", headers=auth(key)).json()
        assert models["model_version"] == "v2" and models["reloads"] >= 1
        # a tenant with its own models
        other = new_tenant_key(app, "northwest")
        own = models_dir / "tenants" / "northwest"
        own.mkdir(parents=True)
        (own / "current").write_text("nw-1")
        mine = client.get("/v1/models", headers=auth(other)).json()
        assert mine["model_version"] == "nw-1" and mine["tenant_specific"] is True
        assert "docket_model_reloads" in client.get("/metrics").text


def test_cli_creates_tenants_and_keys(new_app, database, home, monkeypatch):
    from typer.testing import CliRunner

    if database(home):  # the CLI reads its store from the environment, as an operator's shell would
        monkeypatch.setenv("DOCKET_DATABASE_URL", database(home))

    from docket.cli import app as cli
    from docket.errors import InputError

    runner = CliRunner()
    created = runner.invoke(cli, ["tenant", "create", "mintrans"])
    assert created.exit_code == 0, created.output
    assert "callback signing secret" in created.output
    again = runner.invoke(cli, ["tenant", "create", "mintrans"])
    assert isinstance(again.exception, InputError) and "already exists" in str(again.exception)
    key = runner.invoke(cli, ["key", "create", "--tenant", "mintrans"])
    assert key.exit_code == 0 and key.output.strip().startswith("dk_")
    private = runner.invoke(cli, ["tenant", "create", "local", "--callback-url", "http://127.0.0.1:9/"])
    assert isinstance(private.exception, InputError) and "non-public" in str(private.exception)
    missing = runner.invoke(cli, ["key", "create", "--tenant", "nobody"])
    assert isinstance(missing.exception, InputError) and "no such tenant" in str(missing.exception)
    app = new_app(home)  # tenants exist already: no demo tenant is created
    assert not (home / "demo-api-key.txt").exists()
    with TestClient(app) as client:
        models = client.get("/v1/models", headers=auth(key.output.strip()))
        assert models.status_code == 200 and models.json()["tenant"] == "mintrans"
        posted = client.post("/v1/documents", json={"text": LETTER}, headers=auth(key.output.strip()))
        _verify(client, key.output.strip(), posted.headers["Docket-Document-Id"], registered="2026-11-20")
    # verified cards leave as a register `docket train` reads
    from training.register import load_register

    exported = runner.invoke(cli, ["tenant", "export", "mintrans", "--out", str(home / "verified.jsonl")])
    assert exported.exit_code == 0 and "1 verified documents" in exported.output
    register = load_register(home / "verified.jsonl")
    row = register.frame.to_dict("records")[0]
    assert row["executor_id"] == "emp-1" and row["outgoing_number"] == "01-12/3456"
    assert str(row["reg_date"])[:10] == "2026-11-20" and "кровли" in row["text"]


def test_quality_scores_executors_and_resolutions_like_evaluate(app):
    from pipeline.contract import DocumentInfo, ExecutorSuggestion, Resolution
    from pipeline.metrics import resolution_template
    from service.db import StoredDocument, StoredSuggestion, Verification
    from service.feedback import quality
    from service.tenants import create_tenant

    def suggestion(ids, text):
        return Suggestion(
            document=DocumentInfo(id="x", media_type="text/plain", page_count=1, text_length=1),
            executors=[ExecutorSuggestion(id=i, name=f"Сотрудник {i}", score=0.5) for i in ids],
            resolution=Resolution(text=text, confidence=0.5) if text else None,
        ).model_dump_json()

    cases = [  # suggested ids, draft, verified responsible, verified resolution
        (["a", "b", "c"], "Иванову И.И. Прошу рассмотреть.", "a", "Петрову П.П. Прошу рассмотреть."),
        (["a", "b", "c"], "Иванову И.И. Для сведения.", "c", "Иванову И.И. Прошу рассмотреть."),
        (["a", "b", "c", "d"], None, "d", "Прошу подготовить ответ."),
    ]
    with app.state.sessions() as session:
        tenant = create_tenant(session, "quality-unit")
        for n, (ids, draft, responsible, resolution) in enumerate(cases):
            doc_id = f"doc_quality_{n}"
            session.add(StoredDocument(id=doc_id, tenant_id=tenant.id, kind="text", sha256="0", size=1))
            session.flush()
            session.add(
                StoredSuggestion(document_id=doc_id, tenant_id=tenant.id, body=suggestion(ids, draft))
            )
            body = {"card": {}, "executors": [{"id": responsible}], "resolution": {"text": resolution}}
            session.add(Verification(document_id=doc_id, tenant_id=tenant.id, body=body))
        session.commit()
        figures = quality(session, tenant.id, None, None)
    assert figures["verifications"] == 3
    assert figures["executors"] == {"top1": 1 / 3, "top3": 2 / 3, "n": 3}
    assert resolution_template(cases[0][1]) == resolution_template(cases[0][3])  # names are slotted
    assert figures["resolution"] == {"template_accuracy": 1 / 3, "n": 3}


@pytest.mark.slow
def test_a_stuck_job_is_stopped_and_fails_clearly(new_app, home):
    app = new_app(home)
    app.state.jobs.job_timeout_s = 0.3  # a fresh worker cannot even start in that time
    key = demo_key(home)
    with TestClient(app) as client:
        job = client.post(
            "/v1/documents", json={"text": LETTER}, headers={**auth(key), "Prefer": "respond-async"}
        ).json()
        finished = wait_job(client, job["id"], key)
        assert finished["status"] == "failed" and finished["error"]["code"] == "limit_exceeded", finished
        app.state.jobs.job_timeout_s = 120  # the service goes on with a fresh pool
        second = client.post(
            "/v1/documents", json={"text": OTHER_LETTER}, headers={**auth(key), "Prefer": "respond-async"}
        ).json()
        assert wait_job(client, second["id"], key)["status"] == "done"


def test_a_pdf_with_a_text_layer_answers_synchronously(client, key):
    from pathlib import Path

    from fpdf import FPDF

    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font.exists():
        pytest.skip("DejaVu font not installed")
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname=str(font))
    pdf.set_font("DejaVu", size=12)
    for line in LETTER.splitlines():
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    response = client.post(
        "/v1/documents",
        files={"file": ("letter.pdf", bytes(pdf.output()), "application/pdf")},
        headers=auth(key),
    )
    assert response.status_code == 200, response.text
    document = response.json()["document"]
    assert document["ocr_used"] is False and "кровли" in document["pages"][0]["text"]


def test_an_idempotency_key_in_flight_or_abandoned(client, key, app):
    import datetime as dt

    from service.db import ApiKey, IdempotencyRecord, utcnow
    from service.intake import Incoming
    from service.tenants import hash_key

    with app.state.sessions() as session:
        tenant_id = session.query(ApiKey).filter_by(key_hash=hash_key(key)).one().tenant_id
        fingerprint = Incoming(
            "text", LETTER.encode(), None, "text/plain", {"channel": None, "metadata": {}, "registered": None}
        ).fingerprint()
        session.add(IdempotencyRecord(tenant_id=tenant_id, key="busy", request_hash=fingerprint))
        old = utcnow() - dt.timedelta(hours=1)
        session.add(IdempotencyRecord(tenant_id=tenant_id, key="stale", request_hash="x", created_at=old))
        session.commit()
    busy = client.post(
        "/v1/documents", json={"text": LETTER}, headers={**auth(key), "Idempotency-Key": "busy"}
    )
    assert_problem(busy, 409, "idempotency_in_progress")
    stale = client.post(
        "/v1/documents", json={"text": LETTER}, headers={**auth(key), "Idempotency-Key": "stale"}
    )
    assert stale.status_code == 200 and "Idempotent-Replayed" not in stale.headers
    replay = client.post(
        "/v1/documents", json={"text": LETTER}, headers={**auth(key), "Idempotency-Key": "stale"}
    )
    assert replay.headers["Idempotent-Replayed"] == "true"


def test_concurrent_dispatchers_claim_each_job_once(new_app, home):
    """Several service processes may share one queue: each job goes to exactly one of them."""
    from concurrent.futures import ThreadPoolExecutor

    from service.jobs import JobRunner

    app = new_app(home)
    key = demo_key(home)
    client = TestClient(app)  # no lifespan: the app's own runner stays stopped
    hold = {**auth(key), "Prefer": "respond-async"}
    submitted = {
        client.post("/v1/documents", json={"text": f"{LETTER}\n{n}"}, headers=hold).json()["id"]
        for n in range(12)
    }
    state = app.state
    runners = [JobRunner(state.settings, state.sessions, state.metrics) for _ in range(4)]

    def drain(runner) -> list[str]:
        mine = []
        while claimed := runner._claim(2):
            mine += [job_id for job_id, _, _ in claimed]
        return mine

    with ThreadPoolExecutor(4) as pool:
        claims = [job for found in pool.map(drain, runners) for job in found]
    assert sorted(claims) == sorted(submitted)  # all claimed, none twice


def test_long_or_odd_upload_names_and_types_are_stored_safely(client, key):
    files = {"file": ("a\x00b" + "я" * 600 + ".txt", LETTER.encode(), "text/plain; x=" + "y" * 400)}
    response = client.post("/v1/documents", files=files, headers=auth(key))
    assert response.status_code == 200, response.text
    document = client.get(f"/v1/documents/{response.headers['Docket-Document-Id']}", headers=auth(key)).json()
    assert "\x00" not in document["file_name"] and len(document["media_type"]) <= 200
    meta = {"text": LETTER, "metadata": {"subject": "нуль\x00байт", "from": "a" * 5000}}
    assert client.post("/v1/documents", json=meta, headers=auth(key)).status_code == 200


def test_a_job_claimed_by_a_live_process_is_left_alone(new_app, home):
    """Processes sharing a queue requeue only jobs whose claim lapsed (no heartbeat for LEASE_S)."""
    import datetime as dt

    from service.db import Job, utcnow
    from service.jobs import LEASE_S, JobRunner

    app = new_app(home)
    client = TestClient(app)  # no lifespan: the app's own runner stays stopped
    hold = {**auth(demo_key(home)), "Prefer": "respond-async"}
    live, dead, mine = (
        client.post("/v1/documents", json={"text": f"{LETTER}\n{n}"}, headers=hold).json()["id"]
        for n in range(3)
    )
    runner = JobRunner(app.state.settings, app.state.sessions, app.state.metrics)
    old = utcnow() - dt.timedelta(seconds=LEASE_S + 5)
    with app.state.sessions() as session:
        for job_id, owner, beat in (
            (live, "run_live", utcnow()),
            (dead, "run_dead", old),
            (mine, runner.instance, old),
        ):
            job = session.get(Job, job_id)
            job.status, job.attempts, job.claimed_by, job.heartbeat_at = "running", 1, owner, beat
        session.commit()
    runner._inflight[mine] = None  # as if this process were running it
    runner._heartbeat()  # renews its own claim, then requeues the lapsed one
    runner._store(live, {"ok": False, "status": 400, "code": "bad_input", "detail": "x"})  # not its job
    with app.state.sessions() as session:
        jobs = {job_id: session.get(Job, job_id) for job_id in (live, dead, mine)}
        assert (jobs[live].status, jobs[live].claimed_by) == ("running", "run_live")
        assert (jobs[dead].status, jobs[dead].claimed_by) == ("queued", None)
        assert jobs[mine].status == "running" and jobs[mine].heartbeat_at > old


def test_concurrent_retries_with_one_idempotency_key_store_one_document(client, key, app, monkeypatch):
    import service.processing as processing
    from service.db import ApiKey, StoredDocument
    from service.tenants import hash_key

    both_inside = threading.Barrier(2, timeout=30)
    original = processing.process_stored

    def in_step(*args, **kwargs):  # both requests are past the key lookup before either commits
        both_inside.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(processing, "process_stored", in_step)
    headers = {**auth(key), "Idempotency-Key": "twice"}
    answers = []

    def send():
        answers.append(client.post("/v1/documents", json={"text": LETTER}, headers=headers))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    assert answers[0].json() == answers[1].json()
    assert answers[0].headers["Docket-Document-Id"] == answers[1].headers["Docket-Document-Id"]
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    with app.state.sessions() as session:
        tenant_id = session.query(ApiKey).filter_by(key_hash=hash_key(key)).one().tenant_id
        assert session.query(StoredDocument).filter_by(tenant_id=tenant_id).count() == 1
    stored = app.state.settings.home / "documents" / str(tenant_id)
    assert [path.name for path in stored.iterdir()] == [answers[0].headers["Docket-Document-Id"]]


def test_verifications_sent_at_once_for_one_document_all_succeed(client, key, app):
    from concurrent.futures import ThreadPoolExecutor

    from service.db import Verification

    document_id = client.post("/v1/documents", json={"text": LETTER}, headers=auth(key)).headers[
        "Docket-Document-Id"
    ]
    pages = [{"page_count": n} for n in range(1, 7)]
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda card: _verify(client, key, document_id, card=card), pages))
    assert [a.status_code for a in answers] == [201] * 6, [a.text for a in answers if a.status_code != 201]
    with app.state.sessions() as session:
        rows = session.query(Verification).filter_by(document_id=document_id).all()
    assert len(rows) == 1 and rows[0].body["card"] in pages
