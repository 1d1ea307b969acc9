"""The text of a letter, as blocks in reading order: letterhead, registration line, addressee, subject, body,
attachments, signature, the sender's executor. Renderers lay the blocks out; the text is their join."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from data.generator import phrases as P
from data.generator import phrases_forms as PF
from data.generator import phrases_long as PL
from data.generator.calendar import format_date

MONTHS_NOM = [
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
]  # fmt: skip
QUARTERS = ["I квартал", "II квартал", "III квартал", "IV квартал"]


@dataclass
class Block:
    name: str  # letterhead, regline, addressee, subject, greeting, body, attachment, signature, contact, ...
    text: str


@dataclass
class Letter:
    blocks: list[Block] = field(default_factory=list)
    layout: str = "stacked"  # stacked | two_column | form | forwarded
    pages_hint: int = 1
    hidden: set[str] = field(default_factory=set)  # truths the page does not carry (the register blanks them)
    package: str = ""  # the register's `package` when the letter is not a plain letter

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks if b.text)


def typo(text: str, rng: random.Random, rate: float) -> str:
    """Citizens' typing: dropped, doubled or swapped letters, lost commas (about `rate` edits per character)."""
    if rate <= 0 or not text:
        return text
    chars = list(text)
    n = len(chars)
    for _ in range(max(1, int(n * rate))):
        i = rng.randrange(n - 1)
        c = chars[i]
        op = rng.random()
        if c == ",":
            chars[i] = ""
        elif not c.isalpha():
            continue
        elif op < 0.35:
            chars[i] = ""
        elif op < 0.7 and chars[i + 1].isalpha():
            chars[i], chars[i + 1] = chars[i + 1], c
        else:
            chars[i] = c + c
    return "".join(chars)


def o_about(about: str, capital: bool = False) -> str:
    """«о перебоях …», «об установке …»: the preposition before a vowel is «об»."""
    word = "об" if about[:1].lower() in "аоуэиы" else "о"
    return f"{word.capitalize() if capital else word} {about}"


def fill(template: str, slots: dict[str, str]) -> str:
    return template.format_map(slots)


def period_text(rng: random.Random, day: dt.date) -> tuple[str, str]:
    """A reporting period before `day` and a key that differs between monthly/quarterly reports."""
    if rng.random() < 0.6:
        m = (day.month - 2) % 12
        y = day.year - (1 if day.month == 1 else 0)
        return f"{MONTHS_NOM[m]} {y} года", f"{y}-{m + 1:02d}"
    q = (day.month - 1) // 3 - 1
    y = day.year - (1 if q < 0 else 0)
    return f"{QUARTERS[q % 4]} {y} года", f"{y}-Q{q % 4 + 1}"


def base_slots(rng: random.Random, topic, day: dt.date, place: dict) -> dict[str, str]:
    v = rng.sample(topic.vocabulary, 2)
    recent = day - dt.timedelta(days=rng.randint(10, 120))
    proto = day - dt.timedelta(days=rng.randint(15, 400))
    count = rng.randint(3, 60)
    return {
        "about": topic.about,
        "o_about": o_about(topic.about),
        "O_about": o_about(topic.about, capital=True),
        "name": topic.name[0].lower() + topic.name[1:],
        "name_gen_hint": topic.name[0].lower() + topic.name[1:],
        "theme_gen": f"в сфере «{topic.theme.lower()}»",
        "theme_dat": f"направлению «{topic.theme}»",
        "v1": v[0],
        "v1_cap": v[0][0].upper() + v[0][1:],
        "v2": v[1],
        "law": rng.choice(P.LAWS),
        "ref": f"письма Министерства от {proto:%d.%m.%Y} № {rng.randint(1, 20):02d}/{rng.randint(100, 9999)}",
        "place": place["gen"],
        "place_cap": place["nom"],
        "place_gen": place["gen"],
        "place_prep": place["prep"],
        "recent": f"{recent:%d.%m.%Y}",
        "proto_date": f"{proto:%d.%m.%Y}",
        "proto_num": f"{rng.randint(1, 40)}",
        "pp_num": f"{rng.randint(10, 700)}",
        "pr_num": f"{rng.choice(['ММ', 'ДГ', 'АН', 'ТГ'])}-П{rng.randint(1, 16)}-{rng.randint(1000, 30000)}",
        "year": str(day.year),
        "money": f"{rng.randint(120, 90000):,}".replace(",", " "),
        "share": str(rng.randint(5, 95)),
        "count": str(count),
        "count2": str(count + rng.randint(0, 20)),
        "purpose": rng.choice(P.ORG_PURPOSES),
        "period": period_text(rng, day)[0],
        "deadline": format_date(day + dt.timedelta(days=rng.randint(7, 30)), 0),
        "event": format_date(day + dt.timedelta(days=rng.randint(3, 20)), 1),
        "house": "",
        "address": "",
    }


