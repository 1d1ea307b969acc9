"""Card extraction: fills the registration-control card (РКК) from a Document.

Each field comes from one small module (header, applicant, forwarding, channel, summary, kind,
directory) as a `Found` (value, offsets, rule); here they become contract fields with a calibrated
confidence (confidence.py for rules, the model's calibrated probability for models), a source and the
evidence span on its page. A field nobody found stays null.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.card import applicant as applicant_rules
from pipeline.card import channel as channel_rules
from pipeline.card import forwarding, header, kind, summary
from pipeline.card.confidence import rule_confidence
from pipeline.card.found import Found
from pipeline.contract import Card, Evidence
from pipeline.document import Document

EVIDENCE_CHARS = 300
# Values the caller or the container states (the EDMS's channel, an e-mail's own headers) are inputs, not
# extractions: nothing to calibrate, nothing for the clerk to re-check.
GIVEN_RULES = frozenset({"metadata", "metadata_email"})


def _evidence(document: Document, found: Found) -> Evidence | None:
    if found.end <= found.start:
        return None
    page, start = document.locate(found.start)
    page_text = next((p.text for p in document.pages if p.number == page), "")
    end = min(len(page_text), start + (found.end - found.start))
    snippet = page_text[start:end][:EVIDENCE_CHARS]
    return Evidence(text=snippet, page=page, start=start, end=start + len(snippet)) if snippet else None


class _Builder:
    def __init__(self, document: Document, threshold: float):
        self.document = document
        self.threshold = threshold
        self.fields: dict[str, dict] = {}
        self.rules: dict[str, str] = {}

    def card(self) -> Card:
        return Card.model_validate(self.fields)

    def field(self, name: str, found: Found | None, source: str = "rule", value: Any = None) -> None:
        if found is None:
            return
        if found.probability is not None:
            confidence, source = round(float(found.probability), 4), "model"
        elif source == "metadata" and found.rule in GIVEN_RULES:
            confidence = 1.0
        else:
            confidence = rule_confidence(name, found.rule)
        self.rules[name] = found.rule
        self.fields[name] = {
            "value": found.value if value is None else value,
            "confidence": confidence,
            "source": source,
            "evidence": _evidence(self.document, found),
            "needs_review": confidence < self.threshold,
        }


def _threshold(resources: Any) -> float:
    settings = getattr(resources, "settings", None)
    if settings is None:
        from docket.settings import get_settings

        settings = get_settings()
    return float(settings.confidence_threshold)


def _correspondent(text: str, directory: Any, avoid: tuple[int, int] | None) -> tuple[Found | None, str]:
    """The sender organisation: a directory entry named in the header, else natasha's first ORG there."""
    head = text[: max(header.header_end(text), 1500)]
    if directory is not None:
        match = directory.find_in_text(head)
        if match is not None and not (avoid and avoid[0] <= match.start < avoid[1]):
            org = match.organisation
            return Found(
                {"id": org.id, "name": org.name}, match.start, match.end, f"dir_{match.how}"
            ), "directory"
    letterhead = header.letterhead(text)
    if letterhead is not None:
        return letterhead, "rule"
    from pipeline.card.nlp import entities

    for span in entities(head):
        if span.type == "ORG" and not (avoid and avoid[0] <= span.start < avoid[1]) and len(span.text) > 3:
            return Found({"id": None, "name": span.text}, span.start, span.end, "ner_org"), "rule"
    return None, "rule"


# The standard typewritten page (машинописная страница, 1,800 characters): the pages of a letter that came
# without any (a DOCX, an e-mail's body) are estimated by it, and the estimate is left for the clerk to check.
CHARS_PER_PAGE = 1800
_PAGELESS_TYPES = (
    "message/rfc822",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/msword",
    "application/rtf",
    "text/rtf",
    "text/html",
)


def _page_count(document: Document) -> Found | None:
    """Pages as the document has them: an e-mail's are its attached letter's; a plain text's are the parts
    between form feeds (as pdftotext writes them), and a text without any is one page; a page-less format's
    are estimated from its length."""
    import math

    if not document.pages:
        return None
    attached = [p for p in document.pages if p.origin]
    if document.media_type == "message/rfc822" and attached:
        return Found(len(attached), 0, 0, "attached_pages")
    if len(document.pages) == 1:
        text = document.pages[0].text
        if "\f" in text:
            parts = [part for part in text.split("\f") if part.strip()]
            return Found(max(1, len(parts)), 0, 0, "text_form_feeds")
        if document.media_type in _PAGELESS_TYPES:
            return Found(max(1, math.ceil(len(text.strip()) / CHARS_PER_PAGE)), 0, 0, "length_estimate")
    rule = "text_pages" if document.media_type.startswith("text/") else "file_pages"
    return Found(len(document.pages), 0, 0, rule)


