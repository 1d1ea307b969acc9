"""OCR of scans: deskew, rotation, reading order and look-alike repair on small pages drawn in the test."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from test_ingest_fixtures import (
    BODY_TEXT,
    HEADER_TEXT,
    LEFT_HEADER,
    RIGHT_HEADER,
    cer,
    letter_image,
    scanned_pdf,
)

from pipeline.ingest import ingest_bytes

EXPECTED = HEADER_TEXT + "\n\n" + BODY_TEXT


def _has_tesseract() -> bool:
    if not shutil.which("tesseract"):
        return False
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    return {"rus", "eng", "osd"} <= set(langs)


pytestmark = [
    pytest.mark.ocr,
    pytest.mark.skipif(not _has_tesseract(), reason="tesseract with rus, eng and osd is not installed"),
]


@pytest.fixture(autouse=True)
def _one_thread(monkeypatch):
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")


def test_skewed_scan_is_straightened_and_read_in_order():
    document = ingest_bytes(letter_image(dpi=300, angle=2.0), "scan.png")
    page = document.pages[0]
    assert document.media_type == "image/png" and page.ocr
    assert cer(EXPECTED, page.text) <= 0.01, page.text
    texts = [b.text for b in page.blocks]
    left = next(t for t in texts if LEFT_HEADER[0] in t)
    right = next(t for t in texts if RIGHT_HEADER[0] in t)
    assert RIGHT_HEADER[0] not in left and LEFT_HEADER[1] not in right
    assert page.text.index(LEFT_HEADER[-1]) < page.text.index(RIGHT_HEADER[0]) < page.text.index("Уважаемый")
    assert 0.8 < page.ocr_confidence <= 1
    assert page.width == pytest.approx(595, abs=2) and all(0 <= w.bbox[0] < page.width for w in page.words)


def test_poor_copy_is_cleaned_before_reading():
    from test_ingest_fixtures import poor_copy

    data, _ = poor_copy(dpi=200)
    page = ingest_bytes(data, "copy.png").pages[0]
    assert cer(EXPECTED, page.text) <= 0.03, page.text


@pytest.mark.slow
def test_two_page_scan_with_an_upside_down_page():
    document = ingest_bytes(scanned_pdf([0.0, 180.0], dpi=300), "scan.pdf")
    assert [p.number for p in document.pages] == [1, 2] and document.ocr_used
    for page in document.pages:
        assert cer(EXPECTED, page.text) <= 0.02, page.text
    assert os.environ["OMP_THREAD_LIMIT"] == "1"


@pytest.mark.slow
def test_email_with_a_two_page_tiff_scan_attached():
    import io
    from email.message import EmailMessage

    from PIL import Image

    frames = [Image.open(io.BytesIO(letter_image(dpi=200))).convert("L") for _ in range(2)]
    tiff = io.BytesIO()
    frames[0].save(tiff, format="TIFF", save_all=True, append_images=frames[1:], dpi=(200, 200))
    message = EmailMessage()
    message["From"] = "priemnaya@minobr.example.ru"
    message["To"] = "office@adm.example.ru"
    message["Subject"] = "Скан письма"
    message.set_content("Направляем скан письма.")
    message.add_attachment(tiff.getvalue(), maintype="image", subtype="tiff", filename="скан.tif")
    document = ingest_bytes(bytes(message), "mail.eml")
    assert [p.origin for p in document.pages] == [None, "скан.tif", "скан.tif"]
    assert [p.ocr for p in document.pages] == [False, True, True]
    for page in document.pages[1:]:
        assert cer(EXPECTED, page.text) <= 0.02, page.text
