"""The suggestion contract: the JSON that `docket process --json` prints and the API returns.

Bump SCHEMA_VERSION on any change a consumer could notice (a renamed or removed key, a changed type);
adding an optional key is a minor bump.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.1"

Source = Literal["rule", "model", "directory", "history", "metadata"]
DocKind = Literal[
    "letter",
    "citizen_appeal",
    "collective_appeal",
    "request",
    "deputy_request",
    "prosecutor_act",
    "instruction",
    "invitation",
    "notification",
    "other",
]
Channel = Literal["post", "email", "web_form", "medo", "courier", "fax", "in_person", "platform", "unknown"]
AppealKind = Literal["заявление", "предложение", "жалоба"]
DuplicateKind = Literal["exact", "near", "repeat_appeal"]

DOC_KINDS: tuple[str, ...] = DocKind.__args__  # type: ignore[attr-defined]
CHANNELS: tuple[str, ...] = Channel.__args__  # type: ignore[attr-defined]

T = TypeVar("T")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    """Where on the page a value came from: character offsets into that page's text."""

    text: str
    page: int = Field(1, ge=1)
    start: int = Field(0, ge=0)
    end: int = Field(0, ge=0)


class CardField(_Model, Generic[T]):
    value: T
    confidence: float = Field(ge=0.0, le=1.0)
    source: Source
    evidence: Evidence | None = None
    needs_review: bool = Field(
        False, description="True when confidence is below the configured threshold: the clerk must check it."
    )


class Correspondent(_Model):
    id: str | None = None
    name: str


class Reference(_Model):
    number: str | None = None
    date: dt.date | None = None


class Signatory(_Model):
    name: str | None = None
    position: str | None = None


class Contact(_Model):
    name: str | None = None
    phone: str | None = None
    email: str | None = None


class Applicant(_Model):
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None


class Topic(_Model):
    code: str
    name: str | None = None


class Card(_Model):
    """The registration-control card (РКК). A field is null when it was not found: never invented."""

    doc_kind: CardField[DocKind] | None = None
    appeal_kind: CardField[AppealKind] | None = None
    correspondent: CardField[Correspondent] | None = None
    outgoing_number: CardField[str] | None = None
    outgoing_date: CardField[dt.date] | None = None
    reply_to: CardField[Reference] | None = None
    addressee: CardField[str] | None = None
    signatory: CardField[Signatory] | None = None
    sender_contact: CardField[Contact] | None = None
    summary: CardField[str] | None = None
    applicant: CardField[Applicant] | None = None
    forwarded_by: CardField[Correspondent] | None = None
    channel: CardField[Channel] | None = None
    topic: CardField[Topic] | None = None
    page_count: CardField[int] | None = None
    attachment_sheets: CardField[int] | None = None


CARD_FIELDS: tuple[str, ...] = tuple(Card.model_fields)


class Block(_Model):
    """A reading-order block of a page (a paragraph, a header column)."""

    text: str
    bbox: tuple[float, float, float, float] | None = Field(None, description="x0, y0, x1, y1 in page points")


class Word(_Model):
    text: str
    bbox: tuple[float, float, float, float]
    confidence: float | None = None


class Page(_Model):
    number: int = Field(ge=1)
    text: str
    ocr: bool = False
    ocr_confidence: float | None = None
    width: float | None = None
    height: float | None = None
    blocks: list[Block] = Field(default_factory=list)
    words: list[Word] | None = Field(None, description="Present only when word output was requested.")


class DocumentInfo(_Model):
    id: str = Field(description="sha256 of the file bytes (or of the text for text input).")
    file_name: str | None = None
    media_type: str
    page_count: int = Field(ge=0)
    ocr_used: bool = False
    text_length: int = Field(ge=0)
    metadata: dict[str, Any] = Field(default_factory=dict, description="e.g. e-mail headers, channel hint")
    warnings: list[str] = Field(default_factory=list)
    pages: list[Page] = Field(default_factory=list)


class DuplicateHit(_Model):
    document_id: str
    kind: DuplicateKind
    score: float = Field(ge=0.0, le=1.0)
    reason: str


class ExecutorSuggestion(_Model):
    id: str
    name: str
    unit: str | None = None
    score: float = Field(ge=0.0, le=1.0)
    reasons: list[str] = Field(default_factory=list)
    coexecutor: bool = False


class Resolution(_Model):
    text: str
    author: str | None = None
    confidence: float = Field(ge=0.0, le=1.0)


class Deadline(_Model):
    date: dt.date
    rule: str


class Suggestion(_Model):
    schema_version: str = SCHEMA_VERSION
    document: DocumentInfo
    card: Card = Field(default_factory=Card)
    duplicates: list[DuplicateHit] = Field(default_factory=list)
    executors: list[ExecutorSuggestion] = Field(default_factory=list)
    resolution: Resolution | None = None
    deadline: Deadline | None = None
    timings_ms: dict[str, float] = Field(default_factory=dict)
    model_version: str | None = None
