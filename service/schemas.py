"""Request and response bodies of the API (the suggestion itself is pipeline.contract.Suggestion)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pipeline.contract import CARD_FIELDS, Channel, Suggestion

JobStatus = Literal["queued", "running", "done", "failed"]
DocumentStatus = Literal["received", "queued", "done", "failed"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


def check_callback_url(value: str | None) -> str | None:
    if value is None:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("callback_url must be an absolute http(s) URL")
    return value


class DocumentText(_Body):
    """A document given as text (an e-mail body, a web-form appeal) with its metadata."""

    text: str = Field(
        min_length=1, description="The document text.", examples=["Прошу отремонтировать дорогу…"]
    )
    file_name: str | None = Field(None, max_length=255, examples=["appeal.txt"])
    channel: Channel | None = Field(None, description="How the document arrived.", examples=["web_form"])
    metadata: dict[str, Any] = Field(
        default_factory=dict,
        description="Anything the EDMS knows: e-mail headers (from, subject, date), form fields.",
        examples=[{"subject": "Обращение", "from": "citizen@example.ru"}],
    )
    registered: dt.date | None = Field(
        None, description="Registration date, for deadlines.", examples=["2026-11-23"]
    )
    callback_url: str | None = Field(
        None, max_length=2000, description="Where to POST the result when the document is processed as a job."
    )

    _callback = field_validator("callback_url")(check_callback_url)


class JobError(BaseModel):
    status: int | None = None
    code: str | None = None
    detail: str | None = None


class JobOut(BaseModel):
    id: str
    document_id: str
    status: JobStatus
    attempts: int
    created_at: dt.datetime
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    error: JobError | None = None
    suggestion: Suggestion | None = Field(None, description="Present when the job is done.")
    callback_status: Literal["pending", "sending", "delivered", "failed"] | None = None


class DocumentOut(BaseModel):
    id: str
    status: DocumentStatus
    created_at: dt.datetime
    file_name: str | None = None
    media_type: str | None = None
    size: int
    sha256: str
    job_id: str | None = None
    verified: bool = False
    error: JobError | None = None


class VerifiedExecutor(_Body):
    id: str = Field(min_length=1, max_length=200, examples=["emp-0042"])
    name: str | None = Field(None, max_length=300, examples=["Иванова А.С."])
    coexecutor: bool = False


class VerifiedResolution(_Body):
    text: str = Field(max_length=10_000, examples=["Ивановой А.С. Прошу рассмотреть и подготовить ответ."])
    author: str | None = Field(None, max_length=300)


class VerificationIn(_Body):
    """The card, executors and resolution as the clerk saved them in the EDMS.

    Card values are plain (`"outgoing_number": "01-12/345"`, `"correspondent": {"id": …, "name": …}`);
    the `{"value": …}` objects of a suggestion are accepted too. Send every field the EDMS card has: null
    means the clerk left it empty; a field left out is not part of this EDMS's card and is not scored.
    """

    card: dict[str, Any] = Field(
        default_factory=dict,
        examples=[{"doc_kind": "letter", "outgoing_number": "01-12/3456", "outgoing_date": "2026-11-20"}],
    )
    executors: list[VerifiedExecutor] = Field(
        default_factory=list, max_length=50, description="The responsible executor first."
    )
    resolution: VerifiedResolution | None = None
    registration_number: str | None = Field(None, max_length=100, examples=["1234-вх"])
    registered: dt.date | None = Field(None, examples=["2026-11-23"])

    @field_validator("card")
    @classmethod
    def _known_fields(cls, card: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(card) - set(CARD_FIELDS))
        if unknown:
            raise ValueError(f"unknown card fields: {', '.join(unknown)[:200]}")
        return card


class VerificationOut(VerificationIn):
    document_id: str
    verified_at: dt.datetime
    indexed: bool = Field(description="Whether the document entered the tenant's duplicate index.")


class CardQuality(BaseModel):
    overall: float | None
    per_field: dict[str, float]
    n_scored: dict[str, int]


class ExecutorQuality(BaseModel):
    top1: float | None
    top3: float | None
    n: int


class ResolutionQuality(BaseModel):
    template_accuracy: float | None = Field(
        description="Share of drafts whose template matches the saved one."
    )
    n: int


class QualityOut(BaseModel):
    since: dt.date | None
    until: dt.date | None
    verifications: int = Field(description="Verified documents in the period that had a suggestion.")
    card: CardQuality
    executors: ExecutorQuality
    resolution: ResolutionQuality


class ModelsOut(BaseModel):
    tenant: str
    model_version: str | None = Field(description="The model bundle serving this tenant; null when none.")
    tenant_specific: bool
    loaded_at: dt.datetime
    reloads: int
    schema_version: str
