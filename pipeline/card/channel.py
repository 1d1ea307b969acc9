"""How the document reached us: the caller's metadata first, then what the document shows of itself
(an e-mail's headers, an internet-reception printout, a feedback-platform card, an МЭДО package)."""

from __future__ import annotations

import re

from pipeline.card.found import Found
from pipeline.contract import CHANNELS

# Each clue is a mark of the delivery itself, not a word the body may use: «МЭДО» as a letter's topic, «пос.»
# (a settlement) or «Кому: Губернатору» of a web-form printout are no channel.
_CLUES: list[tuple[str, re.Pattern]] = [
    (
        "platform",
        re.compile(
            r"(?i:Платформ[аы]\s+обратной\s+связи|Народный\s+фронт|Госуслуги\.?\s*Решаем\s+вместе|"
            r"Источник\s+обращения|Информация\s+о\s+гражданине)|\bПОС\b|\bОНФ\b"
        ),
    ),
    (
        "web_form",
        re.compile(
            r"Интернет[-\s]?приемн|Интернет[-\s]?приёмн|Вопрос\s+с\s+сайта|электронн[а-яё]+\s+приемн|обращени[ея]\s+с\s+(?:официального\s+)?сайта",
            re.IGNORECASE,
        ),
    ),
    (
        "medo",
        re.compile(
            r"(?:по|через|из|в)\s+(?:систем[аеуы]\s+)?(?:МЭДО\b|межведомственного\s+электронного\s+документооборота)"
            r"|^[ \t]*(?:МЭДО|Электронный\s+паспорт)\b",
            re.IGNORECASE | re.MULTILINE,
        ),
    ),
    (
        "email",
        re.compile(
            r"^(?:От кого|From|Кому|To)\s*:[^\n]*@|^(?:Тема|Subject)\s*:[^\n]*\n(?:[^\n]*\n){0,3}?[^\n]*@"
            r"|Пересылаемое\s+сообщение|^Fwd?:|Original Message",
            re.IGNORECASE | re.MULTILINE,
        ),
    ),
    (
        "fax",
        re.compile(r"^\s*(?:Факс|Fax)\s+(?:от|from)\b|отправлено\s+по\s+факсу", re.IGNORECASE | re.MULTILINE),
    ),
    (
        "in_person",
        re.compile(r"личн(?:ого|ом)\s+при[её]м[а-яё]*|карточка\s+личного\s+при[её]ма", re.IGNORECASE),
    ),
]
_EMAIL_TYPES = {"message/rfc822", "application/vnd.ms-outlook"}


def channel(text: str, media_type: str, metadata: dict) -> Found | None:
    given = metadata.get("channel")
    if given in CHANNELS:
        return Found(given, 0, 0, "metadata")
    if media_type in _EMAIL_TYPES or metadata.get("from") or metadata.get("email_from"):
        return Found("email", 0, 0, "metadata_email")
    head = text[:3000]
    for value, pattern in _CLUES:
        match = pattern.search(head)
        if match:
            return Found(value, match.start(), match.end(), f"clue_{value}")
    return None
