"""Document kind, appeal kind and topic: the register-trained classifiers when a model bundle has them,
else cue phrases (measured like every other rule, so their confidence says how often they are right)."""

from __future__ import annotations

import re
from typing import Any

from pipeline.card.found import Found

_KIND_CUES: list[tuple[str, re.Pattern]] = [
    (
        "prosecutor_act",
        re.compile(
            r"прокуратур[а-яё]*[\s\S]{0,600}?\b(?:ПРЕДСТАВЛЕНИЕ|ПРОТЕСТ|ТРЕБОВАНИЕ|ПРЕДОСТЕРЕЖЕНИЕ|представлени[ея]\s+об\s+устранении)",
            re.IGNORECASE,
        ),
    ),
    (
        "deputy_request",
        re.compile(r"депутатск[а-яё]+\s+запрос|депутат[а-яё]*[\s\S]{0,300}?\bзапрос", re.IGNORECASE),
    ),
    (
        "collective_appeal",
        re.compile(
            r"коллективн[а-яё]+\s+(?:обращени|жалоб|заявлени)|\bмы,?\s+жители|подписи\s+жителей|жители\s+дома",
            re.IGNORECASE,
        ),
    ),
    (
        "citizen_appeal",
        re.compile(
            r"Вопрос\s+с\s+сайта|Интернет[-\s]?при[её]мн|ФИО\s+гражданина|Фамилия,?\s*имя,?\s*отчество|направля[юе]м?\s+(?:на|для)\s+(?:Ваше\s+)?рассмотрени[ея][^.]{0,120}(?:обращени|заявлени|жалоб)|\bЯ,?\s+[А-ЯЁ][а-яё]+\s+[А-ЯЁ]|\d:\d\d,\s*[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+\s*\([^)@]+@|\d:\d\d,\s*[\w.+-]+@[\w.-]+\s*\(",
            re.IGNORECASE,
        ),
    ),
    ("invitation", re.compile(r"\bприглаша(?:ем|ю)\b|\bприглашение\b", re.IGNORECASE)),
    ("instruction", re.compile(r"\bпоручени[ея]\b|\bпоручаю\b", re.IGNORECASE)),
    (
        "notification",
        re.compile(r"\bуведомля(?:ем|ю)\b|\bуведомление\b|\bинформиру(?:ем|ю)\b", re.IGNORECASE),
    ),
    (
        "request",
        re.compile(
            r"\bпро(?:сим|шу)\s+(?:Вас\s+)?(?:предоставить|представить|направить|сообщить)|\bзапрос\b",
            re.IGNORECASE,
        ),
    ),
]
_APPEAL_CUES: list[tuple[str, re.Pattern]] = [
    ("жалоба", re.compile(r"\bжалоб[аеуы]\b|\bобжал", re.IGNORECASE)),
    ("предложение", re.compile(r"\bпредлага(?:ю|ем)\b|\bпредложени[ея]\b", re.IGNORECASE)),
]
APPEAL_KINDS = {"citizen_appeal", "collective_appeal"}


def _model(resources: Any, key: str):
    bundle = getattr(resources, "bundle", None)
    models = getattr(bundle, "card_models", None) or {}
    return models.get(key)


def doc_kind(text: str, resources: Any) -> Found | None:
    model = _model(resources, "doc_kind")
    if model is not None:
        label, probability = model.predict_one(text)
        return Found(label, 0, 0, "model", probability)
    for kind, pattern in _KIND_CUES:
        match = pattern.search(text[:6000])
        if match:
            return Found(kind, match.start(), match.end(), f"cue_{kind}")
    return Found("letter", 0, 0, "default_letter")


# the form the citizen names on a line of its own («ЗАЯВЛЕНИЕ», «Жалоба.») says it outright
_APPEAL_HEADING = re.compile(r"^[ \t]*(?P<kind>заявление|жалоба|предложение)[ \t]*\.?[ \t]*$", re.I | re.M)


def appeal_kind(text: str, resources: Any) -> Found | None:
    heading = _APPEAL_HEADING.search(text[:6000])
    if heading:
        return Found(heading.group("kind").casefold(), heading.start("kind"), heading.end("kind"), "heading")
    model = _model(resources, "appeal_kind")
    if model is not None:
        label, probability = model.predict_one(text)
        return Found(label, 0, 0, "model", probability)
    for kind, pattern in _APPEAL_CUES:
        match = pattern.search(text[:6000])
        if match:
            return Found(kind, match.start(), match.end(), f"cue_{kind}")
    return Found("заявление", 0, 0, "default_заявление")


def topic(text: str, resources: Any) -> Found | None:
    """Only a trained model names a topic: the rubricator is the organisation's own, not a rule's."""
    model = _model(resources, "topic")
    if model is None:
        return None
    code, probability = model.predict_one(text)
    name = getattr(model, "names_", {}).get(code)
    return Found({"code": code, "name": name}, 0, 0, "model", probability)


# how paper reaches the clerk: a scanned document without an e-mail's, a portal's or МЭДО's marks came so
PAPER_CHANNELS = frozenset({"post", "courier", "in_person", "fax"})


def channel_model(text: str, resources: Any, allowed: frozenset[str] | None = None) -> Found | None:
    """The channel model's choice, among `allowed` channels only when given (its probability renormalised
    over them)."""
    model = _model(resources, "channel")
    if model is None:
        return None
    if allowed is None:
        label, probability = model.predict_one(text)
        return Found(label, 0, 0, "model", probability)
    proba = model.predict_proba([text])[0]
    keep = [i for i, c in enumerate(model.classes_) if str(c) in allowed]
    total = float(sum(proba[i] for i in keep))
    if not keep or total <= 0:
        return None
    best = max(keep, key=lambda i: proba[i])
    return Found(str(model.classes_[best]), 0, 0, "model", float(proba[best]) / total)