def paragraphs(rng: random.Random, bank: list[str], slots: dict[str, str], k: int) -> list[str]:
    return [fill(t, slots) for t in rng.sample(bank, min(k, len(bank)))]


def org_letter(
    rng: random.Random,
    *,
    kind: str,
    org,
    org_name: str,
    topic,
    slots: dict[str, str],
    out_number: str,
    out_date: str,
    reply: tuple[str, str] | None,
    addressee_lines: list[str],
    subject: str,
    signatory: tuple[str, str],
    contact: tuple[str, str, str],
    attachment_sheets: int,
    greeting: str | None,
    layout: str,
    extra_body: list[str] | None = None,
    title: str | None = None,
    attachment_note: str | None = None,
) -> Letter:
    letter = Letter(layout=layout)
    head = [org_name]
    if rng.random() < 0.8:
        head.append(org.address)
    if rng.random() < 0.7:
        head.append(f"тел. {org.phone}, e-mail: {org.email}")
    if org.kind == "company" and rng.random() < 0.5:
        head.append(f"ИНН {org.inn}")
    letter.blocks.append(Block("letterhead", "\n".join(head)))
    reg_style = rng.randrange(3)
    if reg_style == 0:
        regline = f"{out_date} № {out_number}"
    elif reg_style == 1:
        regline = f"№ {out_number} от {out_date}"
    else:
        regline = f"Исх. № {out_number}\nот {out_date}"
    if reply:
        regline += f"\nНа № {reply[0]} от {reply[1]}"
    letter.blocks.append(Block("regline", regline))
    letter.blocks.append(Block("addressee", "\n".join(addressee_lines)))
    if title:
        letter.blocks.append(Block("title", title))
    letter.blocks.append(Block("subject", subject))
    if greeting:
        letter.blocks.append(Block("greeting", greeting))
    body = extra_body if extra_body is not None else []
    letter.blocks.append(Block("body", "\n".join(body)))
    if attachment_note:
        letter.blocks.append(Block("attachment", attachment_note))
    elif attachment_sheets >= 2 and rng.random() < 0.4:
        letter.blocks.append(Block("attachment", attachment_list(rng, attachment_sheets)))
    elif attachment_sheets:
        copies = rng.choice(["в 1 экз.", "в 1 экз.", "в 2 экз."])
        note = rng.choice(
            [
                f"Приложение: на {attachment_sheets} л. {copies}",
                f"Приложение: по тексту на {attachment_sheets} л.",
                f"Приложение: {attachment_sheets} л.",
            ]
        )
        letter.blocks.append(Block("attachment", note))
    letter.blocks.append(Block("signature", f"{signatory[0]}\n{signatory[1]}"))
    c_name, c_phone, c_email = contact
    style = rng.randrange(3)
    if style == 0:
        ctext = f"Исп. {c_name}\n{c_phone}"
        letter.hidden.add("sender_contact_email")
    elif style == 1:
        ctext = f"Исполнитель: {c_name}, тел. {c_phone}, {c_email}"
    else:
        ctext = f"{c_name}\n{c_phone}\n{c_email}"
    letter.blocks.append(Block("contact", ctext))
    return letter