def extract_card(document: Document, resources: Any = None) -> Card:
    return extract_card_traced(document, resources)[0]


def extract_card_traced(document: Document, resources: Any = None) -> tuple[Card, dict[str, str]]:
    """The card and, per field, the rule that filled it (the key confidences are calibrated by)."""
    builder = _Builder(document, _threshold(resources))
    card, rules = _fill(builder, document, resources)
    return card, rules


def _fill(builder: _Builder, document: Document, resources: Any) -> tuple[Card, dict[str, str]]:
    text = document.text
    builder.field("page_count", _page_count(document), "metadata")
    found_channel = channel_rules.channel(text, document.media_type, document.metadata)
    if found_channel is None and text.strip():
        scanned = all(page.ocr for page in document.pages)
        found_channel = kind.channel_model(text, resources, kind.PAPER_CHANNELS if scanned else None)
    if found_channel is not None:
        source = "metadata" if found_channel.rule.startswith("metadata") else "rule"
        builder.field("channel", found_channel, source)
    if not text.strip():
        return builder.card(), builder.rules

    forwarded = forwarding.is_forwarded(text)
    doc_kind = kind.doc_kind(text, resources)
    # a forwarding cover (59-ФЗ ст. 8) says «appeal» more surely than a cue rule or an unsure model
    if (
        forwarded
        and doc_kind.value not in kind.APPEAL_KINDS
        and (
            doc_kind.probability is None
            or doc_kind.probability < rule_confidence("doc_kind", "forwarded_cover")
        )
    ):
        doc_kind = Found("citizen_appeal", forwarded.start, forwarded.end, "forwarded_cover")
    if doc_kind.rule == "default_letter" and applicant_rules.private_sender(document.metadata):
        doc_kind = Found("citizen_appeal", 0, 0, "mail_private_sender")
    builder.field("doc_kind", doc_kind)
    is_appeal = doc_kind.value in kind.APPEAL_KINDS

    number, date = header.outgoing(text)
    builder.field("outgoing_number", number)
    builder.field("outgoing_date", date)
    builder.field("reply_to", header.reply_to(text))
    addressee = header.addressee(text)
    if addressee is not None:
        builder.field("addressee", addressee, value=addressee.value["name"])
    builder.field("signatory", header.signatory(text))
    builder.field("sender_contact", header.sender_contact(text))
    builder.field("attachment_sheets", header.attachment_sheets(text))
    found_topic = kind.topic(text, resources)
    builder.field(
        "summary",
        # a request phrase was right for almost no letter of the calibration register (calibration.json),
        # so the topic model's rubric comes first
        summary.summary(text, is_appeal, requests=False)
        or summary.mail_subject(document.metadata)
        or summary.topic_summary(found_topic)
        or summary.request_summary(text),
    )
    builder.field("topic", found_topic)

    avoid = (addressee.start, addressee.end) if addressee else None
    if not is_appeal or forwarded:
        found, source = _correspondent(text, getattr(resources, "directory", None), avoid)
        builder.field("correspondent", found, source)
        if forwarded and found is not None:
            fwd = Found(found.value, found.start, found.end, f"forwarded_{found.rule}")
            builder.field("forwarded_by", fwd, source)
    if is_appeal:
        found_applicant = applicant_rules.applicant(text)
        builder.field("applicant", applicant_rules.with_mail_sender(found_applicant, document.metadata))
        builder.field("appeal_kind", kind.appeal_kind(text, resources))
    return builder.card(), builder.rules


def load_directory(settings: Any) -> Any:
    """The organisation directory: `settings.directory_path`, else one imported with
    `docket directory-import` (DATA_DIR/directory.csv), else the demo world's organisations.csv, else None
    (the correspondent is then given by name only)."""
    from pipeline.card.cli import imported_directory_path
    from pipeline.card.directory import read_directory

    path = getattr(settings, "directory_path", None)
    if path:
        return read_directory(Path(path))
    candidates = []
    if hasattr(settings, "resolved_data_dir"):
        candidates.append(imported_directory_path(settings))
    demo = getattr(settings, "demo_world_dir", None)
    if demo is not None:
        candidates.append(Path(demo) / "organisations.csv")
    for candidate in candidates:
        if candidate.is_file():
            return read_directory(candidate)
    return None
