"""Printouts that wrap a citizen's words in another system's card: call-centre and regional-centre cards
(«Единый контакт-центр», «Центр управления регионом», «Прямая линия»), the registration card of an appeal
that a higher body received electronically, and that body's own forwarding cover inside a forwarded package.
Their metadata is long and carries numbers, dates and names that are not the card's truths."""

from __future__ import annotations

import datetime as dt
import random

from data.generator import phrases_forms as F
from data.generator.calendar import format_date
from data.generator.letters import Block, Letter, fill, typo


def _time(rng: random.Random) -> str:
    return f"{rng.randint(8, 21):02d}:{rng.randint(0, 59):02d}"


def callcentre_letter(
    rng: random.Random,
    *,
    number: str,
    created: dt.date,
    deadline: dt.date,
    applicant,
    address: str,
    street: str,
    phone: str,
    email: str,
    topic,
    body: list[str],
    typo_rate: float,
    addressee: str,
    operator,
) -> Letter:
    """A card printed from a call-centre or incident system; the citizen's words sit in the middle of it."""
    style = rng.randrange(3)
    letter = Letter(layout="form", package=("call_centre", "incident", "hotline")[style])
    if not address:
        letter.hidden.add("applicant_address")
    if not email or style == 1 or rng.random() < 0.3:  # calls and posts in social networks rarely give one
        email = ""
        letter.hidden.add("applicant_email")
    if not phone:
        letter.hidden.add("applicant_phone")
    stamp = f"{created:%d.%m.%Y} {_time(rng)}"
    earlier = rng.choice(["Да", "Нет", "Нет"])
    urgent = rng.choice(["Нет", "Нет", "Нет", "Да"])
    text = typo("\n".join(body), rng, typo_rate)
    if style == 0:
        head = [
            "Единый контакт-центр Челябинской области",
            f"Карточка обращения № {number}",
            f"Дата и время звонка: {stamp}",
            f"Оператор: {operator.short}",
        ]
        fields = [
            f"Канал поступления: {rng.choice(F.CALL_CHANNELS)}",
            f"Заявитель: {applicant.full}",
            f"Контактный телефон: {phone}" if phone else "Контактный телефон: не указан",
            f"Адрес электронной почты: {email}" if email else "",
            f"Адрес заявителя: {address}" if address else "Адрес заявителя: не сообщил",
            f"Место проблемы: {street}",
            f"Категория: {topic.theme}",
            f"Подкатегория: {topic.name}",
            f"Срочность: {'высокая' if urgent == 'Да' else 'обычная'}",
            f"Обращался ранее: {earlier.lower()}",
            "Согласие на обработку персональных данных: получено",
            f"Ответственный орган: {addressee}",
            f"Срок ответа: {deadline:%d.%m.%Y}",
            "Суть обращения (со слов заявителя):",
        ]
        tail = [
            "Отметка оператора",
            rng.choice(F.OPERATOR_MARKS),
            f"Статус: {rng.choice(F.STATUSES)}",
            f"Карточку заполнил: {operator.full}, {format_date(created, 3)} {_time(rng)}",
        ]
    elif style == 1:
        net = rng.choice(F.NETWORKS)
        head = [
            "Центр управления регионом Челябинской области",
            "Инцидент-менеджмент",
            f"Инцидент № {number}",
            f"Дата публикации: {stamp}",
        ]
        fields = [
            f"Источник: {net[0]}",
            f"Ссылка на сообщение: {net[1]}{rng.randint(10**7, 10**9)}_{rng.randint(1000, 99999)}",
            f"Автор: {applicant.full}",
            f"Телефон (со слов автора): {phone}" if phone else "",
            f"Адрес: {address}" if address else "",
            f"Тема: {topic.theme}",
            f"Рубрика: {topic.name}",
            f"Тональность: {rng.choice(['негативная', 'негативная', 'нейтральная'])}",
            f"Охват: {rng.randint(150, 40000)}",
            f"Ответственный: {addressee}",
            f"Срок реакции: {deadline:%d.%m.%Y}",
            "Текст сообщения:",
        ]
        tail = [
            f"Статус: {rng.choice(F.STATUSES)}",
            f"Модератор: {operator.short}",
            rng.choice(F.INCIDENT_NOTES),
        ]
    else:
        head = [
            f"{created:%d.%m.%y} {_time(rng)}",
            f"Обращение № {number}",
            f"Дата создания: {_time(rng)} {created:%d.%m.%Y}",
            f"Дата дедлайна по исполнению: {deadline:%d.%m.%Y}",
        ]
        letter.hidden |= {"addressee", "addressee_id"}  # the card names the organisation, not an official
        fields = [
            "Информация о гражданине",
            "ФИО гражданина:",
            applicant.full,
            "Электронная почта:",
            email,
            "Номер телефона:",
            phone,
            "Адрес обратившегося:",
            address,
            "География обращения",
            "Федеральный округ: Уральский федеральный округ",
            "Регион: Челябинская область",
            "Источник обращения",
            "Организация: Правительство Челябинской области",
            f"Канал: {rng.choice(F.LINE_CHANNELS)}",
            "Поток: Прямая линия",
            "Тематика обращения",
            f"Категория обращения: {topic.theme}",
            f"Подкатегория обращения: {topic.name}",
            "Дополнительная информация",
            "География гражданина",
            f"Адрес источника: Челябинская область, {street}",
            "Федеральный округ: Уральский федеральный округ",
            "Регион: Челябинская область",
            f"Срочно: {urgent}",
            f"Обращались ранее: {earlier}",
            "Возраст на момент создания обращения:",
            f"Система-источник: {rng.choice(F.SOURCE_SYSTEMS)}",
            f"Идентификатор в системе-источнике: {rng.randint(10**17, 10**18 - 1)}",
            "Информация о волонтёре",
            f"Обработка волонтёром: {rng.choice(['нет', 'да', '0'])}",
            f"Количество спама и обсценной лексики: {rng.choice([0, 0, 0, 2, 5])} %",
            "Текст обращения",
        ]
        tail = [
            "Отметка оператора колл-центра",
            rng.choice(F.OPERATOR_MARKS),
            "Сбросить Отменить Сохранить",
            "Комментарии",
            "Ход решения",
            f"{operator.full}",
            f"{_time(rng)} {format_date(created + dt.timedelta(days=rng.randint(0, 3)), 3)}",
            rng.choice(F.OPERATOR_COMMENTS).format(street=street),
        ]
    letter.blocks.append(Block("form_header", "\n".join(head)))
    letter.blocks.append(Block("form_fields", "\n".join(f for f in fields if f)))
    letter.blocks.append(Block("body", text))
    letter.blocks.append(Block("form_fields", "\n".join(tail)))
    return letter


