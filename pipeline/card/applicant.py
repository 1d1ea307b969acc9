"""The applicant of a citizen's appeal: full name (in the nominative), e-mail, phone, postal address.

Labelled form fields first (internet-reception and platform printouts: «Фамилия, имя, отчество:»,
«ФИО гражданина:», «Адрес электронной почты:»), then the phrases a letter or a forwarding cover uses
(«от Пахомовой Маргариты Тимуровны», «Я, …», «обращение Головановой Т.Т.», «Автор: …»), then the
sender line of a forwarded e-mail.
"""

from __future__ import annotations

import re

from pipeline.card.found import Found
from pipeline.card.header import EMAIL
from pipeline.card.nlp import morph, nominative_name

_W = r"[А-ЯЁ][а-яёА-ЯЁ]+(?:-[А-ЯЁ][а-яё]+)?"
_INIT = r"[А-ЯЁ]\.\s?[А-ЯЁ]\.?"
_NAME = rf"(?P<name>{_W}\s+(?:{_INIT}|{_W}(?:\s+{_W})?))"
_NAME_LABELS = [
    (
        re.compile(
            r"(?:Фамилия,?\s*имя,?\s*отчество|Ф\.?\s?И\.?\s?О\.?(?:\s+(?:гражданина|заявителя|автора))?)\s*:?[ \t]*\n?"
            # a stray mark OCR puts on a line of its own between a printout's label and its value
            r"(?:[ \t]*[^\sА-ЯЁа-яё]{1,2}[ \t]*\n)?[ \t]*" + _NAME
        ),
        "name_label",
    ),
    (re.compile(r"\b(?:Автор|Заявитель)\s*:\s*" + _NAME), "name_label"),
    (
        re.compile(
            r"(?:^|\n)\s*[Оо]т\s+(?:гражданина\s+|гражданки\s+)?" + _NAME.replace(r"\s+", r"\s+"),
            re.MULTILINE,
        ),
        "from_line",
    ),
    (re.compile(r"\bЯ,?\s+" + _NAME + r"\s*,"), "self_intro"),
    (
        re.compile(r"\b(?:обращени[еяю]|заявлени[еяю]|жалоб[аыу])\s+(?:гражданина\s+|гражданки\s+)?" + _NAME),
        "appeal_of",
    ),
]
_MAIL_SENDER = re.compile(
    r"\d{1,2}:\d{2},\s*(?P<name>[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+)\s*\((?P<email>[^)]+@[^)]+)\)"
)
_EMAIL_LABEL = re.compile(
    r"(?:Адрес электронной почты|Электронная почта|E-?mail|Эл\.\s?почта)\s*:?\s*\n?\s*(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
    re.IGNORECASE,
)
_PHONE_LABEL = re.compile(
    r"(?:Номер телефона|Телефон|Тел\.?|tel\.?|(?<![А-Яа-яё])т\.)\s*:?\s*\n?\s*(?P<phone>\+?[78]?[\s(-]*9\d{2}[\s)-]*\d{3}[\s-]?\d{2}[\s-]?\d{2})(?!\d)",
    re.IGNORECASE,
)
_MOBILE = re.compile(r"(?<!\d)(?P<phone>(?:\+7|8|7)[\s(-]*9\d{2}[\s)-]*\d{3}[\s-]?\d{2}[\s-]?\d{2})(?!\d)")
_ADDRESS = re.compile(
    r"(?:проживающ[а-яё]+\s+по\s+адресу|зарегистрированн[а-яё]+\s+по\s+адресу|Адрес обратившегося|"
    r"Почтовый адрес|Адрес для ответа|Адрес заявителя|Адрес проживания|(?m:^)[ \t]*Адрес(?=[ \t]*:))"
    r"\s*:?[ \t]*(?P<address>[^\n]*(?:\n[^\n]*){0,2})",
    re.IGNORECASE,
)
_PUBLIC_MAIL = re.compile(
    r"@(?:mail|bk|list|inbox|internet|yandex|ya|gmail|rambler|icloud|outlook|hotmail|me|live|googlemail|protonmail)\.",
    re.IGNORECASE,
)
_OFFICIAL_MAIL = re.compile(r"@[\w.-]*(?:gov|adm|admin|duma|prokuratura|mil)[\w-]*\.", re.IGNORECASE)
_NOT_NAMES = {"уважаемый", "уважаемая", "администрация", "управление", "правительство", "глава", "главе"}


def _is_person(words: str) -> bool:
    first = words.split()[0].casefold()
    if first in _NOT_NAMES:
        return False
    if re.search(_INIT, words):
        return True
    tags = [
        any(t in p.tag for t in ("Surn", "Name", "Patr"))
        for w in words.split()[:3]
        for p in morph().parse(w)[:3]
    ]
    return any(tags)


