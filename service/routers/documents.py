"""/v1/documents: submit a document, read its suggestion, send back the verified card."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from pipeline.contract import CHANNELS, Suggestion
from service import feedback, intake
from service.deps import caller, db_session
from service.jobs import job_view
from service.problems import ApiError, problem_response, problem_responses
from service.schemas import (
    DocumentOut,
    DocumentText,
    JobOut,
    VerificationIn,
    VerificationOut,
    check_callback_url,
)
from service.tenants import Caller

router = APIRouter(prefix="/v1/documents", tags=["documents"])
JSON_TYPE = "application/json"

_UPLOAD_SCHEMA = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "The document (PDF, scan, image, e-mail, DOCX, text).",
        },
        "channel": {"type": "string", "enum": list(CHANNELS)},
        "metadata": {"type": "string", "description": "A JSON object: e-mail headers, form fields."},
        "registered": {"type": "string", "format": "date"},
        "callback_url": {"type": "string", "maxLength": 2000},
    },
}

_SUBMIT_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/DocumentText"}},
            "multipart/form-data": {"schema": _UPLOAD_SCHEMA},
        },
    }
}


def _invalid(loc: list[str], msg: str) -> RequestValidationError:
    return RequestValidationError([{"loc": loc, "msg": msg, "type": "value_error"}])


async def _read_incoming(request: Request) -> intake.Incoming:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    prefer_async = "respond-async" in request.headers.get("prefer", "").lower()
    if content_type == "application/json":
        raw = await request.body()
        try:
            body = DocumentText.model_validate_json(raw)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors(include_input=False, include_context=False)) from None
        meta = {"channel": body.channel, "metadata": body.metadata, "registered": body.registered}
        meta = json.loads(json.dumps(meta, default=str))
        return intake.Incoming(
            "text",
            body.text.encode("utf-8"),
            body.file_name,
            "text/plain",
            meta,
            body.callback_url,
            prefer_async,
        )
    if content_type == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise _invalid(["body", "file"], "a file part named 'file' is required")
        data = await upload.read()
        return intake.Incoming(
            "file",
            data,
            (upload.filename or None) and upload.filename[:255],
            upload.content_type,
            _form_meta(form),
            _form_callback(form),
            prefer_async,
        )
    raise ApiError(
        415, "unsupported_media_type", "send application/json (text) or multipart/form-data (a file)"
    )


def _form_meta(form: Any) -> dict[str, Any]:
    import datetime as dt

    meta: dict[str, Any] = {"channel": None, "metadata": {}, "registered": None}
    channel = form.get("channel")
    if channel:
        if channel not in CHANNELS:
            raise _invalid(["body", "channel"], f"channel must be one of {', '.join(CHANNELS)}")
        meta["channel"] = channel
    if form.get("metadata"):
        try:
            metadata = json.loads(form["metadata"])
        except (TypeError, ValueError):
            metadata = None
        if not isinstance(metadata, dict):
            raise _invalid(["body", "metadata"], "metadata must be a JSON object")
        meta["metadata"] = metadata
    if form.get("registered"):
        try:
            meta["registered"] = dt.date.fromisoformat(str(form["registered"])).isoformat()
        except ValueError:
            raise _invalid(["body", "registered"], "registered must be a date (YYYY-MM-DD)") from None
    return meta


def _form_callback(form: Any) -> str | None:
    value = form.get("callback_url") or None
    if value is None:
        return None
    try:
        return check_callback_url(str(value)[:2000])
    except ValueError as exc:
        raise _invalid(["body", "callback_url"], str(exc)) from None


def _respond(answer: intake.Answer, path: str) -> JSONResponse:
    if answer.problem:
        body = answer.body or {}
        return problem_response(
            answer.status, body.get("code", "error"), body.get("detail"), path, headers=answer.headers
        )
    if answer.raw is not None:  # a stored suggestion's JSON: sent as it is, not parsed and dumped again
        return Response(answer.raw, status_code=answer.status, headers=answer.headers, media_type=JSON_TYPE)
    return JSONResponse(answer.body, status_code=answer.status, headers=answer.headers)


@router.post(
    "",
    summary="Submit a document",
    description=(
        "Text (JSON) and cheap documents (text files, PDFs with a text layer) answer 200 with the suggestion; "
        "anything needing OCR answers 202 with a job (`GET /v1/jobs/{id}`, or a signed callback). "
        "`Prefer: respond-async` makes any document a job. The document id is in the `Docket-Document-Id` header."
    ),
    openapi_extra=_SUBMIT_OPENAPI,
    responses={
        200: {"model": Suggestion, "description": "The suggestion (processed synchronously)."},
        202: {"model": JobOut, "description": "Accepted as a job."},
        **problem_responses(400, 401, 409, 413, 415, 422, 429),
    },
)
async def submit_document(
    request: Request,
    who: Caller = Depends(caller),
    idempotency_key: str | None = Header(
        None, max_length=255, description="Makes retries safe: same key, same answer."
    ),
) -> JSONResponse:
    incoming = await _read_incoming(request)

    def work() -> intake.Answer:
        with request.app.state.sessions() as session:
            return intake.accept(request.app.state, session, who, incoming, idempotency_key)

    answer = await run_in_threadpool(work)
    return _respond(answer, request.url.path)


@router.get("/{document_id}", response_model=DocumentOut, responses=problem_responses(401, 404, 429))
def get_document(
    document_id: str, who: Caller = Depends(caller), session: Session = Depends(db_session)
) -> Any:
    from service.db import Verification

    document = intake.tenant_document(session, who, document_id)
    job = intake.document_job(session, document)
    error = None
    if document.status == "failed":
        error = {
            "status": document.error_status,
            "code": document.error_code,
            "detail": document.error_detail,
        }
    return DocumentOut(
        id=document.id,
        status=document.status,
        created_at=document.created_at,
        file_name=document.file_name,
        media_type=document.media_type,
        size=document.size,
        sha256=document.sha256,
        job_id=job.id if job else None,
        verified=session.get(Verification, document.id) is not None,
        error=error,
    )


@router.get(
    "/{document_id}/suggestion",
    response_model=Suggestion,
    summary="The suggestion for a document",
    responses={
        202: {"model": JobOut, "description": "Still processing: the job."},
        **problem_responses(401, 404, 422, 429),
    },
)
def get_suggestion(
    document_id: str, request: Request, who: Caller = Depends(caller), session: Session = Depends(db_session)
) -> Any:
    from service.db import StoredSuggestion

    document = intake.tenant_document(session, who, document_id)
    stored = session.get(StoredSuggestion, document.id)
    if stored is not None:
        return Response(stored.body, media_type=JSON_TYPE)
    if document.status == "failed":
        return problem_response(
            document.error_status or 422,
            document.error_code or "failed",
            document.error_detail,
            request.url.path,
        )
    job = intake.document_job(session, document)
    if job is None:
        raise ApiError(404, "not_found", "no suggestion for this document")
    return JSONResponse(job_view(job), status_code=202)


@router.post(
    "/{document_id}/verification",
    response_model=VerificationOut,
    status_code=201,
    summary="Send back the card as the clerk verified it",
    responses=problem_responses(401, 404, 422, 429),
)
def post_verification(
    document_id: str,
    body: VerificationIn,
    request: Request,
    who: Caller = Depends(caller),
    session: Session = Depends(db_session),
) -> Any:
    document = intake.tenant_document(session, who, document_id)
    row = feedback.store_verification(session, document, body)
    request.app.state.metrics.verifications.inc()
    indexed = feedback.index_verified(
        session, request.app.state.resources.index(who.tenant_name), document, row
    )
    return VerificationOut(
        **body.model_dump(), document_id=document.id, verified_at=row.verified_at, indexed=indexed
    )