def registration_card(
    rng: random.Random,
    *,
    body_name: str,
    received_at: str,
    addressed_to: str,
    number: str,
    day: dt.date,
    applicant,
    address: str,
    phone: str,
    email: str,
    body: list[str],
    typo_rate: float,
) -> Letter:
    """How a higher body prints an appeal it received electronically before forwarding it."""
    letter = Letter(layout="stacked")
    if not address:
        letter.hidden.add("applicant_address")
    if not phone:
        letter.hidden.add("applicant_phone")
    head = [body_name, f"Обращение № {number} от {day:%d.%m.%Y}"]
    fields = [
        f"Куда поступило: {received_at}",
        f"Адресат: {addressed_to}",
        f"Социальное положение: {rng.choice(F.SOCIAL)}",
        f"Автор: {applicant.full}",
        f"E-mail: {email}",
        "Страна: Российская Федерация",
        "Регион: Челябинская область",
        f"Адрес: {address}" if address else "Адрес:",
        f"Телефон: {phone}" if phone else "Телефон:",
        "Текст обращения:",
    ]
    letter.blocks.append(Block("form_header", "\n".join(head)))
    letter.blocks.append(Block("form_fields", "\n".join(fields)))
    letter.blocks.append(Block("body", typo("\n".join(body), rng, typo_rate)))
    return letter


def upstream_cover(
    rng: random.Random,
    *,
    body: tuple,
    addressee: str,
    applicant_gen: str,
    contact: str,
    question: str,
    number: str,
    sent: dt.date,
    received: dt.date,
    received_number: str,
    signer,
    sheets: int,
) -> Letter:
    """The higher body's cover that came with the appeal to the body now forwarding it to us."""
    slots = {
        "applicant_gen": applicant_gen, "contact": contact, "question": question,
        "received": f"{received:%d.%m.%Y}", "received_number": received_number, "addressed_gen": body[4][1],
    }  # fmt: skip
    letter = Letter(layout="stacked")
    letter.blocks.append(Block("letterhead", body[0]))
    letter.blocks.append(Block("regline", f"{format_date(sent, rng.choice([0, 1, 2]))} № {number}"))
    letter.blocks.append(Block("addressee", addressee))
    paras = [fill(rng.choice(F.UPSTREAM_OPENINGS), slots)]
    paras += [fill(t, slots) for t in rng.sample(F.UPSTREAM_MIDDLE, rng.randint(1, 2))]
    paras.append(fill(rng.choice(F.UPSTREAM_CLOSINGS), slots))
    letter.blocks.append(Block("body", "\n".join(paras)))
    letter.blocks.append(
        Block(
            "attachment", f"Приложение: обращение от {received:%d.%m.%Y} № {received_number} на {sheets} л."
        )
    )
    letter.blocks.append(Block("signature", f"{rng.choice(body[1])}\n{signer.short_front}"))
    letter.blocks.append(Block("contact", f"{signer.full}\n{rng.randint(600, 699)}-{rng.randint(10, 99)}-"
                               f"{rng.randint(10, 99)}"))  # fmt: skip
    return letter


def mail_printout(
    rng: random.Random, letter: Letter, *, applicant, email: str, day: dt.date, subject: str
) -> Letter:
    """A citizen's e-mail to another mailbox of the government, forwarded inside to the reception and printed
    from the web mail client: the mail headers come before the citizen's words."""
    sent = day - dt.timedelta(days=rng.randint(0, 3))
    unit, box = rng.choice(F.INNER_MAILBOXES)
    head = [
        f"Fwd: {subject}",
        rng.choice(F.MAIL_CLIENTS),
        f"{format_date(day, 1).removesuffix(' г.')} г., {_time(rng)}",
        f"От кого: «{unit}» <{box}@gov74.ru>",
        f"Кому: «{rng.choice(F.RECEPTION_NAMES)}» <obr@gov74.ru>",
        "",
        "-------- Пересылаемое сообщение --------",
        f"{sent:%d.%m.%Y}, {_time(rng)}, {applicant.full if rng.random() < 0.6 else applicant.first} <{email}>:",
        f"Тема: {subject}",
    ]
    return Letter(
        blocks=[Block("form_header", "\n".join(head))] + letter.blocks,
        layout=letter.layout,
        hidden=letter.hidden - {"applicant_email"},
        package="mail_forward",
    )
