"""The summary as a clerk writes it: a letter's subject line («О …»), or for an appeal a short
«По вопросу …» built from what the citizen asks."""

from __future__ import annotations

import re

from pipeline.card.found import Found, lines_with_offsets
from pipeline.card.header import header_end

_SUBJECT = re.compile(r"^\s*(?:О|Об|Обо|По вопросу|Тема\s*:)\s+\S", re.IGNORECASE)
_SUBJECT_LABEL = re.compile(
    r"^\s*(?:Тема|Subject|Тема обращения|Вопрос|Краткое содержание)[ \t]*:[ \t]*(?P<s>.+)$",
    re.IGNORECASE | re.MULTILINE,
)
_ASK = re.compile(
    r"\b(?:по\s+вопросу|прошу(?:\s+(?:Вас|вас))?|просим(?:\s+(?:Вас|вас))?)\s+(?P<ask>[^.!?]{10,300})",
    re.IGNORECASE,
)
MAX_WORDS = 25


def _cut(text: str, words: int = MAX_WORDS) -> str:
    tokens = re.sub(r"\s+", " ", text).strip(" ,;:-").split(" ")
    return " ".join(tokens[:words]).rstrip(" ,;:")


def subject_line(text: str) -> Found | None:
    """The «О …» line under the header (with its continuation lines)."""
    limit = header_end(text)
    lines = lines_with_offsets(text)
    for index, (start, end, line) in enumerate(lines):
        if start > limit + 5:
            break
        if not _SUBJECT.match(line) or len(line.strip()) > 200:
            continue
        parts = [line.strip()]
        last = end
        for nxt in lines[index + 1 : index + 4]:
            piece = nxt[2].strip()
            if not piece or nxt[0] >= limit or piece[0].isupper():
                break
            parts.append(piece)
            last = nxt[1]
        value = re.sub(r"^Тема\s*:\s*", "", " ".join(parts), flags=re.IGNORECASE)
        return Found(_cut(value), start, last, "subject_line")
    return None


_TOPIC = re.compile(
    r"(?:по\s+(?:во?п+р?о?с+у|поводу)|касательно|проблем(?:ой|а|у)\s*:|о\s+проблеме\s*:?)\s+"
    r"(?P<x>«[^»\n]{3,120}»|[^.,;:!?«»()]{3,120})",
    re.IGNORECASE,
)


