"""The letter's header and footer fields: outgoing number and date, reply-to, addressee, signatory,
the sender's executor (contact) and the attachment sheets.

Patterns carry their context: a «от <date> № <number>» pair counts as the outgoing pair only in the
header and not after a legal act's name («Федеральный закон от 02.05.2006 № 59-ФЗ»), not after an
incoming stamp («Вх. №», which is ours) and not after «На №» (that is the reply-to reference).
"""

from __future__ import annotations

import re

from pipeline.card.found import Found, columns, lines_with_offsets
from pipeline.card.nlp import DATE, parse_date

NUMBER = re.compile(
    r"(?:№|N[°o]?(?=[\s_]*\d)|No\.?)[\s_]*"
    r"(?P<num>(?:[А-ЯЁа-яё]{2,4}\.\s?(?=\d))?[0-9A-Za-zА-ЯЁа-яё][\w./\\()-]*\w|\d)"
)
_LEGAL = re.compile(
    r"(закон|постановлени|приказ|указ|распоряжени|решени|кодекс|положени|определени|протокол|"
    r"реестр|лиценз|договор|контракт|соглашени|свидетельств|дом|кв|маршрут|школ|сад|дело|\bст\.|статьи)[а-яё]*"
    r"[^.\n]{0,40}$",
    re.IGNORECASE,
)
_INCOMING = re.compile(r"(вх\b|вх\.|входящ|рег\.|зарегистр|регистрац)[^\n]{0,25}$", re.IGNORECASE)
_REPLY = re.compile(
    r"(\bна\s+(?:(?:исх\.?|исходящ[а-яё]*)\s*)?$"
    r"|\bна\s+(?:ваш[а-яё]*|письм[а-яё]*|запрос[а-яё]*|обращени[а-яё]*)[^\n]{0,40}$)",
    re.IGNORECASE,
)
_LAW_NUMBER = re.compile(r"(ФЗ|ФКЗ|Ф3|-п|-р|-рп|-пп|-у)$", re.IGNORECASE)
_BODY_START = re.compile(
    r"^\s*(Уважаем|В соответствии|В связи|Направляю|Направляем|Прошу|Просим|Сообщаю|Сообщаем|Информирую|"
    r"Информируем|Рассмотрев|Во исполнение|На основании|Доводим|Приглашаем|Уведомляем|Я[, ]|Мы[, ])",
    re.IGNORECASE,
)
_GAP = re.compile(r"^[\s_\"«»г.от]*$", re.IGNORECASE)


def header_end(text: str) -> int:
    """Where the letter body starts: the greeting or first body phrase, else after the first 15 lines."""
    lines = lines_with_offsets(text)
    for index, (start, end, line) in enumerate(lines[:60]):
        if _BODY_START.match(line):
            return start
        if index >= 3 and _SUBJECT_LINE.match(line):
            return end + 1  # the subject line («О …») closes the header
        if index >= 3 and len(line.strip()) > 110 and not re.search(r"\s{3,}", line.strip()):
            return start  # a running paragraph
    return lines[min(15, len(lines) - 1)][1] if lines else 0


_SUBJECT_LINE = re.compile(r"^\s*(?:О|Об|Обо|По вопросу)\s+[а-яё]", re.IGNORECASE)


