"""The clerk's screens: login, inbox, upload, one document with its card, accept, supervisor quality.

Routes only check the session and CSRF token and call the service's own code: documents enter through
`service.intake.accept` (as `POST /v1/documents`), verified cards leave through `service.feedback` (as
`POST /v1/documents/{id}/verification`), figures come from `service.feedback.quality` (as `/v1/quality`).
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from docket.errors import DocketError
from service.web import auth

router = APIRouter(include_in_schema=False)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
INBOX_LIMIT = 100
QUALITY_DAYS = 30
ERRORS_RU = {
    "bad_input": "Документ не удалось прочитать: он пустой или в нём нет текста.",
    "unsupported_format": (
        "Этот формат не поддерживается. Загрузите PDF, скан или фото, письмо .eml, DOCX или текст."
    ),
    "limit_exceeded": "Документ превышает допустимый размер, число страниц или размер изображения.",
    "encrypted": "Документ защищён паролем или зашифрован. Снимите защиту и загрузите его снова.",
    "corrupt": "Файл повреждён и не может быть прочитан.",
    "model_not_found": "Модели сейчас недоступны. Повторите попытку позже.",
    "incompatible_model": "Модели сейчас недоступны. Повторите попытку позже.",
    "invalid_request": "Запрос заполнен неверно.",
    "time_limit": "Обработка документа заняла слишком много времени и была остановлена.",
    "worker_crashed": (
        "Обработка документа несколько раз прерывалась. Загрузите его снова или сообщите администратору."
    ),
    "internal_error": "При обработке документа произошла внутренняя ошибка. Повторите попытку позже.",
    "config_error": "Сервис настроен неверно. Сообщите администратору.",
    "not_found": "Документ не найден.",
    "rate_limited": "Слишком много запросов. Повторите попытку через минуту.",
}
CSRF_MESSAGE = "Форма устарела или отправлена с другого сайта. Обновите страницу и повторите действие."


class WebError(Exception):
    """Shown to the clerk as a page with a Russian message (or a redirect, e.g. to the login)."""

    def __init__(self, status: int, message: str = "", redirect: str | None = None):
        super().__init__(message)
        self.status, self.message, self.redirect = status, message, redirect


def russian(exc_code: str | None, detail: str | None = None) -> str:
    from service.jobs import TIME_LIMIT_DETAIL

    if exc_code == "limit_exceeded" and (detail or "").startswith(TIME_LIMIT_DETAIL):
        exc_code = "time_limit"  # the job watchdog's limit, not the document's size
    return ERRORS_RU.get(exc_code or "", "Документ не удалось обработать.")


@lru_cache(maxsize=1)
def _templates():
    from fastapi.templating import Jinja2Templates

    templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
    templates.env.filters["pct"] = lambda v: "—" if v is None else f"{v * 100:.0f} %"
    templates.env.filters["ru_date"] = _ru_date
    templates.env.filters["ru_time"] = lambda v: v.strftime("%d.%m.%Y %H:%M") if v else ""
    templates.env.filters["duration"] = _duration
    return templates


def _ru_date(value: Any) -> str:
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime("%d.%m.%Y")
    except ValueError:
        return str(value)


def _duration(ms: float | None) -> str:
    if ms is None:
        return "—"
    return f"{ms:.0f} мс" if ms < 1000 else f"{ms / 1000:.1f} с".replace(".", ",")


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    response = _templates().TemplateResponse(request, name, context, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


async def render_error(request: Request, exc: WebError) -> Response:
    if exc.redirect:
        return RedirectResponse(exc.redirect, status_code=303)
    return page(request, "error.html", {"who": None, "message": exc.message}, exc.status)


def _who(request: Request, session: Session) -> auth.WebCaller:
    who = auth.session_caller(session, request.cookies.get(auth.SESSION_COOKIE))
    if who is None:
        target = request.url.path if request.method == "GET" else "/"
        raise WebError(303, redirect=f"/login?next={quote(target)}")
    return who


def _check_csrf(request: Request, form: Any, who: auth.WebCaller) -> None:
    given = form.get("csrf_token") if form is not None else None
    if not auth.same_token(who.csrf_token, given or request.headers.get("X-CSRF-Token")):
        raise WebError(403, CSRF_MESSAGE)


def _api_caller(who: auth.WebCaller):
    from service.tenants import Caller

    # Not an API key: the web session stands in for one; intake uses only the tenant.
    return Caller(who.tenant_id, who.tenant_name, key_id=0, rate_limit_per_minute=0)


def _document(session: Session, who: auth.WebCaller, document_id: str):
    from service import intake
    from service.problems import ApiError

    try:
        return intake.tenant_document(session, _api_caller(who), document_id[:64])
    except ApiError:
        raise WebError(404, "Документ не найден.") from None


async def _form(request: Request) -> Any:
    try:
        return await request.form(max_files=1, max_fields=200)
    except DocketError as exc:
        raise WebError(exc.http_status, russian(exc.code)) from None
    except Exception:  # noqa: BLE001 - a malformed body is the sender's mistake, not a 500
        raise WebError(400, "Форма отправлена в неверном виде.") from None


def _safe_next(target: str | None) -> str:
    """Only a path on this site, so the login cannot be used to send a clerk elsewhere."""
    target = target or "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


# --- login ------------------------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    import secrets

    token = request.cookies.get(auth.LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = page(request, "login.html", {"who": None, "csrf": token, "next": _safe_next(next)})
    response.set_cookie(
        auth.LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    form = await _form(request)

    def work() -> Response:
        if not auth.same_token(request.cookies.get(auth.LOGIN_CSRF_COOKIE), form.get("csrf_token")):
            raise WebError(403, CSRF_MESSAGE)
        login_name = str(form.get("login") or "")[:100]
        password = str(form.get("password") or "")[:1000]
        target = _safe_next(str(form.get("next") or "/"))
        throttle = request.app.state.login_throttle
        address = request.client.host if request.client else "-"
        context = {"who": None, "csrf": form.get("csrf_token"), "next": target, "login": login_name}
        wait = throttle.wait_s(login_name.strip(), address)
        if wait:
            minutes = max(1, round(wait / 60))
            context["error"] = f"Слишком много неудачных попыток входа. Повторите через {minutes} мин."
            response = page(request, "login.html", context, 429)
            response.headers["Retry-After"] = str(max(1, round(wait)))
            return response
        with request.app.state.sessions() as session:
            user = auth.check_password(session, login_name, password) if login_name and password else None
            if user is None:
                throttle.failed(login_name.strip(), address)
                context["error"] = "Неверный логин или пароль."
                return page(request, "login.html", context, 401)
            throttle.succeeded(login_name.strip())
            token = auth.open_session(session, user)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            auth.SESSION_COOKIE,
            token,
            max_age=auth.SESSION_HOURS * 3600,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        return response

    return await run_in_threadpool(work)


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await _form(request)

    def work() -> Response:
        with request.app.state.sessions() as session:
            who = _who(request, session)
            _check_csrf(request, form, who)
            auth.close_session(session, request.cookies.get(auth.SESSION_COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(auth.SESSION_COOKIE)
        return response

    return await run_in_threadpool(work)


# --- inbox and upload -------------------------------------------------------------------------------


def _inbox_rows(session: Session, tenant_id: int) -> list[dict[str, Any]]:
    from service.db import StoredDocument, StoredSuggestion, Verification

    query = (
        select(StoredDocument, StoredSuggestion.body, Verification.verified_at)
        .outerjoin(StoredSuggestion, StoredSuggestion.document_id == StoredDocument.id)
        .outerjoin(Verification, Verification.document_id == StoredDocument.id)
        .where(StoredDocument.tenant_id == tenant_id)
        .order_by(StoredDocument.created_at.desc(), StoredDocument.id)
        .limit(INBOX_LIMIT)
    )
    rows = []
    for document, body, verified_at in session.execute(query):
        suggestion = json.loads(body) if body else {}
        card = suggestion.get("card") or {}
        channel = (card.get("channel") or {}).get("value") or (document.request_meta or {}).get("channel")
        who = (card.get("correspondent") or {}).get("value") or {}
        applicant = (card.get("applicant") or {}).get("value") or {}
        if verified_at is not None:
            status = ("verified", "проверено")
        elif document.status == "failed":
            status = ("failed", "ошибка")
        elif document.status in {"received", "queued"} or not body:
            status = ("pending", "обрабатывается")
        else:
            status = ("new", "новый")
        timings = suggestion.get("timings_ms") or {}
        rows.append(
            {
                "id": document.id,
                "received": document.created_at,
                "file_name": document.file_name,
                "channel": channel,
                "correspondent": who.get("name") or applicant.get("full_name"),
                "summary": (card.get("summary") or {}).get("value"),
                "duplicates": suggestion.get("duplicates") or [],
                "took_ms": sum(timings.values()) if timings else None,
                "status": status,
            }
        )
    return rows


def _inbox(request: Request, session: Session, who: auth.WebCaller, **extra: Any) -> dict[str, Any]:
    from service.web.cardform import CHANNEL_LABELS, DUPLICATE_LABELS

    return {
        "who": who,
        "rows": _inbox_rows(session, who.tenant_id),
        "limit": INBOX_LIMIT,
        "channels": CHANNEL_LABELS,
        "duplicate_labels": DUPLICATE_LABELS,
        "accepted": request.query_params.get("accepted"),
        **extra,
    }


@router.get("/")
def inbox(request: Request) -> Response:
    with request.app.state.sessions() as session:
        who = _who(request, session)
        return page(request, "inbox.html", _inbox(request, session, who))


@router.post("/upload")
async def upload(request: Request) -> Response:
    form = await _form(request)
    part = form.get("file")
    data, file_name, media_type = b"", None, None
    if part is not None and not isinstance(part, str) and part.filename:
        data, file_name, media_type = await part.read(), part.filename[:255], part.content_type

    def work() -> Response:
        from pipeline.contract import CHANNELS
        from service import intake

        with request.app.state.sessions() as session:
            who = _who(request, session)
            _check_csrf(request, form, who)
            channel = str(form.get("channel") or "") or None
            text = str(form.get("text") or "").strip()

            def fail(status: int, message: str) -> Response:
                context = _inbox(request, session, who, error=message, text=text[:100_000])
                return page(request, "inbox.html", context, status)

            if channel is not None and channel not in CHANNELS:
                return fail(400, "Выберите канал поступления из списка.")
            meta = {"channel": channel, "metadata": {}, "registered": None}
            if file_name and data:
                incoming = intake.Incoming("file", data, file_name, media_type, meta)
            elif file_name:
                return fail(400, "Файл пустой.")
            elif text:
                incoming = intake.Incoming("text", text.encode("utf-8"), None, "text/plain", meta)
            else:
                return fail(400, "Выберите файл или вставьте текст письма.")
            answer = intake.accept(request.app.state, session, _api_caller(who), incoming, None)
            if answer.problem and answer.document_id is None:
                return fail(answer.status, russian((answer.body or {}).get("code")))
        return RedirectResponse(f"/documents/{answer.document_id}", status_code=303)

    return await run_in_threadpool(work)


# --- one document -----------------------------------------------------------------------------------


def _duplicate_views(session: Session, tenant_id: int, hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from service.db import StoredDocument
    from service.web.cardform import DUPLICATE_LABELS

    views = []
    for hit in hits:
        earlier = session.get(StoredDocument, hit["document_id"])
        linked = earlier is not None and earlier.tenant_id == tenant_id
        views.append(
            {
                **hit,
                "label": DUPLICATE_LABELS.get(hit["kind"], hit["kind"]),
                "url": f"/documents/{earlier.id}" if linked else None,
                "received": earlier.created_at if linked else None,
            }
        )
    return views


@router.get("/documents/{document_id}")
def review(request: Request, document_id: str) -> Response:
    from service.db import StoredSuggestion, Verification
    from service.web.cardform import field_views, review_groups
    from service.web.pages import has_image

    settings = request.app.state.settings
    with request.app.state.sessions() as session:
        who = _who(request, session)
        document = _document(session, who, document_id)
        stored = session.get(StoredSuggestion, document.id)
        if stored is None:
            context = {
                "who": who,
                "document": document,
                "failed": document.status == "failed",
                "message": russian(document.error_code, document.error_detail),
            }
            return page(request, "pending.html", context, 200)
        suggestion = json.loads(stored.body)
        verification = session.get(Verification, document.id)
        verified = verification.body if verification else None
        views = field_views(suggestion.get("card") or {}, settings.confidence_threshold, verified)
        duplicates = _duplicate_views(session, who.tenant_id, suggestion.get("duplicates") or [])
    info = suggestion.get("document") or {}
    image = document.kind == "file" and has_image(info.get("media_type"))
    pages = [
        {
            "number": p["number"],
            "text": p.get("text") or "",
            "ocr": p.get("ocr"),
            "image_url": f"/documents/{document.id}/pages/{p['number']}.png" if image else None,
            "width": p.get("width"),
            "height": p.get("height"),
            "blocks": [[*b["bbox"], b["text"]] for b in p.get("blocks") or [] if b.get("bbox")],
        }
        for p in info.get("pages") or []
    ]
    executors = suggestion.get("executors") or []
    chosen = None
    if verified and verified.get("executors"):
        first = verified["executors"][0]
        chosen = next((i for i, e in enumerate(executors) if e["id"] == first["id"]), "other")
    resolution = (verified or {}).get("resolution") or suggestion.get("resolution") or {}
    context = {
        "who": who,
        "document": document,
        "info": info,
        "pages": pages,
        "groups": review_groups(views),
        "n_check": sum(v.needs_review for v in views),
        "duplicates": duplicates,
        "executors": executors,
        "chosen": chosen if chosen is not None else (0 if executors else "other"),
        "other": verified["executors"][0] if chosen == "other" else None,
        "resolution": resolution,
        "deadline": suggestion.get("deadline"),
        "verified_at": verification.verified_at if verification else None,
        "took_ms": sum((suggestion.get("timings_ms") or {}).values()) or None,
        "model_version": suggestion.get("model_version"),
    }
    return page(request, "review.html", context)


@router.get("/documents/{document_id}/pages/{number}.png")
def page_image(request: Request, document_id: str, number: int) -> Response:
    from service.web.pages import render_page

    with request.app.state.sessions() as session:
        who = _who(request, session)
        document = _document(session, who, document_id)
    if document.kind != "file" or not document.storage_path:
        raise WebError(404, "У этого документа нет изображения страниц.")
    try:
        data = Path(document.storage_path).read_bytes()
        png = render_page(data, number, request.app.state.settings.max_image_pixels)
    except OSError:
        raise WebError(404, "Файл документа не найден в хранилище.") from None
    except DocketError as exc:
        status = 404 if exc.message == "no such page" else exc.http_status
        raise WebError(status, "Страница не найдена." if status == 404 else russian(exc.code)) from None
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


def _executors(form: Any, suggested: list[dict[str, Any]]) -> list[dict[str, Any]]:
    choice = str(form.get("executor") or "")
    if choice.isdigit() and int(choice) < len(suggested):
        chosen = suggested[int(choice)]
        return [{"id": chosen["id"], "name": chosen.get("name")}]
    other_id = str(form.get("executor_other_id") or "").strip()
    other_name = str(form.get("executor_other_name") or "").strip() or None
    if choice == "other" and other_id:
        return [{"id": other_id[:200], "name": other_name and other_name[:300]}]
    if choice == "other" and other_name:
        raise WebError(400, "«Другой исполнитель»: укажите код сотрудника.")
    return []


@router.post("/documents/{document_id}/verify")
async def verify(request: Request, document_id: str) -> Response:
    form = await _form(request)

    def work() -> Response:
        from pydantic import ValidationError

        from service import feedback
        from service.db import StoredSuggestion
        from service.schemas import VerificationIn
        from service.web.cardform import FormError, parse_card

        state = request.app.state
        with state.sessions() as session:
            who = _who(request, session)
            _check_csrf(request, form, who)
            document = _document(session, who, document_id)
            stored = session.get(StoredSuggestion, document.id)
            if stored is None:
                raise WebError(409, "Документ ещё обрабатывается; карточку можно принять после обработки.")
            suggestion = json.loads(stored.body)
            try:
                card = parse_card(form, suggestion.get("card") or {})
            except FormError as exc:
                raise WebError(400, str(exc)) from None
            text = str(form.get("resolution") or "").strip()
            author = (suggestion.get("resolution") or {}).get("author")
            try:
                body = VerificationIn.model_validate(
                    {
                        "card": card,
                        "executors": _executors(form, suggestion.get("executors") or []),
                        "resolution": {"text": text, "author": author} if text else None,
                    }
                )
            except ValidationError:
                raise WebError(400, "Карточка заполнена неверно: проверьте длину значений.") from None
            # The same three steps as POST /v1/documents/{id}/verification.
            row = feedback.store_verification(session, document, body)
            state.metrics.verifications.inc()
            try:
                index = state.resources.index(who.tenant_name)
            except DocketError:
                index = None  # the verification is stored; indexing needs the tenant's resources
            feedback.index_verified(session, index, document, row)
        return RedirectResponse(f"/?accepted={quote(document.id)}", status_code=303)

    return await run_in_threadpool(work)


# --- quality for supervisors ------------------------------------------------------------------------


def _query_date(request: Request, name: str) -> dt.date | None:
    text = (request.query_params.get(name) or "").strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise WebError(400, "Дата периода должна быть в виде ДД.ММ.ГГГГ.")


@router.get("/quality")
def quality_page(request: Request) -> Response:
    from service.db import Verification
    from service.feedback import quality
    from service.web.cardform import LABELS
    from service.web.chart import line_chart

    since, until = _query_date(request, "since"), _query_date(request, "until")
    if since and until and since > until:
        raise WebError(400, "Начало периода позже его конца.")
    with request.app.state.sessions() as session:
        who = _who(request, session)
        if who.role != "supervisor":
            raise WebError(403, "Раздел «Качество» доступен только руководителю.")
        figures = quality(session, who.tenant_id, since, until)
        stamps = select(Verification.verified_at).where(Verification.tenant_id == who.tenant_id)
        if since:
            stamps = stamps.where(Verification.verified_at >= dt.datetime.combine(since, dt.time.min))
        if until:
            stamps = stamps.where(
                Verification.verified_at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min)
            )
        days = sorted({stamp.date() for stamp in session.scalars(stamps)})[-QUALITY_DAYS:]
        daily = [quality(session, who.tenant_id, day, day) for day in days]
    series = {
        "Карточка (все поля)": [d["card"]["overall"] for d in daily],
        "Исполнитель, топ-1": [d["executors"]["top1"] for d in daily],
        "Исполнитель, топ-3": [d["executors"]["top3"] for d in daily],
    }
    chart = line_chart([d.strftime("%d.%m") for d in days], series) if days else None
    card = figures["card"]
    fields = [
        {"label": LABELS.get(name, name), "accuracy": value, "n": card["n_scored"].get(name, 0)}
        for name, value in card["per_field"].items()
    ]
    context = {
        "who": who,
        "figures": figures,
        "fields": fields,
        "chart": chart,
        "since": since.isoformat() if since else "",
        "until": until.isoformat() if until else "",
        "days": list(zip(days, daily, strict=True)),
    }
    return page(request, "quality.html", context)