def citizen_letter(
    rng: random.Random,
    *,
    addressee_lines: list[str],
    applicant,
    address: str,
    phone: str,
    email: str,
    appeal_kind: str,
    body: list[str],
    day: dt.date,
    typo_rate: float,
    signers: list[str] | None = None,
    from_line: str | None = None,
    email_shown: bool = False,
) -> Letter:
    letter = Letter(layout="stacked")
    letter.blocks.append(Block("addressee", "\n".join(addressee_lines)))
    who = from_line or f"от {applicant.genitive_full()}"
    lines = [who]
    if rng.random() < 0.85:
        living = "проживающей по адресу: " if applicant.gender == "F" else "проживающего по адресу: "
        lines.append(rng.choice([living, living, "адрес: ", "", "Адрес для ответа: "]) + address)
    else:
        letter.hidden.add("applicant_address")
    if phone and rng.random() < 0.8:
        lines.append(rng.choice(["тел. ", "Тел.: ", "телефон ", "т. "]) + phone)
    else:
        letter.hidden.add("applicant_phone")
    if email and (email_shown or rng.random() < 0.8):
        lines.append(rng.choice(["e-mail: ", "эл. почта: ", ""]) + email)
    else:
        letter.hidden.add("applicant_email")
    letter.blocks.append(Block("from", "\n".join(lines)))
    if rng.random() < 0.6:
        title = P.APPEAL_TITLES[appeal_kind]
        letter.blocks.append(Block("title", title.upper() if rng.random() < 0.4 else title))
    letter.blocks.append(Block("body", typo("\n".join(body), rng, typo_rate)))
    sign = f"С уважением, {applicant.short}" if rng.random() < 0.6 else applicant.short
    date_text = format_date(day, rng.choice([0, 0, 3, 1]))
    if signers:
        sign = "Подписи жителей:\n" + "\n".join(f"{i + 1}. {s}" for i, s in enumerate(signers))
    letter.blocks.append(Block("signature", f"{sign}\n{date_text}"))
    return letter


def webform_letter(
    rng: random.Random,
    *,
    portal_number: str,
    submitted: dt.date,
    applicant,
    address: str,
    phone: str,
    email: str,
    topic,
    body: list[str],
    typo_rate: float,
    addressee: str,
    platform: bool = False,
) -> Letter:
    letter = Letter(layout="form", package="platform_form" if platform else "web_form")
    if not address:
        letter.hidden.add("applicant_address")
    if not phone:
        letter.hidden.add("applicant_phone")
    style = 2 if platform else rng.randrange(2)
    if style == 0:
        head = [
            "Интернет-приемная Губернатора и Правительства Челябинской области",
            f"Обращение № {portal_number} от {submitted:%d.%m.%Y}",
        ]
        fields = [
            f"Адресат: {addressee}",
            f"ФИО: {applicant.full}",
            f"Электронная почта: {email}",
            f"Телефон: {phone}" if phone else "",
            f"Почтовый адрес: {address}" if address else "",
            f"Тема: {topic.theme}",
            "Текст обращения:",
        ]
    elif style == 2:
        head = [
            "Платформа обратной связи (ПОС)",
            f"Сообщение № {portal_number}",
            f"Поступило: {submitted:%d.%m.%Y} {rng.randint(8, 22):02d}:{rng.randint(0, 59):02d}",
        ]
        fields = [
            f"Орган власти, адресат: {addressee}",
            f"Автор: {applicant.full}",
            f"E-mail: {email}",
            f"Телефон: {phone}" if phone else "",
            f"Адрес: {address}" if address else "",
            f"Категория: {topic.theme}",
            f"Подкатегория: {topic.name}",
            "Описание:",
        ]
    else:
        head = [
            "Электронное обращение через официальный портал",
            f"Регистрационный номер на портале: {portal_number}",
            f"Дата подачи: {format_date(submitted, 1)}",
        ]
        fields = [
            f"Кому: {addressee}",
            f"Заявитель: {applicant.full}",
            f"Адрес для ответа: {email}",
            f"Контактный телефон: {phone}" if phone else "",
            f"Адрес проживания: {address}" if address else "",
            "Суть обращения:",
        ]
    letter.blocks.append(Block("form_header", "\n".join(head)))
    letter.blocks.append(Block("form_fields", "\n".join(f for f in fields if f)))
    letter.blocks.append(Block("body", typo("\n".join(body), rng, typo_rate)))
    return letter


