"""A corpus of bad files, built here: each must raise a DocketError with a clear message, quickly."""

from __future__ import annotations

import gzip
import io
import os
import random
import struct
import time
import zipfile
import zlib
from email.message import EmailMessage

import pytest
from test_ingest_fixtures import docx_letter, letter_image, text_pdf

from docket.errors import (
    CorruptDocument,
    DocketError,
    EncryptedDocument,
    InputError,
    LimitExceeded,
    UnsupportedFormat,
)
from docket.settings import Settings
from pipeline.ingest import ingest_bytes


def _random(size: int = 4096, seed: int = 3) -> bytes:
    return random.Random(seed).randbytes(size)


def _encrypted_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="secret letter")
    return bytes(pdf.output())


def _blank_pdf(pages: int, width: float = 595, height: float = 842) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(width, height)
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


def _png_header(width: int, height: int, body: bytes | None = None) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = body if body is not None else zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _zip_bomb() -> bytes:
    return _zip({"letter.txt": b"0" * (60 * 1024 * 1024)})


def _nested_zip(depth: int) -> bytes:
    data = "Письмо".encode()
    for level in range(depth):
        data = _zip({f"level{level}.zip" if level else "letter.txt": data})
    return data


def _many_entries() -> bytes:
    return _zip({f"f{i}.txt": b"x" for i in range(600)})


def _huge_image() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (9500, 9000), 1).save(out, format="PNG")
    return out.getvalue()


def _mail(**parts) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Иван <ivan@example.ru>"
    message["To"] = "office@adm.example.ru"
    message["Subject"] = "Обращение"
    message["Date"] = "Mon, 10 Mar 2025 10:00:00 +0300"
    return message


def _mail_without_boundary() -> bytes:
    return (
        b"From: a@example.ru\r\nTo: b@example.ru\r\nSubject: test\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed\r\n\r\n"
    )


def _mail_headers_only() -> bytes:
    return bytes(_mail())


def _mail_nested(depth: int) -> bytes:
    inner = _mail()
    inner.set_content("Текст обращения")
    for _ in range(depth):
        outer = _mail()
        outer.set_content("Пересылаю")
        outer.add_attachment(inner)
        inner = outer
    return bytes(inner)


def _mail_with_bomb() -> bytes:
    message = _mail()
    message.set_content("См. вложение")
    message.add_attachment(_zip_bomb(), maintype="application", subtype="zip", filename="docs.zip")
    return bytes(message)