def _name_surname_first(name: str) -> str:
    """«Валерия Чистякова» (as e-mail clients write it) → «Чистякова Валерия»."""
    words = name.split()
    if len(words) == 2:
        first = morph().parse(words[0])
        second = morph().parse(words[1])
        if any("Name" in p.tag for p in first[:2]) and not any("Name" in p.tag for p in second[:2]):
            return f"{words[1]} {words[0]}"
    return name


def full_name(text: str) -> Found | None:
    found = None
    for pattern, rule in _NAME_LABELS:
        for match in pattern.finditer(text):
            name = re.sub(r"\s+", " ", match.group("name")).strip()
            if not _is_person(name):
                continue
            found = Found(nominative_name(name), match.start("name"), match.end("name"), rule)
            break
        if found is not None:
            break
    if found is None and (match := _MAIL_SENDER.search(text)):
        name = _name_surname_first(match.group("name"))
        found = Found(nominative_name(name), match.start("name"), match.end("name"), "mail_sender")
    return _fuller(text, found)


def _fuller(text: str, found: Found | None) -> Found | None:
    """«Баранова Инна» (an e-mail's sender) or «Голованова Т.Т.» (a cover letter) becomes the full name the
    letter gives elsewhere («Баранова Инна Степановна» under the signature): same surname, a first name
    that agrees with the known one or its initial, and a patronymic."""
    if found is None or not isinstance(found.value, str):
        return found
    words = re.findall(r"[А-ЯЁа-яё]+", found.value)
    if len(words) < 2 or (len(words) >= 3 and all(len(w) > 1 for w in words)):
        return found
    surname, first = words[0], words[1]
    pattern = re.compile(rf"\b{re.escape(surname)}\s+(?P<first>{_W})\s+(?P<patr>{_W})\b")
    for match in pattern.finditer(text):
        agrees = match.group("first") == first or (len(first) == 1 and match.group("first")[0] == first)
        agrees = agrees and (len(words) < 3 or match.group("patr")[0] == words[2][0])
        if agrees and any("Patr" in p.tag for p in morph().parse(match.group("patr"))[:2]):
            name = f"{surname} {match.group('first')} {match.group('patr')}"
            return Found(nominative_name(name), found.start, found.end, found.rule)
    return found


def email(text: str, start: int = 0) -> Found | None:
    """The applicant's e-mail: a labelled one in the applicant's block (from `start`), a forwarded message's
    sender, a personal mailbox anywhere; never a body's official address."""
    for scope in (start, 0):
        for match in _EMAIL_LABEL.finditer(text, scope):
            if _OFFICIAL_MAIL.search(match.group("email")) or (
                scope == 0 and not _PUBLIC_MAIL.search(match.group("email"))
            ):
                continue
            return Found(match.group("email"), match.start("email"), match.end("email"), "email_label")
    match = _MAIL_SENDER.search(text)
    if match:
        return Found(match.group("email").strip(), match.start("email"), match.end("email"), "mail_sender")
    for match in EMAIL.finditer(text):
        if _PUBLIC_MAIL.search(match.group(0)):
            return Found(match.group(0), match.start(), match.end(), "public_mail")
    return None


def phone(text: str, start: int = 0) -> Found | None:
    match = _PHONE_LABEL.search(text, start) or _PHONE_LABEL.search(text)
    if match:
        return Found(match.group("phone").strip(), match.start("phone"), match.end("phone"), "phone_label")
    match = _MOBILE.search(text)
    if match:
        return Found(match.group("phone").strip(), match.start("phone"), match.end("phone"), "mobile")
    return None


_ADDRESS_SHAPE = re.compile(
    r"(?:\b\d{6},|\b(?:г|с|пос|п|д|ул|пр|пр-т|просп|пер|наб|ш|бул|пл|мкр|кв)\.\s?[А-ЯЁа-яё0-9])",
    re.IGNORECASE,
)


def _continues(previous: str, line: str) -> bool:
    """Does `line` carry on an address a narrow column wrapped («454719, с. Катав-Ивановск, наб.» /
    «Зои Космодемьянской, д. 84, кв.» / «215»)?"""
    line = line.strip()
    if not line or EMAIL.search(line) or re.match(r"(?:т|тел|телефон|e-?mail|эл)\b\.?", line, re.IGNORECASE):
        return False
    if re.fullmatch(r"[\d\s,./-]{1,12}", line):
        return True
    return bool(re.search(r"[,-]$|\b[а-яё]{1,4}\.$", previous.strip())) and (
        bool(_ADDRESS_SHAPE.search(line)) or bool(re.search(r"\d", line)) or line[:1].isupper()
    )


