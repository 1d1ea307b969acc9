"""/v1/jobs: the state of a document processed in the worker pool."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from service.db import Job, StoredDocument, StoredSuggestion
from service.deps import caller, db_session
from service.jobs import job_view
from service.problems import ApiError, problem_responses
from service.schemas import JobOut
from service.tenants import Caller

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])


@router.get("/{job_id}", response_model=JobOut, responses=problem_responses(401, 404, 429))
def get_job(job_id: str, who: Caller = Depends(caller), session: Session = Depends(db_session)) -> Any:
    job = session.get(Job, job_id)
    if job is None or job.tenant_id != who.tenant_id:
        raise ApiError(404, "not_found", "no such job")
    stored = session.get(StoredSuggestion, job.document_id) if job.status == "done" else None
    return job_view(job, session.get(StoredDocument, job.document_id), stored.body if stored else None)