# where the problem is («Проблема по адресу: ул. Кедровая, д. 80.»): clerks add it to an appeal's summary
_PLACE = re.compile(
    r"(?:проблем[аы]|находится|расположен[а-я]*)\s+по\s+адресу\s*:?\s*(?P<a>[^\n]{5,80}?)\.?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


def _prepositional(phrase: str) -> str | None:
    """«капитальный ремонт домов» → «капитальном ремонте домов»: the leading nominative noun group to the
    prepositional case, the rest (its genitive tail) as written; None when it is not in the nominative."""
    from pipeline.card.nlp import morph

    words = phrase.split()
    out: list[str] = []
    for index, word in enumerate(words):
        nominative = [p for p in morph().parse(word) if p.tag.case == "nomn"]
        adjective = next((p for p in nominative if p.tag.POS in {"ADJF", "PRTF"}), None)
        # «горячее водоснабжение»: a word that may be an adjective is one when more words follow
        parse = adjective if adjective and index < len(words) - 1 else next(iter(nominative), None)
        if parse is None or parse.tag.POS not in {"NOUN", "ADJF", "PRTF"}:
            return None
        inflected = parse.inflect({"loct"})
        if inflected is None:
            return None
        out.append(inflected.word)
        if parse.tag.POS == "NOUN":
            return " ".join(out + words[index + 1 :])
    return None


def topic_phrase(text: str) -> Found | None:
    """The subject the writer names («по вопросу о ценах…», «по поводу «пешеходные переходы»») as a clerk's
    «О …»; a genitive subject stays «По вопросу …»."""
    match = _TOPIC.search(text)
    if match is None:
        return None
    phrase = re.sub(r"\s+", " ", match.group("x").strip("«» ")).strip()
    lowered = phrase.casefold()
    if re.match(r"(?:в|на|с|со|у|к|по|за|из|от|до|при)\s", lowered):
        return None
    if lowered.startswith(("о ", "об ", "обо ")):
        value = phrase[0].upper() + phrase[1:]
    else:
        prepositional = _prepositional(phrase)
        if prepositional:
            preposition = "Об" if prepositional[0].casefold() in "аеиоуэ" else "О"
            value = f"{preposition} {prepositional}"
        else:
            value = f"По вопросу {phrase}"
    place = _PLACE.search(text)
    if place and "по адресу" not in value:
        value = f"{_cut(value)} по адресу: {place.group('a').strip(' .,')}"
    return Found(_cut(value, MAX_WORDS + 10), match.start("x"), match.end("x"), "topic_phrase")


_GREETING = re.compile(r"^\s*Уважаем(?:ый|ая|ые)\b", re.MULTILINE)


def line_before_greeting(text: str) -> Found | None:
    """The heading written just above «Уважаемый …!» when it does not start with «О»."""
    from pipeline.card.header import last_person

    greeting = _GREETING.search(text)
    if greeting is None:
        return None
    before = text[: greeting.start()].rstrip("\n")
    start = before.rfind("\n") + 1
    line = before[start:].strip()
    if len(line) < 12 or last_person(line) or re.search(r"№|\d{2}\.\d{2}\.\d{2}", line) or line.isupper():
        return None
    return Found(_cut(line), start, start + len(before[start:]), "line_before_greeting")


# «обращение жителей района о доступности медицинской помощи»: what the appeal is about, named after it
_ABOUT = re.compile(
    r"\b(?:обращени[еяю]|обращаюсь|обращаемся|жалоб[аеуы]|заявлени[еяю])\b(?:\([^()\n]{0,80}\)|[^.!?\n]){0,80}?\s"
    r"(?P<x>(?:о|об|обо)\s+[^.,;:!?()«»\n]{3,120})",
    re.IGNORECASE,
)
# requests every appeal ends with («прошу принять меры и дать ответ»): they say nothing of the subject
_GENERIC_ASK = re.compile(
    r"(?:принять\s+меры|дать\s+(?:письменный\s+)?ответ|помочь|провести\s+проверку|проинформировать|"
    r"разобраться|сообщить|рассмотреть\s+(?:мо[её]|наше|данное)|направить\s+ответ)\b",
    re.IGNORECASE,
)


_FORWARDING_TAIL = re.compile(
    r"\s+(?:(?:для|на)\s+(?:рассмотрени|ответ)|по\s+компетенции|поступивш|зарегистрированн)", re.IGNORECASE
)


def about_phrase(text: str) -> Found | None:
    match = _ABOUT.search(text)
    if match is None:
        return None
    phrase = re.sub(r"\s+", " ", match.group("x")).strip()
    # «… о пособии по безработице для рассмотрения и ответа заявителю»: the forwarding formula is no subject
    phrase = _FORWARDING_TAIL.split(phrase)[0]
    if re.match(
        r"(?:о|об|обо)\s+(?:том|тем|чем|нем|ней|них|принят\w*\s+мер|результат|ход[еу]?\s+рассмотрени)",
        phrase,
        re.IGNORECASE,
    ):
        return None
    value = phrase[0].upper() + phrase[1:]
    return Found(_cut(value), match.start("x"), match.end("x"), "about_phrase")


def appeal_summary(text: str, requests: bool = True) -> Found | None:
    """«О …» from the subject the appeal names, else «По вопросу …» from a request that says what it is
    (unless `requests` is False: the card tries the topic model's rubric before a request)."""
    found = topic_phrase(text) or about_phrase(text)
    if found is not None:
        return found
    return request_summary(text) if requests else subject_label(text)


def request_summary(text: str) -> Found | None:
    """«По вопросу: …» from the first request that is not a closing formula, else a «Тема:» label."""
    asks = [m for start in (header_end(text), 0) for m in _ASK.finditer(text, start)]
    match = next((m for m in asks if not _GENERIC_ASK.match(m.group("ask"))), None)
    if match:
        offset = text.find(match.group(0))
        ask = _cut(match.group("ask"))
        lead = match.group(0)[: match.start("ask") - match.start()].strip().casefold()
        value = f"По вопросу {ask}" if lead.startswith("по вопросу") else f"По вопросу: {ask}"
        return Found(
            value,
            offset + (match.start("ask") - match.start()),
            offset + len(match.group(0)),
            "request_phrase",
        )
    return subject_label(text)


def subject_label(text: str) -> Found | None:
    label = _SUBJECT_LABEL.search(text)
    if label and len(label.group("s").strip()) > 3 and not _no_subject(label.group("s")):
        return Found(_cut(label.group("s")), label.start("s"), label.end("s"), "subject_label")
    return None


# a forwarding cover's own subject names the forwarding, not what the citizen asks
_COVER_SUBJECT = re.compile(r"О\s+(?:направлении|переадресации|пересылке|рассмотрении)\s+обращени", re.I)


def summary(text: str, is_appeal: bool, requests: bool = True) -> Found | None:
    if is_appeal:
        found = appeal_summary(text, requests)
        if found is not None:
            return found
        line = subject_line(text)
        return None if line is not None and _COVER_SUBJECT.match(line.value) else line
    return subject_line(text) or line_before_greeting(text) or appeal_summary(text, requests)


def topic_summary(topic: Found | None) -> Found | None:
    """«О капитальном ремонте домов» from the topic the register-trained model chose: a draft for the clerk
    when the letter names no subject of its own (its confidence is measured like any rule's)."""
    name = (topic.value or {}).get("name") if topic is not None and isinstance(topic.value, dict) else None
    if not name or len(name) < 4:
        return None
    phrase = name[0].lower() + name[1:] if not name[:2].isupper() else name
    prepositional = _prepositional(phrase)
    if prepositional is None:
        return Found(f"По вопросу: {phrase}", 0, 0, "topic_name")
    preposition = "Об" if prepositional[0].casefold() in "аеиоуэ" else "О"
    return Found(f"{preposition} {prepositional}", 0, 0, "topic_name")


# a subject that only names the form («Обращение», «Жалоба») says nothing of what the letter is about
_NO_SUBJECT = re.compile(
    r"\(?\s*(?:без темы|no subject|нет темы|обращение|заявление|жалоба|предложение|вопрос|письмо)\s*\)?",
    re.IGNORECASE,
)


def _no_subject(value: str) -> bool:
    return _NO_SUBJECT.fullmatch(value.strip().strip(".;:,! ")) is not None


def mail_subject(metadata: dict) -> Found | None:
    """An e-mail's subject, when the body has no subject line of its own."""
    mail = metadata.get("email") if isinstance(metadata.get("email"), dict) else metadata
    subject = re.sub(
        r"^\s*(?:(?:Fwd?|Re|Пересл|Отв)\s*:\s*)+", "", str(mail.get("subject") or ""), flags=re.I
    )
    if len(subject.strip()) < 4 or _no_subject(subject):
        return None
    return Found(_cut(subject), 0, 0, "mail_subject")