def address_after_name(text: str, name: Found | None) -> Found | None:
    """An unlabelled address on the lines right under the applicant's «от …» line."""
    if name is None or name.rule != "from_line":
        return None
    line_end = text.find("\n", name.end)
    position = line_end + 1 if line_end >= 0 else len(text)
    for _ in range(3):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        line = text[position:end].strip()
        if not line or EMAIL.search(line) or re.match(r"(?:т|тел|телефон)\b\.?", line, re.IGNORECASE):
            position = end + 1
            continue
        if _ADDRESS_SHAPE.search(line) and re.search(r"\d", line) and len(line) < 150:
            offset = text.index(line, position)
            taken = [line]
            for nxt in text[end + 1 :].split("\n")[:2]:
                if not _continues(taken[-1], nxt):
                    break
                taken.append(nxt.strip())
            joined = " ".join(taken)
            value = re.sub(r"^(?:адрес|почтовый адрес)\s*:\s*", "", joined, flags=re.IGNORECASE).strip(" ,.")
            return Found(value, offset, offset + len("\n".join(taken)), "address_after_name")
        break
    return None


def address_in_brackets(text: str, name: Found | None) -> Found | None:
    """«обращение Денисова В.Е. (457118, г. Троицк, бул. Ульяновский, д. 5, кв. 182)»."""
    if name is None:
        return None
    match = re.match(
        r"\s*\((?:адрес\s*:\s*)?(?P<a>[^()@\n]{8,160})\)", text[name.end : name.end + 200], re.IGNORECASE
    )
    if match is None or not _ADDRESS_SHAPE.search(match.group("a")) or not re.search(r"\d", match.group("a")):
        return None
    return Found(
        match.group("a").strip(), name.end + match.start("a"), name.end + match.end("a"), "address_brackets"
    )


def address(text: str) -> Found | None:
    """The first labelled postal address; «Адрес для ответа:» holding an e-mail is skipped for the next."""
    position = 0
    while (match := _ADDRESS.search(text, position)) is not None:
        position = match.start("address")
        taken: list[str] = []
        for line in match.group("address").split("\n"):
            if EMAIL.search(line) or re.search(r"\bтел|\d{10}", line, re.IGNORECASE):
                break
            if taken and re.search(r"\d", " ".join(taken)) and not _continues(taken[-1], line):
                break
            taken.append(line.strip())
        value = re.sub(r"\s+", " ", " ".join(taken)).strip(" ,.;")
        if len(value) < 5 or not re.search(r"\d", value):
            continue
        start = match.start("address")
        return Found(value, start, start + len("\n".join(taken)), "address_label")
    return None


def applicant(text: str) -> Found | None:
    """The applicant's fields together; None when not even a name or an e-mail is found."""
    name = full_name(text)
    start = name.start if name else 0
    parts = {
        "full_name": name,
        "email": email(text, start),
        "phone": phone(text, start),
        "address": address(text) or address_after_name(text, name) or address_in_brackets(text, name),
    }
    present = [p for p in parts.values() if p is not None]
    if not present or (parts["full_name"] is None and parts["email"] is None):
        return None
    main = parts["full_name"] or parts["email"]
    rule = "+".join(sorted(k for k, p in parts.items() if p is not None))
    value = {k: (p.value if p else None) for k, p in parts.items()}
    return Found(value, main.start, main.end, f"{main.rule}:{rule}")


def with_mail_sender(found: Found | None, metadata: dict) -> Found | None:
    """Fill the applicant's name and e-mail from an e-mail's From header when the text did not give them."""
    from email.utils import parseaddr

    sender = _mail(metadata).get("from")
    if not sender:
        return found
    display, address = parseaddr(str(sender))
    if not address or _OFFICIAL_MAIL.search(address):
        return found
    value = dict(found.value) if found else {"full_name": None, "email": None, "phone": None, "address": None}
    rule = found.rule if found else "mail_header"
    if not value.get("email"):
        value["email"] = address
    if not value.get("full_name") and re.fullmatch(
        r"[А-ЯЁ][а-яё]+(?:\s+[А-ЯЁ][а-яё]+){1,2}", display.strip()
    ):
        value["full_name"] = nominative_name(_name_surname_first(display.strip()))
    if found is None:
        return Found(value, 0, 0, rule)
    return Found(value, found.start, found.end, rule)


def private_sender(metadata: dict) -> bool:
    """An e-mail sent from a personal mailbox (a public mail service), as citizens write."""
    from email.utils import parseaddr

    address = parseaddr(str(_mail(metadata).get("from") or ""))[1]
    return bool(address) and _PUBLIC_MAIL.search(address) is not None


def _mail(metadata: dict) -> dict:
    """E-mail headers as ingestion stores them (under "email"), or flat for a caller's own metadata."""
    mail = metadata.get("email")
    return mail if isinstance(mail, dict) else metadata
