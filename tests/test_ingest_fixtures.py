"""Small documents built inside the tests: text PDFs, scans, e-mails, DOCX files and bad files."""

from __future__ import annotations

import io
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

LEFT_HEADER = [
    "МИНИСТЕРСТВО ОБРАЗОВАНИЯ",
    "Калужской области",
    "ул. Ленина, д. 5, г. Калуга",
    "от 12.03.2025 № 45-17/3",
]
RIGHT_HEADER = [
    "Главе администрации",
    "города Обнинска",
    "Петрову И.С.",
]
BODY = [
    "Уважаемый Игорь Сергеевич!",
    "На основании Федерального закона от 02.05.2006 № 59-ФЗ прошу",
    "рассмотреть обращение жителей о ремонте школы до 1 июня 2025 г.",
    "Ответ направьте на адрес info@minobr.kaluga.ru.",
]
HEADER_TEXT = "\n".join(LEFT_HEADER) + "\n\n" + "\n".join(RIGHT_HEADER)
BODY_TEXT = "\n".join(BODY)


def text_pdf(pages: int = 1, body: list[str] | None = None) -> bytes:
    """An A4 letter with a two-column header (letterhead left, addressee right) and a body below."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=11)
    for _ in range(pages):
        pdf.add_page()
        for i in range(max(len(LEFT_HEADER), len(RIGHT_HEADER))):
            y = 60 + i * 16
            if i < len(LEFT_HEADER):
                pdf.text(50, y, LEFT_HEADER[i])
            if i < len(RIGHT_HEADER):
                pdf.text(340, y, RIGHT_HEADER[i])
        for i, line in enumerate(body or BODY):
            pdf.text(50, 200 + i * 16, line)
    return bytes(pdf.output())


def letter_image(dpi: int = 300, angle: float = 0.0, fmt: str = "PNG", noise: float = 0.0) -> bytes:
    """The same letter drawn as a scan: DejaVu at 11 pt, optionally rotated and speckled."""
    from PIL import Image, ImageDraw, ImageFont

    scale = dpi / 72
    width, height = int(595 * scale), int(842 * scale)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), int(11 * scale))
    for i in range(max(len(LEFT_HEADER), len(RIGHT_HEADER))):
        y = (50 + i * 16) * scale
        if i < len(LEFT_HEADER):
            draw.text((50 * scale, y), LEFT_HEADER[i], font=font, fill=0)
        if i < len(RIGHT_HEADER):
            draw.text((340 * scale, y), RIGHT_HEADER[i], font=font, fill=0)
    for i, line in enumerate(BODY):
        draw.text((50 * scale, (190 + i * 16) * scale), line, font=font, fill=0)
    if angle:
        image = image.rotate(angle, expand=False, fillcolor=255, resample=Image.BICUBIC)
    if noise:
        import numpy as np

        pixels = np.array(image)
        rng = np.random.default_rng(1)
        mask = rng.random(pixels.shape) < noise
        pixels[mask] = 0
        image = Image.fromarray(pixels)
    out = io.BytesIO()
    image.save(out, format=fmt, dpi=(dpi, dpi))
    return out.getvalue()


def poor_copy(dpi: int = 200) -> tuple[bytes, int]:
    """The letter as a bad photocopy: grey grainy paper, a shadow down the left edge and a thin streak
    across the second body line. Returns the PNG and the streak's row."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(letter_image(dpi=dpi))).convert("L")).astype(np.float32)
    pixels = pixels * 0.45 + 100  # ink about 100, paper about 215
    width = pixels.shape[1]
    pixels[:, : width // 4] -= np.linspace(70, 0, width // 4)[None, :]
    pixels += np.random.default_rng(2).normal(0, 12, pixels.shape)
    streak = int((190 + 16 + 6) * dpi / 72)  # through the middle of the second body line
    pixels[streak : streak + 2, :] = 60
    out = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue(), streak


def docx_letter() -> bytes:
    import docx

    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "\n".join(LEFT_HEADER)
    table.cell(0, 1).text = "\n".join(RIGHT_HEADER)
    for line in BODY:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def squash(text: str) -> str:
    return " ".join(text.split())


def cer(reference: str, hypothesis: str) -> float:
    from rapidfuzz.distance import Levenshtein

    reference, hypothesis = squash(reference), squash(hypothesis)
    return Levenshtein.distance(reference, hypothesis) / max(len(reference), 1)


def scanned_pdf(angles: list[float], dpi: int = 300) -> bytes:
    from PIL import Image

    images = [Image.open(io.BytesIO(letter_image(dpi=dpi, angle=a))).convert("L") for a in angles]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out.getvalue()
