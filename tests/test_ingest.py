"""Ingestion of every supported format into pages with text, words and reading-order blocks."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from email.message import EmailMessage

import pytest
from test_ingest_fixtures import (
    BODY_TEXT,
    HEADER_TEXT,
    LEFT_HEADER,
    RIGHT_HEADER,
    docx_letter,
    squash,
    text_pdf,
)

from pipeline.document import Word
from pipeline.ingest import ingest_bytes, ingest_path, ingest_text
from pipeline.ingest.layout import layout
from pipeline.ingest.pdf import usable_text_layer
from pipeline.ingest.repair import repair_text

EXPECTED = HEADER_TEXT + "\n\n" + BODY_TEXT


def test_text_pdf_keeps_header_columns_apart_and_reads_in_order():
    document = ingest_bytes(text_pdf(pages=2), "letter.pdf")
    assert document.media_type == "application/pdf"
    assert len(document.pages) == 2 and not document.ocr_used
    page = document.pages[0]
    assert page.text == EXPECTED
    assert [b.text for b in page.blocks] == ["\n".join(LEFT_HEADER), "\n".join(RIGHT_HEADER), BODY_TEXT]
    left, right, body = (b.bbox for b in page.blocks)
    assert left[2] < right[0] and body[1] > max(left[3], right[3])
    assert page.width == pytest.approx(595.28, abs=0.1)
    assert any(w.text == "Обнинска" for w in page.words)
    assert document.locate(len(page.text) + 2) == (2, 0)


def test_type_comes_from_the_bytes_not_the_name(tmp_path):
    path = tmp_path / "letter.txt"
    path.write_bytes(text_pdf())
    assert ingest_path(path).media_type == "application/pdf"


def test_text_layer_check():
    assert usable_text_layer("Уважаемый Игорь Сергеевич! Прошу рассмотреть обращение.")
    assert not usable_text_layer("(cid:12)(cid:45)(cid:77)(cid:3) " * 5)
    assert not usable_text_layer("Ïèñüìî â àäìèíèñòðàöèþ ãîðîäà")  # windows-1251 read as Latin-1
    assert not usable_text_layer("12 . , - 3 4 / 5 6 7 8 9 0 1 2 3 4 5")
    assert not usable_text_layer("   ")


def test_docx_table_header_cells_are_separate_blocks():
    document = ingest_bytes(docx_letter(), "letter.docx")
    page = document.pages[0]
    assert [b.text for b in page.blocks[:2]] == ["\n".join(LEFT_HEADER), "\n".join(RIGHT_HEADER)]
    assert squash(page.text) == squash(EXPECTED)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251", "koi8_r", "utf-16"])
def test_plain_text_in_russian_encodings(encoding):
    text = EXPECTED.replace("№", "N")  # koi8-r has no №
    document = ingest_bytes(text.encode(encoding), "letter.txt")
    assert document.pages[0].text == text
    assert document.media_type == "text/plain"


def test_ingest_text_keeps_signature():
    document = ingest_text("Письмо\n\nТекст", file_name="a.txt", metadata={"channel": "web_form"})
    assert document.metadata == {"channel": "web_form"} and [b.text for b in document.pages[0].blocks] == [
        "Письмо",
        "Текст",
    ]


def _words(lines: list[tuple[float, float, str]], height: float = 11) -> list[Word]:
    words = []
    for x, y, text in lines:
        for token in text.split():
            width = 6.0 * len(token)
            words.append(Word(token, (x, y, x + width, y + height)))
            x += width + 3
    return words


def test_layout_separates_columns_and_orders_blocks():
    left = [(50, 60 + 16 * i, line) for i, line in enumerate(LEFT_HEADER)]
    right = [(340, 60 + 16 * i, line) for i, line in enumerate(RIGHT_HEADER)]
    body = [(50, 200 + 16 * i, line) for i, line in enumerate(BODY_TEXT.split("\n"))]
    # Interleave the input the way an OCR engine reads across the gap: layout must not depend on it.
    words = [w for pair in zip(_words(left), _words(right), strict=False) for w in pair]
    words += _words(left)[len(_words(right)) :] + _words(body)
    blocks, text = layout(words)
    assert text == EXPECTED
    assert len(blocks) == 3


def test_layout_keeps_a_signature_line_in_order():
    words = _words([(50, 100, "Глава города"), (420, 100, "И.С. Петров"), (50, 140, "Исп. Сидорова")])
    _, text = layout(words)
    assert squash(text) == "Глава города И.С. Петров Исп. Сидорова"


@pytest.mark.parametrize(
    "ocr, fixed",
    [
        ("Ha основании 59-Ф3 прошу", "На основании 59-ФЗ прошу"),
        ("письмо or 12 марта 2025r. No 45", "письмо от 12 марта 2025 г. № 45"),
        ("B соответствии c законом", "В соответствии с законом"),
        ("OOO «Ромашка» и ОТДЕЛ 0БРАЗОВАНИЯ", "ООО «Ромашка» и ОТДЕЛ ОБРАЗОВАНИЯ"),
        ("в ра3деле 4 и пункте", "в разделе 4 и пункте"),
        ("пишите на ivаnov@mаil.ru", "пишите на ivanov@mail.ru"),  # Cyrillic а inside an address
        ("Вх. № 01-203/25 oT 21.07.2025", "Вх. № 01-203/25 от 21.07.2025"),
        ("Исполнитель: Зайцева 3.Т., тел. 502-39-11", "Исполнитель: Зайцева З.Т., тел. 502-39-11"),
        ("области B.3. Рыбаковой", "области В.З. Рыбаковой"),
        ("тел. 685-54-66, е-тай: secretary@zavod.ru", "тел. 685-54-66, e-mail: secretary@zavod.ru"),
    ],
)
def test_repair_fixes_look_alikes(ocr, fixed):
    assert repair_text(ocr) == fixed


@pytest.mark.parametrize(
    "text",
    [
        "e-mail: info@minobr.kaluga.ru, сайт https://www.gosuslugi.ru/help",
        "код ABC-123, формат А3, Microsoft Word и Excel",
        "from the office or home",
        "ИНН 7701234567, ОКПО 12345678",
        "рост в 3.0 раза, версия 2.0",
        "A.B. Smith and C.D. Jones",
    ],
)
def test_repair_leaves_real_latin_and_codes_alone(text):
    assert repair_text(text) == text


def _email(body: str, charset: str = "utf-8", html: bool = False) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Иван Петров <ivan.petrov@example.ru>"
    message["To"] = "priemnaya@adm.example.ru"
    message["Subject"] = "Обращение о ремонте дороги"
    message["Date"] = "Mon, 10 Mar 2025 10:00:00 +0300"
    message["Message-ID"] = "<abc123@example.ru>"
    message.set_content(body, subtype="html" if html else "plain", charset=charset)
    return message


def test_email_headers_body_and_channel():
    document = ingest_bytes(bytes(_email("Прошу отремонтировать дорогу.", charset="koi8-r")), "mail.eml")
    assert document.media_type == "message/rfc822"
    assert document.metadata["channel"] == "email"
    meta = document.metadata["email"]
    assert meta["from_addresses"] == [{"name": "Иван Петров", "address": "ivan.petrov@example.ru"}]
    assert meta["subject"] == "Обращение о ремонте дороги"
    assert meta["message_id"] == "<abc123@example.ru>"
    assert meta["date"] == "2025-03-10T10:00:00+03:00"
    assert document.pages[0].text == "Прошу отремонтировать дорогу."


def test_email_html_body_in_windows_1251():
    html = "<html><body><p>Уважаемый <b>Игорь</b> Сергеевич!</p><p>Прошу принять меры.</p></body></html>"
    document = ingest_bytes(bytes(_email(html, charset="windows-1251", html=True)), "mail.eml")
    assert squash(document.pages[0].text) == "Уважаемый Игорь Сергеевич! Прошу принять меры."


def test_email_forwarded_chain_is_parsed():
    body = (
        "Направляем для рассмотрения.\n\n"
        "-------- Пересылаемое сообщение --------\n"
        "От: Сидоров А.А. <sidorov@example.ru>\n"
        "Дата: 05.03.2025\n"
        "Тема: Жалоба на управляющую компанию\n\n"
        "Прошу проверить работу УК."
    )
    document = ingest_bytes(bytes(_email(body)), "mail.eml")
    chain = document.metadata["email"]["forwarded"]
    assert chain == [
        {
            "from": "Сидоров А.А. <sidorov@example.ru>",
            "date": "05.03.2025",
            "subject": "Жалоба на управляющую компанию",
        }
    ]


def test_email_attachments_are_ingested_recursively():
    nested = _email("Текст вложенного письма.")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("scan/letter.docx", docx_letter())
    message = _email("См. вложения.")
    message.add_attachment(text_pdf(), maintype="application", subtype="pdf", filename="письмо.pdf")
    message.add_attachment(nested)
    message.add_attachment(archive.getvalue(), maintype="application", subtype="zip", filename="docs.zip")
    message.add_attachment(
        b"\x00\x01binary", maintype="application", subtype="octet-stream", filename="x.bin"
    )
    document = ingest_bytes(bytes(message), "mail.eml")
    origins = [p.origin for p in document.pages]
    assert origins == [None, "письмо.pdf", "attachment-2", "docs.zip/scan/letter.docx"]
    assert [p.number for p in document.pages] == [1, 2, 3, 4]
    assert document.pages[1].text == EXPECTED
    assert document.pages[2].text == "Текст вложенного письма."
    assert document.metadata["email"]["attached_emails"][0]["message_id"] == "<abc123@example.ru>"
    assert any("x.bin" in w for w in document.warnings)


def test_cli_shows_pages_and_words_only_when_asked(tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(text_pdf())
    outputs = {}
    for flag in ([], ["--words"]):
        result = subprocess.run(
            [sys.executable, "-m", "docket.cli", "process", str(path), "--json", *flag],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        outputs[bool(flag)] = json.loads(result.stdout)["document"]["pages"][0]
    assert outputs[False]["words"] is None
    assert len(outputs[False]["blocks"]) == 3 and outputs[False]["text"] == EXPECTED
    assert {"text", "bbox", "confidence"} <= set(outputs[True]["words"][0])


def test_overlapping_text_objects_stay_separate_words():
    """A letterhead line running under the addressee column must not fuse with it into one word."""
    from fpdf import FPDF
    from test_ingest_fixtures import FONT

    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    pdf.text(50, 60, "МИНИСТЕРСТВО ТРАНСПОРТА РОССИЙСКОЙ ФЕДЕРАЦИИ")
    pdf.text(300, 60, "Губернатору")
    pdf.text(50, 76, "г. Москва, ул. Рождественка, д. 1")
    pdf.text(300, 76, "Челябинской области")
    page = ingest_bytes(bytes(pdf.output()), "letter.pdf").pages[0]
    assert "ФЕДЕРАЦИИ" in [w.text for w in page.words] and "Губернатору" in [w.text for w in page.words]
    assert "Губернатору" in page.text and "ФЕДЕРАЦИИ" in page.text


def test_skew_is_measured_from_text_lines():
    import numpy as np
    from PIL import Image
    from test_ingest_fixtures import letter_image

    from pipeline.ingest.ocr import skew_angle

    for angle in (0.0, 2.5, -1.5):
        gray = np.asarray(Image.open(io.BytesIO(letter_image(dpi=100, angle=angle))).convert("L"))
        assert skew_angle(gray) == pytest.approx(-angle, abs=0.3)


def test_binarisation_only_for_grey_or_speckled_paper():
    import numpy as np
    from PIL import Image
    from test_ingest_fixtures import letter_image

    from pipeline.ingest.ocr import needs_binarisation

    clean = np.asarray(Image.open(io.BytesIO(letter_image(dpi=100))).convert("L"))
    rng = np.random.default_rng(0)
    grey = np.clip(clean * 0.35 + 110 + rng.normal(0, 8, clean.shape), 0, 255).astype(np.uint8)
    assert not needs_binarisation(clean)
    assert needs_binarisation(grey)


def test_sideways_words_are_noticed():
    from pipeline.ingest.ocr import OcrWord, _sideways

    upright = [OcrWord("слово", (0, i * 20, 80, i * 20 + 15), 0.9) for i in range(8)]
    turned = [OcrWord("слово", (i * 20, 0, i * 20 + 15, 80), 0.9) for i in range(8)]
    assert not _sideways(upright) and _sideways(turned)


def test_cleaning_a_poor_copy_keeps_the_letters_and_drops_grain_shadow_and_streak():
    import cv2
    import numpy as np
    from test_ingest_fixtures import letter_image, poor_copy

    from pipeline.ingest.clean import clean_page, page_stats

    data, streak = poor_copy(dpi=200)
    gray = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    original = cv2.imdecode(np.frombuffer(letter_image(dpi=200), np.uint8), cv2.IMREAD_GRAYSCALE) < 128
    stats = page_stats(gray)
    assert stats.noisy
    cleaned = clean_page(gray, 200, stats)
    assert set(np.unique(cleaned)) <= {0, 255}
    ink = cleaned == 0
    letters = cv2.dilate(original.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    assert ink[original].mean() > 0.85  # the letters survive
    assert ink[~letters].mean() < 0.002  # grain, shadow and streak outside the letters are gone
    assert ink[streak : streak + 2][~letters[streak : streak + 2]].mean() < 0.01


_PASSPORT = """<?xml version="1.0" encoding="UTF-8"?>
<x:communication xmlns:x="http://www.infpres.com/IEDMS" x:version="2.7">
  <x:header x:type="Документ" x:uid="1" x:created="2025-03-12T10:00:00+03:00">
    <x:source x:uid="2"><x:organization>Министерство образования Калужской области</x:organization></x:source>
  </x:header>
  <x:document x:uid="3">
    <x:kind>Письмо</x:kind>
    <x:num><x:number>45-17/3</x:number><x:date>2025-03-12</x:date></x:num>
    <x:signatories><x:signatory><x:person><x:post>Министр</x:post><x:name>Иванов А.А.</x:name></x:person>
    </x:signatory></x:signatories>
    <x:addressees><x:addressee><x:organization>Администрация г. Обнинска</x:organization>
    <x:person>Петров И.С.</x:person></x:addressee></x:addressees>
    <x:pages>1</x:pages>
    <x:annotation>О ремонте   школы</x:annotation>
    <x:files><x:file x:localName="{name}" x:type="Основной документ"/></x:files>
  </x:document>
