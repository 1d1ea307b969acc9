"""The review page over HTTP (TestClient): login, CSRF, tenant isolation, the shared intake and verification
paths, and Russian messages instead of 500s for bad input."""

from __future__ import annotations

import json
import re
import time
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from service_helpers import LETTER, OTHER_LETTER


class FormReader(HTMLParser):
    """The controls of one form as a browser would submit them, plus every control's id and label targets."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.values, self.order = form_id, False, {}, []
        self.ids, self.label_for = [], set()
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if not self.inside:
            return
        if tag in {"input", "select", "textarea"} and a.get("type") != "hidden" and a.get("id"):
            self.ids.append(a["id"])
        name = a.get("name")
        if tag == "input" and name:
            if a.get("type") == "radio":
                if "checked" in a:
                    self.values[name] = a.get("value", "")
            else:
                self.values[name] = a.get("value", "")
                self.order.append(name)
        elif tag == "select" and name:
            self._select = name
            self.values[name] = ""
            self.order.append(name)
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
            self.order.append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def read_form(html: str, form_id: str = "card") -> FormReader:
    reader = FormReader(form_id)
    reader.feed(html)
    return reader


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(app, login_name: str, password: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={"login": login_name, "password": password, "csrf_token": csrf_of(form.text), "next": "/"},
    )
    assert answer.status_code == 303, answer.text
    return client


def upload_text(client: TestClient, text: str, channel: str = "post") -> str:
    csrf = csrf_of(client.get("/").text)
    answer = client.post("/upload", data={"csrf_token": csrf, "text": text, "channel": channel})
    assert answer.status_code == 303, answer.text
    return answer.headers["location"].rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from docket.settings import Settings
    from service.app import create_app
    from service.tenants import create_key, create_tenant
    from service.web.auth import create_user

    home = tmp_path_factory.mktemp("web-home")
    app = create_app(Settings(home=home, workers=1))
    with app.state.sessions() as session:
        other = create_tenant(session, "other")
        other_key = create_key(session, other)
        create_user(session, other, "other-clerk", "other-password-1")
        session.commit()
    password = re.search(r"password: (\S+)", (home / "demo-login.txt").read_text()).group(1)
    with TestClient(app, follow_redirects=False) as lifespan_client:
        yield {
            "app": app,
            "home": home,
            "password": password,
            "api_key": (home / "demo-api-key.txt").read_text().strip(),
            "other_key": other_key,
            "anon": lifespan_client,
        }


@pytest.fixture(scope="module")
def clerk(world):
    return login(world["app"], "demo", world["password"])


@pytest.fixture(scope="module")
def letter_id(clerk):
    return upload_text(clerk, LETTER)


def test_first_start_writes_the_demo_login_and_stores_only_a_hash(world):
    from service.web.models import WebUser

    text = (world["home"] / "demo-login.txt").read_text()
    assert "login: demo" in text
    with world["app"].state.sessions() as session:
        user = session.query(WebUser).filter_by(login="demo").one()
    assert user.password_hash.startswith("$argon2") and world["password"] not in user.password_hash
    assert user.role == "supervisor"


def test_every_screen_needs_a_login(world, letter_id):
    anon = TestClient(world["app"], follow_redirects=False)
    for path in ("/", f"/documents/{letter_id}", f"/documents/{letter_id}/pages/1.png", "/quality"):
        answer = anon.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login"), path
    assert anon.post("/upload", data={"text": LETTER}).headers["location"].startswith("/login")
    assert anon.post(f"/documents/{letter_id}/verify", data={}).status_code == 303
    bad = anon.post(
        "/login",
        data={"login": "demo", "password": "wrong-password", "csrf_token": csrf_of(anon.get("/login").text)},
    )
    assert bad.status_code == 401 and "Неверный логин или пароль" in bad.text
    assert "docket_session" not in bad.cookies
    # A forged `next` cannot send the clerk to another site after login.
    assert "https://evil.example" not in anon.get("/login?next=https://evil.example/").text


def test_posts_without_the_session_csrf_token_are_refused(world, clerk, letter_id):
    from service.db import Verification

    refused = clerk.post("/upload", data={"text": LETTER})
    assert refused.status_code == 403 and "Форма устарела" in refused.text
    assert clerk.post("/upload", data={"text": LETTER, "csrf_token": "forged"}).status_code == 403
    form = read_form(clerk.get(f"/documents/{letter_id}").text).values
    form.pop("csrf_token")
    assert clerk.post(f"/documents/{letter_id}/verify", data=form).status_code == 403
    with world["app"].state.sessions() as session:
        assert session.get(Verification, letter_id) is None
    assert clerk.post("/logout", data={}).status_code == 403
    # The login form has its own double-submit token: a cross-site login attempt carries no cookie.
    fresh = TestClient(world["app"], follow_redirects=False)
    answer = fresh.post("/login", data={"login": "demo", "password": world["password"], "csrf_token": "x"})
    assert answer.status_code == 403


def test_review_puts_fields_to_check_first_with_labels_and_evidence(clerk, letter_id):
    html = clerk.get(f"/documents/{letter_id}").text
    form = read_form(html)
    assert set(form.ids) <= form.label_for, set(form.ids) - form.label_for
    fields = re.findall(r'<div class="field level-(\w+)" data-field="(\w+)"', html)
    levels = [level for level, _ in fields]
    assert "low" in levels
    assert levels == sorted(levels, key=["low", "mid", "high", "none"].index)
    first_control = re.search(r"<(?:input|select|textarea)[^>]*autofocus", html).group(0)
    assert f'name="card.{fields[0][1]}' in first_control
    # The outgoing number's evidence points at the number in the page text.
    match = re.search(r'data-field="outgoing_number" data-page="1" data-start="(\d+)" data-end="(\d+)"', html)
    assert LETTER[int(match.group(1)) : int(match.group(2))] == "01-12/3456"
    assert "Принять карточку" in html and '<html lang="ru">' in html


def test_accepting_goes_through_the_service_verification_and_quality(world, clerk):
    document_id = upload_text(clerk, OTHER_LETTER)
    review = clerk.get(f"/documents/{document_id}")
    form = read_form(review.text).values
    assert form["card.outgoing_number"] == "7-15-2024"
    form["card.outgoing_number"] = "7-15-2025"  # the clerk corrects one field
    accepted = clerk.post(f"/documents/{document_id}/verify", data=form)
    assert accepted.status_code == 303 and accepted.headers["location"].startswith("/?accepted=")
    assert "Карточка принята" in clerk.get(accepted.headers["location"]).text
    reopened = clerk.get(f"/documents/{document_id}").text
    assert "Карточка проверена" in reopened
    assert read_form(reopened).values["card.outgoing_number"] == "7-15-2025"

    api = world["anon"]
    stored = api.get("/v1/quality", headers={"X-API-Key": world["api_key"]}).json()
    assert stored["verifications"] >= 1
    assert stored["card"]["per_field"]["outgoing_number"] < 1.0
    assert stored["card"]["per_field"]["outgoing_date"] == 1.0
    quality = clerk.get("/quality").text
    assert f'id="n-verified">{stored["verifications"]}<' in quality and "<svg" in quality
    inbox = clerk.get("/").text
    row = inbox[inbox.index(document_id) :]
    assert "проверено" in row[: row.index("</tr>")]

    # The same letter again: the verified one is now in the duplicate index, one click away.
    again = upload_text(clerk, OTHER_LETTER)
    html = clerk.get(f"/documents/{again}").text
    assert f'href="/documents/{document_id}"' in html and "Возможные дубликаты" in html


def test_a_clerk_never_sees_another_tenants_documents(world, letter_id):
    outsider = login(world["app"], "other-clerk", "other-password-1")
    denied = outsider.get(f"/documents/{letter_id}")
    assert denied.status_code == 404 and "Документ не найден" in denied.text
    assert outsider.get(f"/documents/{letter_id}/pages/1.png").status_code == 404
    csrf = csrf_of(outsider.get("/").text)
    assert outsider.post(f"/documents/{letter_id}/verify", data={"csrf_token": csrf}).status_code == 404
    assert letter_id not in outsider.get("/").text
    assert outsider.get("/quality").status_code == 403  # a clerk, not a supervisor
    own = upload_text(outsider, LETTER)
    assert (
        world["anon"].get(f"/v1/documents/{own}", headers={"X-API-Key": world["api_key"]}).status_code == 404
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("card.outgoing_date", "32.13.2024", "ДД.ММ.ГГГГ"),
        ("card.page_count", "много", "целое число"),
        ("card.doc_kind", "memo", "выберите значение"),
    ],
)
def test_bad_card_values_get_a_russian_message(clerk, letter_id, field, value, message):
    form = read_form(clerk.get(f"/documents/{letter_id}").text).values
    form[field] = value
    answer = clerk.post(f"/documents/{letter_id}/verify", data=form)
    assert answer.status_code == 400 and message in answer.text


def test_bad_requests_get_a_russian_message_not_a_500(clerk, letter_id):
    csrf = csrf_of(clerk.get("/").text)
    empty = clerk.post("/upload", data={"csrf_token": csrf, "text": "  "})
    assert empty.status_code == 400 and "Выберите файл или вставьте текст" in empty.text
    channel = clerk.post("/upload", data={"csrf_token": csrf, "text": LETTER, "channel": "pigeon"})
    assert channel.status_code == 400 and "канал" in channel.text
    broken = clerk.post(
        "/upload", content=b"--x\r\nbroken", headers={"Content-Type": "multipart/form-data; boundary=x"}
    )
    assert broken.status_code in {400, 403} and "<html" in broken.text
    assert "Дата периода" in clerk.get("/quality?since=вчера").text
    assert clerk.get("/quality?since=2026-12-01&until=2026-11-01").status_code == 400
    assert clerk.get("/documents/" + "x" * 5000).status_code == 404
    image = clerk.get(f"/documents/{letter_id}/pages/1.png")
    assert image.status_code == 404 and "нет изображения" in image.text


def test_a_corrupt_file_is_reported_in_russian(clerk):
    csrf = csrf_of(clerk.get("/").text)
    files = {"file": ("scan.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50, "application/pdf")}
    answer = clerk.post("/upload", data={"csrf_token": csrf}, files=files)
    assert answer.status_code == 303
    page_url = answer.headers["location"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        html = clerk.get(page_url).text
        if "обрабатывается" not in html:
            break
        time.sleep(0.5)
    assert "обрабатывается" not in html and 'class="error"' in html, html[-800:]
    assert "повреждён" in html or "не удалось" in html or "не поддерживается" in html


def test_page_images_are_rendered_from_pdfs(clerk):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text="Letter page one " * 5)
    data = bytes(pdf.output())
    csrf = csrf_of(clerk.get("/").text)
    answer = clerk.post(
        "/upload", data={"csrf_token": csrf}, files={"file": ("a.pdf", data, "application/pdf")}
    )
    page_url = answer.headers["location"]
    image = clerk.get(page_url + "/pages/1.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert clerk.get(page_url + "/pages/9.png").status_code == 404


def test_user_create_command(monkeypatch):
    from typer.testing import CliRunner

    from docket.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["tenant", "create", "city"]).exit_code == 0
    made = runner.invoke(
        app,
        ["user", "create", "--tenant", "city", "--login", "ivanova", "--password-stdin"],
        input="secret-pass\n",
    )
    assert made.exit_code == 0 and "ivanova" in made.output and "secret-pass" not in made.output
    short = runner.invoke(
        app, ["user", "create", "--tenant", "city", "--login", "petrov", "--password-stdin"], input="abc\n"
    )
    assert short.exit_code != 0

    from docket.settings import get_settings
    from service.db import make_engine, session_factory
    from service.web.auth import check_password

    with session_factory(make_engine(get_settings().resolved_database_url))() as session:
        assert check_password(session, "ivanova", "secret-pass") is not None
        assert check_password(session, "ivanova", "wrong-pass") is None


def test_chart_is_plain_svg_of_the_given_points():
    from service.web.chart import line_chart

    svg = line_chart(["01.11", "02.11", "03.11"], {"a": [0.5, None, 1.0], "b": [0.2, 0.4, 0.6]})
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 1  # series a has a gap, b is one line
    assert "a, 03.11: 100%" in svg and json.dumps("<") not in svg


def test_form_keeps_directory_ids_only_for_unchanged_names_and_reads_executors():
    from service.web.cardform import parse_card
    from service.web.router import WebError, _executors

    suggested = {"correspondent": {"value": {"id": "org-7", "name": "Минстрой"}, "confidence": 0.9}}
    form = {"card.correspondent.name": "Минстрой", "card.correspondent.id": "org-7", "card.page_count": "2"}
    card = parse_card(form, suggested)
    assert card["correspondent"] == {"name": "Минстрой", "id": "org-7"} and card["page_count"] == 2
    assert card["outgoing_number"] is None and card["reply_to"] is None
    form["card.correspondent.name"] = "Минэнерго"
    assert parse_card(form, suggested)["correspondent"] == {"name": "Минэнерго"}

    offered = [{"id": "emp-1", "name": "Иванова А.С."}, {"id": "emp-2", "name": "Петров И.И."}]
    assert _executors({"executor": "1"}, offered) == [{"id": "emp-2", "name": "Петров И.И."}]
    assert _executors({"executor": "other", "executor_other_id": "emp-9"}, offered) == [
        {"id": "emp-9", "name": None}
    ]
    assert _executors({"executor": "7"}, offered) == []
    with pytest.raises(WebError):
        _executors({"executor": "other", "executor_other_name": "Сидоров"}, offered)


def test_executor_choice_and_resolution_reach_quality(world, clerk):
    """The UI around a suggestion that has executors and a draft (set on the stored suggestion, as a
    trained bundle would produce them): the clerk picks the second executor and edits the draft."""
    from pipeline.contract import Suggestion
    from service.db import StoredSuggestion

    document_id = upload_text(clerk, LETTER.replace("3456", "3999"))
    with world["app"].state.sessions() as session:
        stored = session.get(StoredSuggestion, document_id)
        suggestion = json.loads(stored.body)
        suggestion["executors"] = [
            {
                "id": "emp-1",
                "name": "Иванова А.С.",
                "unit": "Отдел ЖКХ",
                "score": 0.61,
                "reasons": ["тема: кровля"],
            },
            {"id": "emp-2", "name": "Петров И.И.", "unit": "Отдел образования", "score": 0.3, "reasons": []},
        ]
        suggestion["resolution"] = {
            "text": "Ивановой А.С. Прошу рассмотреть.",
            "author": "Глава",
            "confidence": 0.7,
        }
        stored.body = Suggestion.model_validate(suggestion).model_dump_json()
        session.commit()
    html = clerk.get(f"/documents/{document_id}").text
    assert "Иванова А.С." in html and "Отдел ЖКХ" in html and "61 %" in html and "тема: кровля" in html
    form = read_form(html).values
    assert form["executor"] == "0" and form["resolution"] == "Ивановой А.С. Прошу рассмотреть."
    form["executor"] = "1"
    form["resolution"] = "Петрову И.И. Прошу подготовить ответ."
    assert clerk.post(f"/documents/{document_id}/verify", data=form).status_code == 303

    figures = world["anon"].get("/v1/quality", headers={"X-API-Key": world["api_key"]}).json()
    assert figures["executors"] == {"top1": 0.0, "top3": 1.0, "n": 1}
    assert figures["resolution"]["n"] == 1
    reopened = read_form(clerk.get(f"/documents/{document_id}").text).values
    assert reopened["executor"] == "1" and reopened["resolution"].startswith("Петрову")


def test_logout_ends_the_session(world):
    client = login(world["app"], "demo", world["password"])
    csrf = csrf_of(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": csrf}).headers["location"] == "/login"
    assert client.get("/").status_code == 303


def test_repeated_failed_logins_are_refused_for_a_while(world):
    from service.web.auth import LoginThrottle

    world["app"].state.login_throttle = LoginThrottle(attempts=3, window_s=60)
    try:
        client = TestClient(world["app"], follow_redirects=False)
        csrf = csrf_of(client.get("/login").text)

        def attempt(password: str):
            return client.post("/login", data={"login": "demo", "password": password, "csrf_token": csrf})

        assert [attempt(f"wrong-{n}").status_code for n in range(3)] == [401, 401, 401]
        locked = attempt(world["password"])  # even the right password waits until the window passes
        assert locked.status_code == 429 and "Слишком много неудачных попыток" in locked.text
        assert int(locked.headers["Retry-After"]) > 0 and "docket_session" not in locked.cookies
        other = TestClient(world["app"], follow_redirects=False)  # another login from the same address
        token = csrf_of(other.get("/login").text)
        answer = other.post("/login", data={"login": "other-clerk", "password": "x", "csrf_token": token})
        assert answer.status_code == 429
    finally:
        world["app"].state.login_throttle = LoginThrottle(attempts=5, window_s=300)
    assert login(world["app"], "demo", world["password"])  # a fresh window: the clerk gets in


def test_throttle_counts_per_login_and_forgets_after_success():
    from service.web.auth import LoginThrottle

    throttle = LoginThrottle(attempts=2, window_s=60)
    throttle.failed("Ivanova", "10.0.0.1")
    assert throttle.wait_s("ivanova", "10.0.0.2") == 0
    throttle.failed("ivanova", "10.0.0.2")
    assert 0 < throttle.wait_s("IVANOVA", "10.0.0.3") <= 60  # the login, from any address
    assert throttle.wait_s("petrov", "10.0.0.2") == 0  # one failure from that address so far
    throttle.failed("sidorov", "10.0.0.2")
    assert throttle.wait_s("petrov", "10.0.0.2") > 0  # the address, for any login
    assert throttle.wait_s("petrov", "10.0.0.9") == 0
    throttle.succeeded("ivanova")
    assert throttle.wait_s("ivanova", "10.0.0.3") == 0


def test_service_errors_reach_the_clerk_in_russian():
    from service.jobs import TIME_LIMIT_DETAIL
    from service.web.router import ERRORS_RU, russian

    for code in ("worker_crashed", "internal_error", "limit_exceeded", "corrupt", "not_found"):
        message = russian(code)
        assert message == ERRORS_RU[code] and not any("a" <= c <= "z" for c in message.lower()), code
    timed_out = russian("limit_exceeded", f"{TIME_LIMIT_DETAIL} 360 s; stopped")
    assert "слишком много времени" in timed_out
