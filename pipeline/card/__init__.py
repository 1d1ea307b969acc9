"""Card extraction: fills the registration-control card from a Document.

Foundation scope: only what the document itself states as metadata (page count, a channel given by the
caller). Text extraction of the other fields arrives with the card issue.
"""

from __future__ import annotations

from typing import Any

from pipeline.contract import CHANNELS, Card, CardField
from pipeline.document import Document


def extract_card(document: Document, resources: Any = None) -> Card:
    card = Card()
    if document.pages:
        card.page_count = CardField[int](value=len(document.pages), confidence=1.0, source="metadata")
    channel = document.metadata.get("channel")
    if channel in CHANNELS:
        card.channel = CardField[str](value=channel, confidence=1.0, source="metadata")
    return card


def load_directory(settings: Any) -> Any:
    """The organisation directory the correspondent is matched against; None until the card issue."""
    return None
