"""Generator realism: register truths present in the letter text, letter length, hard negatives, the two-column
header, clean scans, HTML e-mails and МЭДО packages. Tiny worlds; properties, not exact text."""

from __future__ import annotations

import csv
import email
import random
import statistics
import zipfile
from email import policy
from xml.etree import ElementTree as ET

import pytest

from data.generator.build import build
from data.generator.truthcheck import absence, date_forms, name_present, phone_present

# fields the card extracts from the letter itself: a truth absent from the text is a generator bug
EXTRACTABLE = [
    "outgoing_number", "outgoing_date", "reply_to_number", "reply_to_date", "addressee", "signatory_name",
    "signatory_position", "sender_contact_name", "sender_contact_phone", "sender_contact_email",
    "applicant_full_name", "applicant_email", "applicant_phone", "applicant_address", "forwarded_by",
    "attachment_sheets", "subject",
]  # fmt: skip


@pytest.fixture(scope="module")
def rows(tmp_path_factory) -> list[dict]:
    out = tmp_path_factory.mktemp("realism")
    build(out, seed=23, years=1, per_year=700, render=0)
    with (out / "register.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_checker_accepts_other_surface_forms_and_rejects_absent_values():
    assert name_present("Иванова А.С.", "направить Ивановой А.С. для ответа")
    assert name_present("Петров Иван Сергеевич", "от Петрова Ивана Сергеевича")
    assert not name_present("Петров Иван Сергеевич", "от Сидорова Ивана Сергеевича")
    assert phone_present("+7 912 345-67-89", "тел. 8 (912) 345 67 89")
    assert not phone_present("+7 912 345-67-89", "тел. 8 (912) 345 67 80")
    assert "12 марта 2024" in date_forms("2024-03-12") and "12.03.24" in date_forms("2024-03-12")
    miss = absence([{"outgoing_number": "01-12/345", "text": "№ 01-12/346 от 12.03.2024"}])
    assert miss["outgoing_number"] == (1, 1)


def test_every_extractable_truth_is_in_the_letter_text(rows):
    result = absence(rows)
    for field in EXTRACTABLE:
        miss, have = result[field]
        assert have > 0, field
        assert miss == 0, (field, miss, have)


def test_truths_the_letter_does_not_carry_are_blank(rows):
    citizens = [r for r in rows if r["applicant_full_name"]]
    # not every citizen gives an e-mail, phone and address: those cards leave the field empty
    assert 0.05 < sum(not r["applicant_email"] for r in citizens) / len(citizens) < 0.6
    assert any(not r["applicant_phone"] for r in citizens)
    orgs = [r for r in rows if r["sender_contact_name"]]
    assert 0.1 < sum(not r["sender_contact_email"] for r in orgs) / len(orgs) < 0.6
    for r in rows:
        if r["channel"] == "email" and r["applicant_full_name"] and not r["forwarded_by_id"]:
            assert r["applicant_email"] and r["applicant_email"] in r["text"]


def test_letters_are_long_like_real_ones(rows):
    lengths = [len(r["text"]) for r in rows]
    assert statistics.median(lengths) > 1150
    assert sum(n > 2200 for n in lengths) > 0.08 * len(lengths)
    assert sum(r["page_count"] == "2" for r in rows) > 0.15 * len(rows)
    texts = [r["text"] for r in rows if r["correspondent_id"]]
    listed = sum(("\n1. " in t or "\n1) " in t or "\n– " in t) for t in texts)
    assert listed > 0.2 * len(texts)  # numbered lists of requests, findings, attachments


def test_hard_negatives_cite_the_earlier_letter(rows):
    by_id = {r["doc_id"]: r for r in rows}
    kinds = {r["lookalike_kind"] for r in rows if r["lookalike_of"]}
    assert {"report", "follow_up", "same_applicant"} <= kinds
    for r in rows:
        if r["lookalike_kind"] in ("follow_up", "reminder"):
            orig = by_id[r["lookalike_of"]]
            assert orig["outgoing_number"] in r["text"]  # «В дополнение к письму от … № …»
            assert r["outgoing_number"] != orig["outgoing_number"] and not r["duplicate_of"]


def test_letterhead_stays_out_of_the_addressee_column(tmp_path):
    import pdfplumber

    from data.generator.layout import layout
    from data.generator.render_pdf import pdf_bytes

    letterhead = "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ «ЖИЛИЩНО-КОММУНАЛЬНОЕ ХОЗЯЙСТВО ЮЖНОУРАЛЬСКОЕ»"
    addressee = "Заместителю Губернатора\nЧелябинской области\nИ.И. Иванову"
    blocks = [("letterhead", letterhead + "\nИНН 7451234567"), ("regline", "№ 01-12/345 от 12.03.2024"),
              ("addressee", addressee), ("subject", "О ремонте"), ("body", "Текст письма.")]  # fmt: skip
    pages = layout(blocks, "two_column")
    for seed in range(6):  # fonts and margins vary with the seed
        path = tmp_path / f"{seed}.pdf"
        path.write_bytes(pdf_bytes(pages, random.Random(seed)))
        with pdfplumber.open(path) as pdf:
            words = pdf.pages[0].extract_words()
        right_x0 = min(w["x0"] for w in words if w["text"] in ("Заместителю", "Челябинской", "Иванову"))
        left = [w for w in words if w["x0"] < right_x0 - 1 and w["top"] < 200]
        assert left and max(w["x1"] for w in left) < right_x0 - 10, seed


def test_clean_scans_exist_and_are_undamaged():
    from PIL import Image

    from data.generator.render import choose_format
    from data.generator.render_scan import degrade

    rng = random.Random(1)
    noises = {choose_format("post", 1, rng)[1] for _ in range(200)}
    assert {"clean", "light", "heavy"} <= noises
    img = Image.new("L", (50, 40), 255)
    assert degrade(img, random.Random(2), "clean", 200).tobytes() == img.tobytes()


def test_html_email_parts(tmp_path):
    from data.generator.render_email import email_bytes

    row = {"doc_id": "D2025-000001", "applicant_email": "ivanov.i1@mail.ru", "applicant_full_name": "Иванов И.И.",
           "reg_date": "2025-03-03", "subject": "", "outgoing_date": ""}  # fmt: skip
    text = "Здравствуйте!\nПрошу отремонтировать дорогу <у дома 5> & двор."
    seen = set()
    for seed in range(40):
        data, gt, info = email_bytes(row, text, random.Random(seed), "body")
        assert data == email_bytes(row, text, random.Random(seed), "body")[0]  # fixed boundaries
        msg = email.message_from_bytes(data, policy=policy.default)
        seen.add(info["html"])
        if info["html"]:
            html = msg.get_body(("html",)).get_content()
            assert "&lt;у дома 5&gt; &amp;" in html and "<html>" in html
        if info["html"] == "alternative":
            assert msg.get_content_type() == "multipart/alternative"
            assert msg.get_body(("plain",)).get_content().strip() == text
        assert gt == text
    assert {"", "alternative", "only"} <= seen


def test_medo_package_holds_pdf_and_passport(tmp_path):
    from data.generator.layout import layout, page_text
    from data.generator.render_medo import NS, medo_zip
    from data.generator.render_pdf import pdf_bytes

    row = {"doc_id": "D2025-000002", "reg_date": "2025-03-04", "outgoing_number": "01-12/345",
           "outgoing_date": "2025-03-03", "correspondent_name": "Министерство строительства Челябинской области",
           "signatory_name": "Петров П.П.", "signatory_position": "Министр", "subject": "О ремонте",
           "addressee": "Иванов И.И.", "sender_contact_name": "Сидорова А.А.",
           "sender_contact_phone": "8 (351) 123-45-67", "sender_contact_email": "", "doc_kind": "letter"}  # fmt: skip
    pages = layout([("letterhead", "Министерство"), ("regline", "№ 01-12/345 от 03.03.2025"),
                    ("subject", "О ремонте"), ("body", "Текст.")], "stacked")  # fmt: skip
    data = medo_zip(row, pdf_bytes(pages, random.Random(3)), random.Random(4), len(pages))
    assert data == medo_zip(row, pdf_bytes(pages, random.Random(3)), random.Random(4), len(pages))
    path = tmp_path / "m.zip"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as zf:
        passport = ET.fromstring(zf.read("passport.xml"))
        pdf_name = next(n for n in zf.namelist() if n.endswith(".pdf"))
        (tmp_path / "d.pdf").write_bytes(zf.read(pdf_name))
    q = {"x": NS}
    assert passport.find(".//x:num/x:number", q).text == "01-12/345"
    assert passport.find(".//x:num/x:date", q).text == "2025-03-03"
    assert passport.find(".//x:source/x:organization", q).text == row["correspondent_name"]
    assert passport.find(".//x:executor/x:email", q) is None  # not given: not invented
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(tmp_path / "d.pdf"))
    try:
        text = "\n".join(p.get_textpage().get_text_range() for p in pdf)
    finally:
        pdf.close()
    assert "01-12/345" in text and page_text(pages[0]).split("\n")[0] in text