def _context(text: str, start: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    previous = text.rfind("\n", 0, max(0, line_start - 1)) + 1
    return text[previous:start]


def _pairs(text: str):
    """(number match, date match, start, end) for every number written next to a date."""
    dates = list(DATE.finditer(text))
    for number in NUMBER.finditer(text):
        best = None
        for date in dates:
            if date.end() <= number.start():
                gap = text[date.end() : number.start()]
            elif date.start() >= number.end():
                gap = text[number.end() : date.start()]
            else:
                continue
            # «№ 15 от 12.03.2024» on one line, or the number's line followed by «от <date>» on the next
            if len(gap) <= 14 and _GAP.match(gap) and gap.count("\n") <= (1 if "от" in gap else 0):
                best = date
                break
        yield number, best


def _clean_number(value: str) -> str:
    return value.strip().strip(".,;:_").strip()


def _date_value(match) -> tuple[object, int, int] | None:
    raw = match.group("date")
    parsed = parse_date(raw.strip())
    if parsed is None:
        return None
    offset = match.start("date") + (len(raw) - len(raw.lstrip()))
    return parsed, offset, match.end("date")


def classify(text: str, start: int) -> str:
    before = _context(text, start)
    if _REPLY.search(before):
        return "reply"
    if _INCOMING.search(before):
        return "incoming"
    if _LEGAL.search(before):
        return "legal"
    return "own"


_NUMBER_LABEL = re.compile(
    r"^[ \t]*(?:Регистрационный\s+)?(?:номер\s+(?:обращения|заявки|сообщения)|номер\s+на\s+портале|"
    r"(?:Регистрационный\s+)?номер\s+(?:обращения\s+)?на\s+портале)\s*:?[ \t]*(?P<num>[\w./-]*\d[\w./-]*)",
    re.IGNORECASE | re.MULTILINE,
)


def outgoing(text: str) -> tuple[Found | None, Found | None]:
    """(outgoing number, outgoing date) of the sender, or None for each that is not stated."""
    labelled = _NUMBER_LABEL.search(text[:3000])
    if labelled:
        num = _clean_number(labelled.group("num"))
        found = Found(num, labelled.start("num"), labelled.start("num") + len(num), "number_label")
        return found, _labelled_date(text)
    limit = header_end(text)
    for number, date in _pairs(text):
        num = _clean_number(number.group("num"))
        if _LAW_NUMBER.search(num) or not re.search(r"\d", num):
            continue
        start = min(number.start(), date.start()) if date else number.start()
        kind = classify(text, start)
        if kind != "own":
            continue
        zone = "header" if start < limit else "body"
        if date is None:
            if zone == "header" and _standalone(text, number):
                found = Found(num, number.start("num"), number.start("num") + len(num), "number_line")
                return found, _labelled_date(text)
            continue
        parsed = _date_value(date)
        if parsed is None:
            continue
        rule = f"pair_{zone}"
        return (
            Found(num, number.start("num"), number.start("num") + len(num), rule),
            Found(parsed[0], parsed[1], parsed[2], rule),
        )
    return None, None


# a printout's own date field next to its number («Дата подачи: 12 августа 2024 г.», «Поступило: 30.07.2024
# 11:04»)
_DATE_LABEL = re.compile(
    r"^[ \t]*(?:Дата(?:\s+и\s+время)?\s+(?:подачи|создания|публикации|поступления|обращения|регистрации|звонка)"
    r"(?:\s+обращения)?|Поступило|Подано)[ \t]*:[ \t]*(?P<rest>[^\n]{4,60})$",
    re.IGNORECASE | re.MULTILINE,
)


def _labelled_date(text: str) -> Found | None:
    label = _DATE_LABEL.search(text[:1500])
    if label is None:
        return None
    date = DATE.search(text, label.start("rest"), label.end("rest"))
    parsed = _date_value(date) if date else None
    return Found(parsed[0], parsed[1], parsed[2], "date_label") if parsed else None


def _standalone(text: str, number) -> bool:
    """A number alone on its line at the top («№ 522/25», «Обращение № 5486326»): a form's own number."""
    line_start = text.rfind("\n", 0, number.start()) + 1
    line_end = text.find("\n", number.end())
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    head = text[line_start : number.start()].strip()
    return (
        not head
        or re.fullmatch(r"[ОоЭэ]бращение|Заявка|Запрос|Исх\.?|Сообщение|Инцидент|Карточка\s+обращения", head)
        is not None
    ) and len(line.strip()) <= len(head) + len(number.group(0)) + 4


def reply_to(text: str) -> Found | None:
    """The reference to our earlier letter this one answers: «На № 01-12/345 от 12.03.2024»."""
    for number, date in _pairs(text):
        start = min(number.start(), date.start()) if date else number.start()
        if classify(text, start) != "reply" or date is None:
            continue
        parsed = _date_value(date)
        num = _clean_number(number.group("num"))
        if parsed is None or not re.search(r"\d", num):
            continue
        end = max(number.end(), date.end())
        return Found({"number": num, "date": parsed[0]}, start, end, "reply_pair")
    return None


_POSITION_WORDS = (
    r"(?:Глав[аеуы]|Губернатор[уа]?|Министр[уа]?|Начальник[уа]?|Директор[уа]?|Заместител[ьюя]|"
    r"Председател[ьюя]|Руководител[ьюя]|Прокурор[уа]?|Депутат[уа]?|Генеральн[а-яё]+|Управляющ[а-яё]+|"
    r"Президент[уа]?|Мэр[уа]?|Сити-менеджер[уа]?|Уполномоченн[а-яё]+|Первый|Первому|Врио|И\.\s?о\.|"
    r"Заведующ[а-яё]+|Ректор[уа]?|Главн[а-яё]+|Секретар[ьюя]|Помощник[уа]?|Советник[уа]?|Консультант[уа]?|"
    r"Специалист[уа]?|Инспектор[уа]?|Командир[уа]?|Атаман[уа]?)"
)
_POSITION_LINE = re.compile(r"^\s*" + _POSITION_WORDS + r"\b", re.IGNORECASE)
_SURNAME = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_INITIALS = r"[А-ЯЁA-Z]\.\s?[А-ЯЁA-Z]\.?"
PERSON_SHORT = re.compile(rf"(?P<name>{_INITIALS}\s?{_SURNAME}|{_SURNAME}\s{_INITIALS})")
PERSON_INITIALS_FIRST = re.compile(rf"(?P<name>{_INITIALS}\s?{_SURNAME})")


def last_person(text: str):
    """The name-shaped run that ends last in `text` («г. Челябинска Н.П. Котовой» → «Н.П. Котовой»)."""
    found = list(PERSON_SHORT.finditer(text)) + list(PERSON_INITIALS_FIRST.finditer(text))
    if not found:
        return None
    return max(found, key=lambda m: (m.end(), m.re is PERSON_INITIALS_FIRST))


PERSON_FULL = re.compile(
    rf"(?P<name>{_SURNAME}\s[А-ЯЁ][а-яё]+\s[А-ЯЁ][а-яё]+(?:вич|вна|вны|вне|вну|чна|ична|ич|оглы|кызы)[а-яё]*)"
)


def addressee(text: str) -> Found | None:
    """Whom the letter is addressed to, from the header's dative block («Главе города Лошкину А.А.»), else a
    form's labelled field. A covering note above the letter («Уважаемые коллеги! Просим рассмотреть
    прилагаемое письмо.») has no header of its own: the letter's is looked for after it."""
    found = _dative_addressee(text) or _addressee_label(text)
    if found is not None or header_end(text) > 200:
        return found
    breaks = [m.end() for m in re.finditer(r"\n[ \t]*\n", text[:3000])][:3]
    for start in breaks:
        found = _dative_addressee(text[start:])
        if found is not None:
            return Found(found.value, found.start + start, found.end + start, "dative_block_after_note")
    return None


def _dative_addressee(text: str) -> Found | None:
    from pipeline.card.nlp import short_name

    limit = header_end(text)

    for cells in columns(text[:limit]):
        for index, (_start, _end, line) in enumerate(cells):
            if not _POSITION_LINE.match(line) or not _dative(line.split()[0]):
                continue
            block = [cells[index]]
            for nxt in cells[index + 1 : index + 5]:
                if text.count("\n", block[-1][1], nxt[0]) > 1:
                    break
                block.append(nxt)
                if PERSON_SHORT.search(nxt[2]) or PERSON_FULL.search(nxt[2]):
                    break
            joined = " ".join(b[2].strip() for b in block)
            person = last_person(joined) or PERSON_FULL.search(joined)
            if person is None:
                continue
            value = {
                "position": joined[: person.start()].strip(" ,"),
                "name": short_name(person.group("name")),
            }
            return Found(value, block[0][0], block[-1][1], "dative_block")
    return None


# a web-form printout names its addressee in a field («Адресат: Губернатор … Калашникова Л.О.»); an e-mail's
# «Кому:» holds an address instead
_ADDRESSEE_LABEL = re.compile(
    r"^[ \t]*(?:[А-ЯЁа-яё ]{3,30},[ \t]*)?(?:Адресат|Кому|Получатель|Ответственный(?:\s+орган)?)[ \t]*:[ \t]*(?P<v>[^\n@]{5,200})$",
    re.M | re.I,
)


def _addressee_label(text: str) -> Found | None:
    from pipeline.card.nlp import short_name

    match = _ADDRESSEE_LABEL.search(text[:1000])
    if match is None:
        return None
    joined = match.group("v").strip()
    person = last_person(joined) or PERSON_FULL.search(joined)
    if person is None:
        return None
    value = {"position": joined[: person.start()].strip(" ,"), "name": short_name(person.group("name"))}
    return Found(value, match.start("v"), match.end("v"), "addressee_label")


def _dative(word: str) -> bool:
    """An addressee's position is in the dative («Главе», «Губернатору»); a sender's is not («ДЕПУТАТ»)."""
    from pipeline.card.nlp import morph

    return any(p.tag.case == "datv" for p in morph().parse(word.strip(".,")))


_CONTACT_LABEL = re.compile(r"^\s*(?:Исп(?:олнитель)?\.?|Исп\.:?)\s*:?\s*", re.IGNORECASE)
PHONE = re.compile(
    r"(?<![\d-])(?:\+7|8|7)?[\s-]?\(?\d{3,5}\)?[\s-]?\d{1,3}[\s-]?\d{2}[\s-]?\d{2}(?![\d-])|(?<![\d-])\d{3}-\d{2}-\d{2}(?![\d-])"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def signatory(text: str) -> Found | None:
    """The person who signed: the last position line followed by a name in the letter's closing."""
    lines = lines_with_offsets(text)
    body = header_end(text)
    for index, (start, _end, line) in enumerate(lines):
        if start < body or _CONTACT_LABEL.match(line) or PHONE.search(line) or EMAIL.search(line):
            continue
        person = last_person(line)
        if person is None or len(line.strip()) > 90:
            continue
        before = line[: person.start()].strip(" ,")
        position_lines = [before] if before else []
        for prev in reversed(lines[max(0, index - 3) : index]):
            text_prev = prev[2].strip()
            if (
                not text_prev
                or len(text_prev) > 70
                or text_prev.endswith((".", "!", "?"))
                or last_person(text_prev)
            ):
                break
            position_lines.insert(0, text_prev)
            if _POSITION_LINE.match(text_prev):
                break
        position = " ".join(p for p in position_lines if p).strip()
        if not position or not _POSITION_LINE.match(position) or _dative(position.split()[0]):
            continue
        # the first closing block: a forwarded appeal's own header comes after the cover letter's signature
        return Found(
            {"name": person.group("name"), "position": position},
            start + person.start(),
            start + person.end(),
            "closing_block",
        )
    return None


def sender_contact(text: str) -> Found | None:
    """The sender's executor: «Исп. Петрова А.С., тел. 8 (351) 123-45-67, petrova@mail.ru»."""
    lines = lines_with_offsets(text)
    body = header_end(text)
    labelled_first = sorted(
        (i for i, line in enumerate(lines) if line[0] >= body),
        key=lambda i: not _CONTACT_LABEL.match(lines[i][2]),
    )
    for index in labelled_first:
        start, _end, line = lines[index]
        labelled = _CONTACT_LABEL.match(line)
        following = lines[index + 1][2] if index + 1 < len(lines) else ""
        bare = re.sub(r"^(?:тел(?:ефон)?\.?|т\.)\s*:?\s*", "", following.strip(), flags=re.IGNORECASE)
        phone = PHONE.search(line) or (PHONE.match(bare) and PHONE.search(following))
        person = (
            PERSON_SHORT.search(line)
            or PERSON_FULL.search(line)
            or re.search(rf"(?P<name>{_SURNAME}(?:\s[А-ЯЁ][а-яё]+){{1,2}})", line)
        )
        if not labelled and not (person and phone and person.start() < 3):
            continue
        if person is None and not phone:
            continue
        # the executor's block: name, phone and e-mail on one line or on up to three consecutive lines
        block = [line]
        for nxt in lines[index + 1 : index + 3]:
            if not nxt[2].strip() or (not PHONE.search(nxt[2]) and not EMAIL.search(nxt[2])):
                break
            block.append(nxt[2])
        email = EMAIL.search(" ".join(block))
        value = {
            "name": person.group("name") if person else None,
            "phone": phone.group(0).strip() if phone else None,
            "email": email.group(0) if email else None,
        }
        last = lines[index + len(block) - 1][1]
        return Found(value, start, last, "executor_label" if labelled else "executor_line")
    return None


_ATTACHMENT = re.compile(r"^\s*Приложени[ея]\s*:?", re.IGNORECASE | re.MULTILINE)
_SHEETS = re.compile(r"(?:на\s*)?(\d{1,4})\s*(?:л\.|л\b|лист[а-я]*)", re.IGNORECASE)


def attachment_sheets(text: str) -> Found | None:
    """Sheets of attachments («Приложение: на 5 л. в 1 экз.»; several items are summed)."""
    match = _ATTACHMENT.search(text)
    if match is None:
        # a whole letter without an «Приложение» mark has no attachments: the clerk records 0
        return Found(0, 0, 0, "no_attachment_mark")
    end = len(text)
    stop = re.search(r"\n\s*\n|\n\s*" + _POSITION_WORDS, text[match.end() :])
    if stop:
        end = match.end() + stop.start()
    block = text[match.end() : min(end, match.end() + 600)]
    sheets = [int(m.group(1)) for m in _SHEETS.finditer(block)]
    if not sheets:
        return None
    return Found(sum(sheets), match.start(), match.end() + len(block), "attachment_block")


_ORG_WORD = re.compile(
    r"^(?:Министерств|Правительств|Администраци|Управлени|Департамент|Комитет|Прокуратур|Дума|Законодательн|"
    r"Собрани|Государственн|Муниципальн|Федеральн|Общество|ООО|АО|ПАО|ОАО|ЗАО|МУП|ГУП|ФГБУ|ГБУ|МБУ|МКУ|"
    r"Служб|Агентств|Инспекци|Фонд|Отделени|Главн|Уполномоченн|Территориальн|Избирательн|Совет|Палат|Суд)",
    re.IGNORECASE,
)


def letterhead(text: str) -> Found | None:
    """The sender's name from the top of the left column («МИНИСТЕРСТВО … ОБЛАСТИ»), up to its address."""
    cells = columns(text, 12)[0]
    taken: list[tuple[int, int, str]] = []
    for start, end, cell in cells:
        if re.search(r"\d|@|тел\.|ул\.|пр\.|www|http", cell, re.IGNORECASE) or len(cell) > 80:
            break
        if taken and text.count("\n", taken[-1][1], start) > 1:
            break
        taken.append((start, end, cell))
        if len(taken) == 4:
            break
    if not taken or not _ORG_WORD.match(taken[0][2]):
        return None
    name = re.sub(r"\s+", " ", " ".join(t[2] for t in taken)).strip()
    return Found({"id": None, "name": name}, taken[0][0], taken[-1][1], "letterhead")