def _docx_bomb() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(docx_letter()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data + b" " * (60 * 1024 * 1024)
            archive.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _docx_corrupt() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document><broken"})


def _control_text() -> bytes:
    return bytes(b for i, c in enumerate("Письмо".encode("cp1251") * 50) for b in (c, 1 + i % 8))


# (name, builder, file name, settings overrides, expected error)
CASES = [
    ("empty file", lambda: b"", "letter.txt", {}, InputError),
    ("whitespace only", lambda: b"  \n\t \n", "letter.txt", {}, InputError),
    ("random bytes", _random, "letter.bin", {}, UnsupportedFormat),
    ("random bytes named .pdf", lambda: _random(seed=5), "letter.pdf", {}, UnsupportedFormat),
    ("executable named .txt", lambda: b"MZ\x90\x00\x03" + _random(2000), "letter.txt", {}, UnsupportedFormat),
    ("legacy .doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), "letter.doc", {}, UnsupportedFormat),
    ("gzip", lambda: gzip.compress(b"letter"), "a.gz", {}, UnsupportedFormat),
    ("7z archive", lambda: b"7z\xbc\xaf\x27\x1c" + bytes(200), "a.7z", {}, UnsupportedFormat),
    ("pdf header only", lambda: b"%PDF-1.7\n", "letter.pdf", {}, CorruptDocument),
    ("pdf truncated", lambda: text_pdf()[:400], "letter.pdf", {}, CorruptDocument),
    ("pdf garbage body", lambda: b"%PDF-1.4\n" + _random(5000), "letter.pdf", {}, CorruptDocument),
    ("pdf encrypted", _encrypted_pdf, "letter.pdf", {}, EncryptedDocument),
    ("pdf with no pages", lambda: _blank_pdf(0), "letter.pdf", {}, CorruptDocument),
    ("pdf with 5000 pages", lambda: _blank_pdf(5000), "letter.pdf", {}, LimitExceeded),
    ("pdf over a lowered page limit", lambda: text_pdf(pages=3), "letter.pdf", {"max_pages": 2}, LimitExceeded),
    ("pdf page of 5 x 5 metres", lambda: _blank_pdf(1, 14000, 14000), "plan.pdf", {}, LimitExceeded),
    ("png decompression bomb", lambda: _png_header(100_000, 100_000), "scan.png", {}, LimitExceeded),
    ("png of 85 megapixels", _huge_image, "scan.png", {}, LimitExceeded),
    ("png truncated", lambda: letter_image(dpi=72)[:300], "scan.png", {}, CorruptDocument),
    ("png garbage pixels", lambda: _png_header(100, 100, body=_random(500)), "scan.png", {}, CorruptDocument),
    ("jpeg header only", lambda: letter_image(dpi=72, fmt="JPEG")[:200], "scan.jpg", {}, CorruptDocument),
    ("zip bomb", _zip_bomb, "docs.zip", {}, LimitExceeded),
    ("zip nested 8 deep", lambda: _nested_zip(8), "docs.zip", {}, LimitExceeded),
    ("zip with 600 files", _many_entries, "docs.zip", {}, LimitExceeded),
    ("zip empty", lambda: _zip({}), "docs.zip", {}, CorruptDocument),
    ("zip of unreadable files", lambda: _zip({"a.bin": _random(100)}), "docs.zip", {}, CorruptDocument),
    ("zip truncated", lambda: _zip({"a.txt": _random(20000)})[:1000], "docs.zip", {}, CorruptDocument),
    ("docx bomb", _docx_bomb, "letter.docx", {}, LimitExceeded),
    ("docx corrupt", _docx_corrupt, "letter.docx", {}, CorruptDocument),
    ("mime multipart without boundary", _mail_without_boundary, "mail.eml", {}, CorruptDocument),
    ("e-mail with headers only", _mail_headers_only, "mail.eml", {}, InputError),
    ("e-mail nested 8 deep", lambda: _mail_nested(8), "mail.eml", {}, LimitExceeded),
    ("e-mail with a zip bomb", _mail_with_bomb, "mail.eml", {}, LimitExceeded),
    ("text full of control bytes", _control_text, "letter.txt", {}, UnsupportedFormat),
    ("utf-16 that does not decode", lambda: b"\xff\xfe" + b"\x00\xd8" * 50 + b"a", "letter.txt", {}, InputError),
    ("upload over the size limit", lambda: b"a" * (2 * 1024 * 1024), "big.txt", {"max_upload_mb": 1}, LimitExceeded),
    ("scan over the time budget", lambda: letter_image(dpi=150), "scan.png", {"time_budget_s": 0.0001}, LimitExceeded),
]  # fmt: skip


def test_the_corpus_has_at_least_25_bad_files():
    assert len(CASES) >= 25


@pytest.mark.parametrize("name, build, file_name, overrides, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_file_gives_a_clear_error_quickly(name, build, file_name, overrides, expected):
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    data = build()
    settings = Settings().model_copy(update=overrides)
    started = time.perf_counter()
    with pytest.raises(DocketError) as caught:
        ingest_bytes(data, file_name, settings)
    elapsed = time.perf_counter() - started
    assert isinstance(caught.value, expected), (
        f"{name}: {type(caught.value).__name__}: {caught.value.message}"
    )
    assert caught.value.message and "\n" not in caught.value.message
    assert elapsed < 8, f"{name} took {elapsed:.1f} s"


def test_bad_file_through_the_cli_is_one_line_without_traceback(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "letter.pdf"
    path.write_bytes(_encrypted_pdf())
    result = subprocess.run(
        [sys.executable, "-m", "docket.cli", "process", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "encrypted" in result.stderr and result.stderr.count("\n") == 1
