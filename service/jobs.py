"""Jobs: documents that need OCR or other heavy work run in a pool of worker processes.

The database is the queue. A dispatcher thread moves `queued` jobs into the pool (never more than there
are workers), stores each result, and delivers callbacks with retries. On start, jobs left `running` by
a stopped or killed service go back to `queued`, so nothing accepted is lost.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import queue
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import sessionmaker

from docket.settings import Settings
from service.callbacks import CallbackPolicy
from service.db import Job, StoredDocument, StoredSuggestion, Tenant, utcnow
from service.metrics import Metrics

log = logging.getLogger("docket.service")

MAX_ATTEMPTS = 3
CALLBACK_MAX_ATTEMPTS = 6
TIME_LIMIT_DETAIL = "processing took longer than"
# A running job's claim is renewed every HEARTBEAT_S while its process lives; a claim not renewed for
# LEASE_S belongs to a stopped or killed process, and any service process sharing the queue requeues it.
HEARTBEAT_S = 5.0
LEASE_S = 30.0


def iso(moment: dt.datetime | None) -> str | None:
    return moment.replace(tzinfo=dt.UTC).isoformat() if moment else None


def job_view(
    job: Job, document: StoredDocument | None = None, suggestion: str | None = None
) -> dict[str, Any]:
    error = None
    if document is not None and job.status == "failed":
        error = {
            "status": document.error_status,
            "code": document.error_code,
            "detail": document.error_detail,
        }
    return {
        "id": job.id,
        "document_id": job.document_id,
        "status": job.status,
        "attempts": job.attempts,
        "created_at": iso(job.created_at or utcnow()),
        "started_at": iso(job.started_at),
        "finished_at": iso(job.finished_at),
        "error": error,
        "suggestion": json.loads(suggestion) if suggestion else None,
        "callback_status": job.callback_status,
    }


class JobRunner:
    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker,
        metrics: Metrics,
        callback_policy: CallbackPolicy | None = None,
    ):
        self.settings = settings
        self.callback_policy = callback_policy or CallbackPolicy()
        self.sessions = sessions
        self.metrics = metrics
        self.callback_backoff_s = 1.0
        self.poll_s = 0.5
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._done: queue.Queue = queue.Queue()
        self._inflight: dict[str, Future] = {}
        self._started: dict[str, float] = {}
        # A job still running this long after dispatch is stuck (ingestion keeps its own time budget; the
        # margin covers a worker's start-up and model loading): its worker is killed and the job fails.
        self.job_timeout_s = settings.time_budget_s + 60.0
        self._pool: ProcessPoolExecutor | None = None
        self._senders = ThreadPoolExecutor(max_workers=2, thread_name_prefix="docket-callback")
        self._thread: threading.Thread | None = None
        self.resources = None  # the app's ResourceManager: verified-before-processed documents get indexed
        self.instance = f"run_{os.getpid()}_{os.urandom(6).hex()}"
        self._last_beat = self._last_sweep = 0.0

    # --- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> None:
        self.recover()
        self._thread = threading.Thread(target=self._loop, name="docket-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._senders.shutdown(wait=False, cancel_futures=True)

    def wake(self) -> None:
        self._wake.set()

    def recover(self) -> None:
        """Jobs whose claim lapsed (their service process stopped or was killed) go back to the queue, or
        fail after MAX_ATTEMPTS; so do callbacks left half-sent. Runs at start and then periodically, so
        another process sharing the queue picks up a dead one's jobs too."""
        stale = utcnow() - dt.timedelta(seconds=LEASE_S)
        with self.sessions() as session:
            lapsed = session.scalars(
                select(Job)
                .where(
                    Job.status == "running",
                    (Job.heartbeat_at.is_(None)) | (Job.heartbeat_at < stale),
                )
                .with_for_update(skip_locked=True)
            )
            for job in lapsed:
                if job.attempts >= MAX_ATTEMPTS:
                    self._fail(
                        session, job, 500, "worker_crashed", "processing stopped repeatedly; giving up"
                    )
                else:
                    job.status, job.claimed_by = "queued", None
            session.execute(
                update(Job)
                .where(Job.callback_status == "sending", Job.callback_next_at < stale)
                .values(callback_status="pending", callback_next_at=utcnow())
            )
            session.commit()
        self._last_sweep = time.monotonic()

    def _heartbeat(self) -> None:
        """Renew the claims of the jobs this process runs; requeue lapsed ones now and then."""
        now = time.monotonic()
        if self._inflight and now - self._last_beat >= HEARTBEAT_S:
            with self.sessions() as session:
                session.execute(
                    update(Job)
                    .where(Job.id.in_(list(self._inflight)), Job.claimed_by == self.instance)
                    .values(heartbeat_at=utcnow())
                )
                session.commit()
            self._last_beat = now
        if now - self._last_sweep >= LEASE_S / 3:
            self.recover()

    def _new_pool(self) -> ProcessPoolExecutor:
        import multiprocessing

        from service.processing import worker_init

        return ProcessPoolExecutor(
            max_workers=max(1, self.settings.workers),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=worker_init,
        )

    # --- the loop ------------------------------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._collect()
                self._heartbeat()
                self._watchdog()
                self._dispatch()
                self._deliver_due_callbacks()
            except Exception as exc:  # noqa: BLE001 - the loop must survive a database hiccup
                log.error("job loop error: %s", type(exc).__name__)
            self._wake.wait(self.poll_s)
            self._wake.clear()

    def _claim(self, free: int) -> list[tuple[str, str, dict[str, Any]]]:
        """Mark up to `free` queued jobs running, in one transaction, and return what the workers need.

        On PostgreSQL the rows are locked with SKIP LOCKED, so several service processes sharing the
        queue never claim the same job; SQLite serialises writers, and the conditional UPDATE below
        refuses a job another process claimed first.
        """
        claimed = []
        with self.sessions() as session:
            jobs = session.scalars(
                select(Job)
                .where(Job.status == "queued")
                .order_by(Job.created_at)
                .limit(free)
                .with_for_update(skip_locked=True)
            ).all()
            for job in jobs:
                if job.attempts >= MAX_ATTEMPTS:
                    self._fail(
                        session, job, 500, "worker_crashed", "processing stopped repeatedly; giving up"
                    )
                    continue
                won = session.execute(
                    update(Job)
                    .where(Job.id == job.id, Job.status == "queued")
                    .values(
                        status="running",
                        started_at=utcnow(),
                        attempts=Job.attempts + 1,
                        claimed_by=self.instance,
                        heartbeat_at=utcnow(),
                    )
                    .execution_options(synchronize_session=False)
                ).rowcount
                if not won:
                    continue
                document = session.get(StoredDocument, job.document_id)
                tenant = session.get(Tenant, job.tenant_id)
                payload = {
                    "kind": document.kind,
                    "storage_path": document.storage_path,
                    "file_name": document.file_name,
                    "meta": document.request_meta or {},
                }
                claimed.append((job.id, tenant.name, payload))
            session.commit()
            queued = session.scalar(select(func.count()).select_from(Job).where(Job.status == "queued"))
        self.metrics.jobs_queued.set(queued or 0)
        return claimed

    def _unclaim(self, job_ids: list[str]) -> None:
        with self.sessions() as session:
            session.execute(
                update(Job)
                .where(Job.id.in_(job_ids), Job.status == "running")
                .values(status="queued", attempts=Job.attempts - 1, claimed_by=None)
            )
            session.commit()

    def _dispatch(self) -> None:
        free = max(1, self.settings.workers) - len(self._inflight)
        if free <= 0:
            return
        claimed = self._claim(free)
        for index, (job_id, tenant, payload) in enumerate(claimed):
            if self._pool is None:
                self._pool = self._new_pool()
            try:
                future = self._pool.submit(_call_worker, self.settings.model_dump(), tenant, payload)
            except Exception:  # a broken pool refuses new work: start a fresh one next round
                self._drop_pool()
                self._unclaim([job for job, _, _ in claimed[index:]])
                break
            self._inflight[job_id] = future
            self._started[job_id] = time.monotonic()
            future.add_done_callback(lambda f, job_id=job_id: self._finished(job_id, f))
        self.metrics.jobs_running.set(len(self._inflight))

    def _drop_pool(self) -> None:
        """Forget a broken or stopped pool (a fresh one starts with the next job)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            with contextlib.suppress(Exception):
                pool.shutdown(wait=False, cancel_futures=True)

    def _watchdog(self) -> None:
        now = time.monotonic()
        stuck = [job_id for job_id, started in self._started.items() if now - started > self.job_timeout_s]
        if not stuck or self._pool is None:
            return
        with self.sessions() as session:
            for job_id in stuck:
                job = session.get(Job, job_id)
                if job is not None and job.status == "running":
                    detail = f"{TIME_LIMIT_DETAIL} {self.job_timeout_s:g} s; stopped"
                    self._fail(session, job, 413, "limit_exceeded", detail)
                    self.metrics.jobs.labels("timeout").inc()
            session.commit()
        log.error("stopping the worker pool: %d job(s) over the time limit", len(stuck))
        for pid in list(getattr(self._pool, "_processes", {}) or {}):  # the pool's own workers only
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        self._drop_pool()
        for job_id in stuck:
            self._started.pop(job_id, None)

    def _finished(self, job_id: str, future: Future) -> None:
        self._done.put((job_id, future))
        self._wake.set()

    def _collect(self) -> None:
        while True:
            try:
                job_id, future = self._done.get_nowait()
            except queue.Empty:
                break
            self._inflight.pop(job_id, None)
            self._started.pop(job_id, None)
            try:
                result = future.result()
            except Exception as exc:  # the worker process died (killed, out of memory)
                log.error("worker lost while running a job: %s", type(exc).__name__)
                self._drop_pool()
                result = None
            self._store(job_id, result)
        self.metrics.jobs_running.set(len(self._inflight))

    def _store(self, job_id: str, result: dict[str, Any] | None) -> None:
        with self.sessions() as session:
            job = session.get(Job, job_id)
            if job is None or job.status != "running" or job.claimed_by != self.instance:
                return  # finished elsewhere, or our claim lapsed and another process took the job
            if result is None:
                if job.attempts >= MAX_ATTEMPTS:
                    self._fail(
                        session, job, 500, "worker_crashed", "the worker stopped repeatedly; giving up"
                    )
                    self.metrics.jobs.labels("crashed").inc()
                else:
                    job.status, job.claimed_by = "queued", None
                session.commit()
                return
            document = session.get(StoredDocument, job.document_id)
            if result["ok"]:
                session.merge(
                    StoredSuggestion(
                        document_id=job.document_id,
                        tenant_id=job.tenant_id,
                        model_version=result.get("model_version"),
                        body=result["suggestion"],
                    )
                )
                document.status = "done"
                session.commit()  # the suggestion first, so an early verification can be indexed with its text
                self._index_early_verification(session, job, document)
                job.status = "done"
                self.metrics.jobs.labels("done").inc()
            else:
                self._fail(session, job, result["status"], result["code"], result["detail"])
                self.metrics.jobs.labels("failed").inc()
            job.finished_at = utcnow()
            if job.callback_url:
                job.callback_status, job.callback_next_at = "pending", utcnow()
            session.commit()

    def _index_early_verification(self, session, job: Job, document: StoredDocument) -> None:
        """A clerk may verify a scan before its job ends; its text is known only now."""
        from service.db import Verification
        from service.feedback import index_verified

        row = session.get(Verification, job.document_id)
        if row is None or row.indexed or self.resources is None:
            return
        tenant = session.get(Tenant, job.tenant_id)
        index_verified(session, self.resources.index(tenant.name), document, row)

    @staticmethod
    def _fail(session, job: Job, status: int, code: str, detail: str) -> None:
        document = session.get(StoredDocument, job.document_id)
        job.status, job.finished_at = "failed", utcnow()
        if document is not None:
            document.status = "failed"
            document.error_status, document.error_code, document.error_detail = status, code, detail
        if job.callback_url:
            job.callback_status, job.callback_next_at = "pending", utcnow()

    # --- callbacks -----------------------------------------------------------------------------------

    def _deliver_due_callbacks(self) -> None:
        sends = []
        with self.sessions() as session:
            due = session.scalars(
                select(Job)
                .where(Job.callback_status == "pending", Job.callback_next_at <= utcnow())
                .limit(20)
                .with_for_update(skip_locked=True)
            ).all()
            for job in due:
                document = session.get(StoredDocument, job.document_id)
                tenant = session.get(Tenant, job.tenant_id)
                stored = session.get(StoredSuggestion, job.document_id)
                body = json.dumps(
                    {
                        "event": "job.finished",
                        "job": job_view(job, document, stored.body if stored else None),
                    },
                    default=str,
                    ensure_ascii=False,
                ).encode("utf-8")
                job.callback_status, job.callback_next_at = "sending", utcnow()
                sends.append((job.id, job.callback_url, tenant.callback_secret, body))
            session.commit()  # every claimed callback is marked sending before any is sent
        for send in sends:
            self._senders.submit(self._send, *send)

    def _send(self, job_id: str, url: str, secret: str, body: bytes) -> None:
        from service.callbacks import deliver

        try:
            outcome = deliver(self.callback_policy, url, secret, body)
        except Exception as exc:  # noqa: BLE001 - a sender thread must always record the attempt
            log.error("callback delivery error: %s", type(exc).__name__)
            outcome = "retry"
        with self.sessions() as session:
            job = session.get(Job, job_id)
            job.callback_attempts += 1
            if outcome == "delivered":
                job.callback_status, job.callback_next_at = "delivered", None
                self.metrics.callbacks.labels("delivered").inc()
            elif outcome == "refused":
                # the address is not allowed (anymore): retrying cannot help
                job.callback_status, job.callback_next_at = "failed", None
                self.metrics.callbacks.labels("refused").inc()
                log.warning("callback refused: the host resolves to a non-allowed address")
            elif job.callback_attempts >= CALLBACK_MAX_ATTEMPTS:
                job.callback_status, job.callback_next_at = "failed", None
                self.metrics.callbacks.labels("failed").inc()
            else:
                delay = self.callback_backoff_s * 2 ** (job.callback_attempts - 1)
                job.callback_status = "pending"
                job.callback_next_at = utcnow() + dt.timedelta(seconds=delay)
                self.metrics.callbacks.labels("retry").inc()
            session.commit()
        self._wake.set()


def _call_worker(settings_data: dict[str, Any], tenant: str, payload: dict[str, Any]) -> dict[str, Any]:
    from service.processing import worker_run

    return worker_run(settings_data, tenant, payload)
