"""E-mails (stdlib email): the letter in the body, or a short cover note with the letter attached as PDF or
DOCX, or a forwarded chain; UTF-8 or windows-1251, base64 or quoted-printable."""

from __future__ import annotations

import datetime as dt
import random
from email.message import EmailMessage
from email.utils import format_datetime

OUR_ADDRESS = ("Правительство Челябинской области", "priem@gov74.ru")
COVERS = [
    "Добрый день!\nНаправляем письмо во вложении.\nПросим подтвердить получение.",
    "Здравствуйте.\nВо вложении письмо для рассмотрения.",
    "Направляется в электронном виде. Оригинал направлен почтой.",
    "Уважаемые коллеги!\nПросим рассмотреть прилагаемое письмо.\nС уважением,\nприемная",
]


def _sent_at(day: str, rng: random.Random) -> dt.datetime:
    d = dt.date.fromisoformat(day)
    tz = dt.timezone(dt.timedelta(hours=5))
    return dt.datetime(
        d.year, d.month, d.day, rng.randint(8, 18), rng.randint(0, 59), rng.randint(0, 59), tzinfo=tz
    )


def email_bytes(
    row: dict, text: str, rng: random.Random, mode: str, attachment: tuple[str, bytes, str] | None = None
) -> tuple[bytes, str, dict]:
    """mode: body | attachment | forward. attachment: (file name, bytes, ground truth). Returns bytes, gt, details."""
    msg = EmailMessage()
    if row.get("applicant_email") and not row.get("forwarded_by_id"):
        sender = (row.get("applicant_full_name") or "", row["applicant_email"])
    else:
        sender = (
            row.get("sender_contact_name") or "",
            row.get("sender_contact_email") or "office@example.ru",
        )
    sent = _sent_at(row.get("outgoing_date") or row["reg_date"], rng)
    subject = row.get("subject") or rng.choice(["Обращение", "обращение гражданина", "Жалоба", "Заявление"])
    charset = rng.choice(["utf-8", "utf-8", "windows-1251"])
    cte = rng.choice(["base64", "quoted-printable"])
    if mode == "forward":
        fwd_name = rng.choice(["Приемная", "Общий отдел", "Канцелярия"])
        msg["From"] = (
            f'"{fwd_name}" <{rng.choice(["kanc", "obshiy", "priemnaya"])}@{sender[1].split("@")[1]}>'
        )
        body = (
            "-------- Пересылаемое сообщение --------\n"
            f"{sent:%d.%m.%Y, %H:%M}, {sender[0]} <{sender[1]}>:\n"
            f"Кому: {OUR_ADDRESS[1]}\nТема: {subject}\n\n{text}\n"
            "-------- Конец пересылаемого сообщения --------"
        )
        subject = "Fwd: " + subject
    else:
        msg["From"] = f'"{sender[0]}" <{sender[1]}>' if sender[0] else sender[1]
        body = text if mode == "body" else rng.choice(COVERS)
    msg["To"] = f'"{OUR_ADDRESS[0]}" <{OUR_ADDRESS[1]}>'
    msg["Subject"] = subject
    msg["Date"] = format_datetime(sent)
    msg["Message-ID"] = f"<{row['doc_id'].lower()}.{rng.randint(1000, 9999)}@{sender[1].split('@')[1]}>"
    try:
        body.encode(charset)
    except UnicodeEncodeError:
        charset = "utf-8"
    html = rng.choices(["", "alternative", "only"], [0.45, 0.4, 0.15])[0]
    if html == "only":  # web mailers that send no plain part
        msg.set_content(html_body(body, rng), subtype="html", charset=charset, cte=cte)
    else:
        msg.set_content(body, charset=charset, cte=cte)
        if html:
            msg.add_alternative(html_body(body, rng), subtype="html", charset=charset, cte=cte)
    gt = body
    if mode == "attachment" and attachment:
        name, data, att_gt = attachment
        if name.endswith(".pdf"):
            maintype, subtype = "application", "pdf"
        else:
            maintype, subtype = "application", "vnd.openxmlformats-officedocument.wordprocessingml.document"
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
        gt = body + "\n" + att_gt
    for part in msg.walk():  # fixed boundaries: the same seed gives the same bytes
        if part.is_multipart():
            part.set_boundary(f"===============docket{rng.randrange(10**12):012d}==")
    return bytes(msg), gt, {"charset": charset, "cte": cte, "mode": mode, "html": html}


def html_body(text: str, rng: random.Random) -> str:
    """The text as a mail client's HTML: a paragraph per line (or <br> lines in one <div>), some styling."""
    from html import escape

    lines = [escape(line) for line in text.split("\n")]
    font = rng.choice(["Arial", "Times New Roman", "Calibri", "Tahoma"])
    if rng.random() < 0.5:
        inner = "\n".join(f'<p style="margin:0">{line or "&nbsp;"}</p>' for line in lines)
    else:
        inner = "<div>" + "<br>\n".join(lines) + "</div>"
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html"></head>\n'
        f'<body><div style="font-family:{font}, sans-serif; font-size:{rng.choice([10, 11, 12, 14])}pt">\n'
        f"{inner}\n</div></body></html>\n"
    )
