"""/v1/quality and /v1/models: how well docket does on this tenant's letters, and which models serve it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from pipeline.contract import SCHEMA_VERSION
from service.deps import caller, db_session
from service.feedback import quality
from service.problems import ApiError, problem_responses
from service.schemas import ModelsOut, QualityOut
from service.tenants import Caller

router = APIRouter(prefix="/v1", tags=["quality"])


@router.get(
    "/quality",
    response_model=QualityOut,
    summary="Live accuracy from verified cards",
    description="Per card field, executor top-1/top-3 and resolution template, over verifications in [since, until].",
    responses=problem_responses(401, 422, 429),
)
def get_quality(
    since: dt.date | None = Query(None, examples=["2026-11-01"]),
    until: dt.date | None = Query(None, examples=["2026-11-30"]),
    who: Caller = Depends(caller),
    session: Session = Depends(db_session),
) -> Any:
    if since and until and since > until:
        raise ApiError(422, "invalid_request", "since is after until")
    return quality(session, who.tenant_id, since, until)


@router.get(
    "/models",
    response_model=ModelsOut,
    summary="The model version serving this tenant",
    responses=problem_responses(401, 429, 503),
)
def get_models(request: Request, who: Caller = Depends(caller)) -> Any:
    manager = request.app.state.resources
    info = manager.info(who.tenant_name)
    request.app.state.metrics.model_reloads.set(manager.reloads)
    return ModelsOut(
        tenant=who.tenant_name,
        model_version=info["model_version"],
        tenant_specific=info["tenant_specific"],
        loaded_at=dt.datetime.fromtimestamp(info["loaded_at"], dt.UTC),
        reloads=info["reloads"],
        schema_version=SCHEMA_VERSION,
    )