</x:communication>"""


def _medo(passport: str, name: str = "a1b2.pdf") -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("passport.xml", passport.replace("{name}", name).encode("utf-8"))
        zf.writestr(name, text_pdf())
        zf.writestr(name + ".sig", b"0\x82\x01\x00detached signature")
    return archive.getvalue()


def test_medo_container_gives_the_document_text_and_the_passport():
    document = ingest_bytes(_medo(_PASSPORT), "medo.zip")
    assert document.text == EXPECTED
    assert [p.origin for p in document.pages] == ["a1b2.pdf"] and not document.warnings
    medo = document.metadata["medo"]
    assert document.metadata["channel"] == "medo"
    assert medo["sender"] == "Министерство образования Калужской области"
    assert (medo["number"], medo["date"], medo["subject"]) == ("45-17/3", "2025-03-12", "О ремонте школы")
    assert medo["signatory"] == {"post": "Министр", "name": "Иванов А.А."}
    assert medo["addressees"] == [{"organization": "Администрация г. Обнинска", "person": "Петров И.С."}]


def test_medo_without_a_file_list_reads_every_member_but_signatures():
    passport = _PASSPORT.replace(
        '<x:files><x:file x:localName="{name}" x:type="Основной документ"/></x:files>', ""
    )
    document = ingest_bytes(_medo(passport, "doc.pdf"), "medo.zip")
    assert [p.origin for p in document.pages] == ["doc.pdf"]
    assert document.metadata["medo"]["number"] == "45-17/3"


@pytest.mark.parametrize(
    "passport",
    [
        "<communication><header>unclosed",
        "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><communication>&a;</communication>",
        "<envelope><to>x</to></envelope>",
    ],
)
def test_medo_with_a_bad_passport_is_read_as_a_plain_archive(passport):
    document = ingest_bytes(_medo(passport), "medo.zip")
    assert "medo" not in document.metadata
    assert "a1b2.pdf" in [p.origin for p in document.pages]
    assert any("passport.xml" in w for w in document.warnings)


def test_cleaning_a_nearly_blank_grainy_page_keeps_its_line_and_drops_the_grain():
    import cv2
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont
    from test_ingest_fixtures import FONT

    from pipeline.ingest.clean import clean_page

    image = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi, one line at the top (a letter's last page)
    ImageDraw.Draw(image).text(
        (100, 100),
        "Исп. Петрова А.С., тел. 8 (351) 263-45-12",
        font=ImageFont.truetype(str(FONT), 23),
        fill=0,
    )
    text = np.asarray(image) < 128
    pixels = (
        np.asarray(image).astype(np.float32) * 0.4 + 100 + np.random.default_rng(3).normal(0, 25, text.shape)
    )
    cleaned = clean_page(np.clip(pixels, 0, 255).astype(np.uint8), 150)
    ink = cleaned == 0
    assert ink[text].mean() > 0.8
    assert ink[~cv2.dilate(text.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)].mean() < 0.002
