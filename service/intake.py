"""Accepting a document: idempotency, durable storage, and either a synchronous suggestion or a job."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docket.errors import DocketError
from service.db import IdempotencyRecord, Job, StoredDocument, StoredSuggestion, Tenant, utcnow
from service.problems import ApiError
from service.tenants import Caller

log = logging.getLogger("docket.service")

ABANDONED_AFTER = dt.timedelta(minutes=15)


@dataclass
class Incoming:
    kind: str  # "text" or "file"
    data: bytes
    file_name: str | None
    media_type: str | None
    meta: dict[str, Any]
    callback_url: str | None = None
    prefer_async: bool = False

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        digest.update(hashlib.sha256(self.data).digest())
        described = [self.kind, self.file_name, self.meta, self.callback_url, self.prefer_async]
        digest.update(json.dumps(described, sort_keys=True, default=str).encode())
        return digest.hexdigest()


@dataclass
class Answer:
    status: int
    body: Any
    document_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    problem: bool = False
    raw: str | None = None  # the body already as JSON text (a stored suggestion): sent as it is

    def json_text(self) -> str:
        return self.raw if self.raw is not None else json.dumps(self.body, default=str, ensure_ascii=False)


def column_text(value: str | None, limit: int) -> str | None:
    """A client's string as a column takes it: no NUL (PostgreSQL text refuses it), at most `limit` chars."""
    return value.replace("\x00", "")[:limit] if value is not None else None


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def _write_durably(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    with open(partial, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _replay(record: IdempotencyRecord) -> Answer:
    answer = Answer(record.status_code, json.loads(record.response_body or "null"), record.document_id)
    answer.raw = record.response_body
    answer.problem = record.status_code >= 400
    answer.headers["Idempotent-Replayed"] = "true"
    if answer.document_id:
        answer.headers["Docket-Document-Id"] = answer.document_id
        answer.headers["Location"] = (
            f"/v1/jobs/{answer.body['id']}" if answer.status == 202 else f"/v1/documents/{answer.document_id}"
        )
    return answer


def _lookup(
    session: Session, caller: Caller, key: str, request_hash: str
) -> Answer | IdempotencyRecord | None:
    """The stored answer to replay; None for a new key; or a record without an answer to take over."""
    record = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.tenant_id == caller.tenant_id, IdempotencyRecord.key == key
        )
    )
    if record is None:
        return None
    # a record without an answer is a reservation (older versions made one before processing)
    if record.status_code is None and record.created_at < utcnow() - ABANDONED_AFTER:
        return record  # the service stopped while answering: nothing was answered, the key is free
    if record.request_hash != request_hash:
        raise ApiError(422, "idempotency_key_reused", "this Idempotency-Key was used for a different request")
    if record.status_code is None:
        raise ApiError(409, "idempotency_in_progress", "a request with this Idempotency-Key is in progress")
    return _replay(record)


@lru_cache(maxsize=1)
def _writer() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=4, thread_name_prefix="docket-fsync")


def _commit(session: Session, path: Path) -> None:
    """Commit the document's row; if that fails (a concurrent request with the same Idempotency-Key
    won), its file goes too, so no file is left without a row."""
    try:
        session.commit()
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def check_callback(app_state: Any, url: str | None) -> None:
    """Refuse a callback URL the service may not call (before anything is stored or the key is claimed)."""
    from service.callbacks import CallbackRefused

    if not url:
        return
    try:
        app_state.callback_policy.addresses(url)
    except CallbackRefused as exc:
        raise ApiError(422, "callback_url_refused", str(exc)) from None


def accept(
    app_state: Any, session: Session, caller: Caller, incoming: Incoming, idempotency_key: str | None
) -> Answer:
    """Store and answer a document. With an Idempotency-Key the answer is committed in the same
    transaction as the document (one commit and fsync); a concurrent request with the same key that
    committed first wins (the key is unique per tenant), and this one replays its answer."""
    check_callback(app_state, incoming.callback_url)
    request_hash = incoming.fingerprint() if idempotency_key else ""
    taken_over = None
    if idempotency_key:
        found = _lookup(session, caller, idempotency_key, request_hash)
        if isinstance(found, Answer):
            return found
        taken_over = found

    def stage(answer: Answer) -> Answer:
        if idempotency_key:
            record = taken_over
            if record is None:
                record = IdempotencyRecord(tenant_id=caller.tenant_id, key=idempotency_key)
                session.add(record)
            record.request_hash, record.created_at = request_hash, utcnow()
            record.status_code, record.response_body = answer.status, answer.json_text()
            record.document_id = answer.document_id
        return answer

    try:
        try:
            return _accept(app_state, session, caller, incoming, stage)
        except DocketError as exc:  # refused before anything was stored
            answer = stage(Answer(exc.http_status, {"code": exc.code, "detail": exc.message}, problem=True))
            session.commit()
            return answer
    except IntegrityError:
        session.rollback()
        if not idempotency_key:
            raise
        found = _lookup(session, caller, idempotency_key, request_hash)
        if not isinstance(found, Answer):
            raise
        return found


