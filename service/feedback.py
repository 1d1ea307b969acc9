"""Verified cards from the clerk: stored durably, added to the tenant's duplicate index, and scored
against docket's suggestion for the live quality figures (the same definitions as `docket evaluate`)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.metrics import card_accuracy, executor_hits, resolution_template
from service.db import StoredDocument, StoredSuggestion, Verification, utcnow
from service.schemas import VerificationIn

log = logging.getLogger("docket.service")


def store_verification(
    session: Session, document: StoredDocument, verification: VerificationIn
) -> Verification:
    """Insert or replace the document's verification in one statement (INSERT … ON CONFLICT), so an EDMS
    retrying or a clerk saving twice at once never collides on the key."""
    values = {
        "document_id": document.id,
        "tenant_id": document.tenant_id,
        "body": verification.model_dump(mode="json"),
        "verified_at": utcnow(),
        "indexed": 0,
    }
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(Verification).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[Verification.document_id],
        set_={name: statement.excluded[name] for name in ("body", "verified_at", "indexed")},
    )
    session.execute(statement)
    session.commit()
    return session.scalars(
        select(Verification)
        .where(Verification.document_id == document.id)
        .execution_options(populate_existing=True)
    ).one()


def document_text(session: Session, document: StoredDocument) -> str | None:
    """The text docket read from the document (its suggestion), or the submitted text."""
    stored = session.get(StoredSuggestion, document.id)
    if stored is not None:
        pages = json.loads(stored.body)["document"].get("pages") or []
        text = "\n\n".join(page.get("text", "") for page in pages)
        if text.strip():
            return text
    if document.kind == "text" and document.storage_path:
        try:
            with open(document.storage_path, "rb") as handle:
                return handle.read().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
    return None


def index_verified(session: Session, index: Any, document: StoredDocument, row: Verification) -> bool:
    """Add the verified document to the tenant's duplicate index; False when there is no index or text."""
    if index is None:
        return False
    from pipeline.duplicates import record_from_card

    text = document_text(session, document)
    if text is None:
        return False
    card = {
        name: {"value": _plain(value)}
        for name, value in row.body.get("card", {}).items()
        if value is not None
    }
    registered = row.body.get("registered") or document.created_at.date()
    record = record_from_card(document.id, text, card, reg_date=registered, file_sha256=document.sha256)
    try:
        index.add(record)
    except Exception as exc:  # noqa: BLE001 - the verification is stored; indexing can be redone
        log.error("duplicate index add failed: %s", type(exc).__name__)
        return False
    row.indexed = 1
    session.commit()
    return True


def _plain(value: Any) -> Any:
    if isinstance(value, dict) and "value" in value and "confidence" in value:
        return value["value"]
    return value


def quality(session: Session, tenant_id: int, since: dt.date | None, until: dt.date | None) -> dict[str, Any]:
    query = (
        select(Verification, StoredSuggestion)
        .join(StoredSuggestion, StoredSuggestion.document_id == Verification.document_id)
        .where(Verification.tenant_id == tenant_id)
    )
    if since is not None:
        query = query.where(Verification.verified_at >= dt.datetime.combine(since, dt.time.min))
    if until is not None:
        query = query.where(
            Verification.verified_at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min)
        )
    pairs = []
    top1 = top3 = n_executors = templates_right = n_resolutions = 0
    n = 0
    for verification, stored in session.execute(query):
        n += 1
        truth = verification.body
        suggestion = json.loads(stored.body)
        # Only the fields the EDMS sent are scored: its card may lack some of docket's fields; a field sent
        # as null means the clerk left it empty, and a value docket put there counts as wrong.
        verified = {name: _plain(value) for name, value in (truth.get("card") or {}).items()}
        predicted = suggestion.get("card") or {}
        pairs.append(({name: predicted.get(name) for name in verified}, verified))
        suggested = suggestion.get("executors") or []
        if truth.get("executors"):
            hit1, hit3 = executor_hits([e["id"] for e in suggested], truth["executors"][0]["id"])
            top1, top3, n_executors = top1 + hit1, top3 + hit3, n_executors + 1
        if truth.get("resolution") and truth["resolution"].get("text"):
            # as `docket evaluate` scores it: templates compared with names slotted, no draft is a miss
            draft = (suggestion.get("resolution") or {}).get("text") or ""
            same = resolution_template(draft) == resolution_template(truth["resolution"]["text"])
            templates_right, n_resolutions = templates_right + same, n_resolutions + 1
    card = card_accuracy(pairs)
    return {
        "since": since,
        "until": until,
        "verifications": n,
        "card": card,
        "executors": {
            "top1": top1 / n_executors if n_executors else None,
            "top3": top3 / n_executors if n_executors else None,
            "n": n_executors,
        },
        "resolution": {
            "template_accuracy": templates_right / n_resolutions if n_resolutions else None,
            "n": n_resolutions,
        },
    }


def register_rows(
    session: Session, tenant_id: int, since: dt.date | None = None, until: dt.date | None = None
) -> list[dict[str, Any]]:
    """Verified documents as register rows (the columns `docket train --register` reads), oldest first:
    the clerk's verified cards become training data."""
    query = select(Verification, StoredDocument).join(
        StoredDocument, StoredDocument.id == Verification.document_id
    )
    query = query.where(Verification.tenant_id == tenant_id).order_by(Verification.verified_at)
    rows = []
    for verification, document in session.execute(query):
        body = verification.body
        reg_date = (
            dt.date.fromisoformat(body["registered"])
            if body.get("registered")
            else document.created_at.date()
        )
        if (since and reg_date < since) or (until and reg_date > until):
            continue
        card = {name: _plain(value) for name, value in (body.get("card") or {}).items()}
        executors = body.get("executors") or []
        if not executors:
            continue
        correspondent = card.get("correspondent") or {}
        topic = card.get("topic") or {}
        resolution = body.get("resolution") or {}
        rows.append(
            {
                "document_id": document.id,
                "reg_number": body.get("registration_number"),
                "reg_date": reg_date.isoformat(),
                "text": document_text(session, document),
                "summary": card.get("summary"),
                "doc_kind": card.get("doc_kind"),
                "appeal_kind": card.get("appeal_kind"),
                "channel": card.get("channel"),
                "correspondent_id": correspondent.get("id") if isinstance(correspondent, dict) else None,
                "correspondent_name": correspondent.get("name")
                if isinstance(correspondent, dict)
                else correspondent,
                "outgoing_number": card.get("outgoing_number"),
                "outgoing_date": card.get("outgoing_date"),
                "addressee": card.get("addressee"),
                "topic_code": topic.get("code") if isinstance(topic, dict) else topic,
                "executor_id": executors[0]["id"],
                "coexecutor_ids": ";".join(e["id"] for e in executors[1:]) or None,
                "resolution_text": resolution.get("text"),
                "resolution_author_id": resolution.get("author"),
            }
        )
    return rows