def long_slots(rng: random.Random, slots: dict[str, str], day: dt.date) -> dict[str, str]:
    """Extra fill-ins of the longer paragraphs: another law, article numbers, an older date and number."""
    older = day - dt.timedelta(days=rng.randint(30, 700))
    return dict(
        slots,
        law_gen=rng.choice(PL.LAWS_GEN),
        art=str(rng.choice([8, 10, 12, 14, 15, 16, 17, 26, 36, 44, 161])),
        part=str(rng.randint(1, 6)),
        date2=f"{older:%d.%m.%Y}",
        num2=f"{rng.randint(1, 99):02d}-{rng.randint(10, 9999)}",
        money2=f"{rng.randint(500, 250000):,}".replace(",", " "),
        count3=str(rng.randint(2, 25)),
        org_other=rng.choice(["управляющую компанию", "администрацию района", "прокуратуру", "Госжилинспекцию",
                              "Роспотребнадзор", "администрацию города", "приемную депутата"]),
    )  # fmt: skip


def _listing(rng: random.Random, intro: list[str], items: list[str], slots: dict[str, str], k: int) -> str:
    style = rng.choice(PL.ORG_LIST_STYLES)
    picked = [fill(t, slots) for t in rng.sample(items, min(k, len(items)))]
    lines = [style.format(n=i + 1, item=it) for i, it in enumerate(picked)]
    lines[-1] = lines[-1][:-1] + "."
    return "\n".join([rng.choice(intro)] + lines)


def elaborate_org(
    rng: random.Random, slots: dict[str, str], day: dt.date, body: list[str], kind: str
) -> list[str]:
    """Background, legal references and a numbered list around the core paragraphs, as real letters have;
    about one in ten stays short."""
    size = rng.choices([0, 1, 2, 3], [0.1, 0.2, 0.35, 0.35])[0]
    if kind in ("invitation", "notification", "other"):
        size = min(size, 1)
    if not size or not body:
        return body
    s = long_slots(rng, slots, day)
    context = [fill(t, s) for t in rng.sample(PL.ORG_CONTEXT, size + 1)]
    out = body[:1] + context + body[1:-1]
    if size >= 2 or rng.random() < 0.5:
        out.append(_listing(rng, PL.ORG_LIST_INTROS, PL.ORG_LIST_ITEMS, s, rng.randint(2, 3 + size)))
    out.append(body[-1]) if len(body) > 1 else None
    if size == 3:
        out.append(rng.choice(PL.ORG_AFTER))
    return out


def elaborate_citizen(rng: random.Random, slots: dict[str, str], day: dt.date, body: list[str]) -> list[str]:
    """Earlier contacts, details, a legal reference and a list of requests before the closing line."""
    size = rng.choices([0, 1, 2, 3], [0.08, 0.2, 0.34, 0.38])[0]
    if not size:
        return body
    s = long_slots(rng, slots, day)
    extra = [fill(rng.choice(PL.CITIZEN_HISTORY), s)]
    if rng.random() < 0.25:  # some tell the whole story
        extra += [fill(t, s) for t in rng.sample(PF.CITIZEN_STORY, rng.randint(2, 5))]
    if size >= 2:
        extra += [fill(t, s) for t in rng.sample(PL.CITIZEN_DETAILS, size - 1)]
    if size == 3 or rng.random() < 0.3:
        extra.append(fill(rng.choice(PL.CITIZEN_LEGAL), s))
    if size >= 2 and rng.random() < 0.6:
        extra.append(_listing(rng, PL.CITIZEN_LIST_INTROS, PL.CITIZEN_LIST_ITEMS, s, rng.randint(2, 4)))
    return body[:-1] + extra + body[-1:]


def attachment_list(rng: random.Random, sheets: int) -> str:
    """«Приложение: 1. Копия акта на 2 л. в 1 экз.; 2. …»: the register keeps the total of the sheets."""
    k = rng.randint(2, min(4, sheets))
    cuts = sorted(rng.sample(range(1, sheets), k - 1))
    parts = [b - a for a, b in zip([0] + cuts, cuts + [sheets], strict=True)]
    names = rng.sample(PL.ATTACHMENT_ITEMS, k)
    lines = [f"{i + 1}. {n} на {p} л. в 1 экз." for i, (n, p) in enumerate(zip(names, parts, strict=True))]
    return "Приложение:\n" + "\n".join(lines)
