"""Forwarded appeals: a cover letter from another body («направляю на рассмотрение обращение …», 59-ФЗ
ст. 8 ч. 3) with the citizen's own text behind it. The cover letter's body is the correspondent and
the forwarding body; the citizen is the applicant."""

from __future__ import annotations

import re

from pipeline.card.found import Found

_SENDS = r"направля(?:ю|ем)\s+(?:Вам\s+)?(?:по\s+(?:компетенции|подведомственности|принадлежности)\s+)?(?:его\s+|ее\s+|её\s+)?"
_COVER = re.compile(
    r"(" + _SENDS + r"(?:на|для)\s+(?:Ваше\s+|ваше\s+)?рассмотрени"
    r"|" + _SENDS + r"(?:для\s+рассмотрения\s+)?(?:коллективное\s+)?(?:обращени|заявлени|жалоб)"
    r"|перенаправля|переадресу|пересылаю\b|пересылаем\b"
    r"|ч(?:асти|\.)\s*3\s*(?:ст(?:атьи|\.)\s*)?8\s*Федерального\s+закона"
    r"|поступившее\s+(?:в\s+адрес|на\s+имя)"
    r"|^\s*О\s+направлении\s+обращени)",
    re.IGNORECASE | re.MULTILINE,
)


def is_forwarded(text: str) -> Found | None:
    """The cover-letter phrase that marks a forwarded appeal, or None."""
    match = _COVER.search(text)
    if match is None:
        return None
    return Found(True, match.start(), match.end(), "cover_phrase")