def _accept(
    app_state: Any, session: Session, caller: Caller, incoming: Incoming, stage: Callable[[Answer], Answer]
) -> Answer:
    from service.processing import plan, process_stored

    settings = app_state.settings
    mode = (
        "sync"
        if incoming.kind == "text"
        else plan(incoming.data, incoming.file_name, incoming.media_type, settings)
    )
    if incoming.prefer_async:
        mode = "async"
    document_id = new_id("doc")
    path = settings.home / "documents" / str(caller.tenant_id) / document_id
    # The bytes are written and fsynced on another thread while the pipeline runs, and waited for before
    # the commit: on disk before the row that points at them and before the answer, at no extra latency.
    writing = _writer().submit(_write_durably, path, incoming.data)
    document = StoredDocument(
        id=document_id,
        tenant_id=caller.tenant_id,
        kind=incoming.kind,
        file_name=column_text(incoming.file_name, 500),
        media_type=column_text(incoming.media_type, 200),
        sha256=hashlib.sha256(incoming.data).hexdigest(),
        size=len(incoming.data),
        storage_path=str(path.resolve()),
        request_meta=incoming.meta,
        status="received",
    )
    headers = {"Location": f"/v1/documents/{document_id}", "Docket-Document-Id": document_id}
    app_state.metrics.documents.labels(mode).inc()
    if mode == "async":
        writing.result()  # a worker reads the file as soon as the job is committed
        session.add(document)
        session.flush()
        callback_url = incoming.callback_url or session.get(Tenant, caller.tenant_id).callback_url
        job = Job(
            id=new_id("job"), tenant_id=caller.tenant_id, document_id=document_id, callback_url=callback_url
        )
        document.status = "queued"
        session.add(job)
        session.flush()
        from service.jobs import job_view

        headers["Location"] = f"/v1/jobs/{job.id}"
        answer = stage(Answer(202, job_view(job), document_id, headers))
        _commit(session, path)
        app_state.jobs.wake()
        return answer
    # Synchronous: the document and its outcome are committed together after processing (one fsync, and
    # no write lock held while the pipeline runs).
    session.add(document)
    started = time.perf_counter()
    try:
        suggestion = process_stored(
            settings,
            app_state.resources.get(caller.tenant_name),
            kind=incoming.kind,
            data=incoming.data,
            file_name=incoming.file_name,
            meta=incoming.meta,
        )
    except DocketError as exc:
        document.status = "failed"
        document.error_status, document.error_code = exc.http_status, exc.code
        document.error_detail = column_text(exc.message, 2000)
        body = {"code": exc.code, "detail": exc.message}
        answer = stage(Answer(exc.http_status, body, document_id, headers, problem=True))
        writing.result()
        _commit(session, path)
        return answer
    except Exception:
        document.status, document.error_status, document.error_code = "failed", 500, "internal_error"
        document.error_detail = "processing failed unexpectedly"
        writing.result()
        session.commit()
        raise
    processed = time.perf_counter()
    body = suggestion.model_dump_json()
    session.add(
        StoredSuggestion(
            document_id=document_id,
            tenant_id=caller.tenant_id,
            model_version=suggestion.model_version,
            body=body,
        )
    )
    document.status = "done"
    answer = stage(Answer(200, None, document_id, headers, raw=body))
    writing.result()
    _commit(session, path)
    # Server-Timing: the pipeline's share and the store's (serialising, waiting for the file's fsync if
    # the pipeline was quicker, the commit and its fsync), to split a request between API and pipeline.
    pipeline_ms = (processed - started) * 1000
    store_ms = (time.perf_counter() - processed) * 1000
    headers["Server-Timing"] = f"pipeline;dur={pipeline_ms:.1f}, store;dur={store_ms:.1f}"
    return answer


def tenant_document(session: Session, caller: Caller, document_id: str) -> StoredDocument:
    document = session.get(StoredDocument, document_id)
    if document is None or document.tenant_id != caller.tenant_id:
        raise ApiError(404, "not_found", "no such document")
    return document


def document_job(session: Session, document: StoredDocument) -> Job | None:
    return session.scalar(
        select(Job).where(Job.document_id == document.id).order_by(Job.created_at.desc()).limit(1)
    )
