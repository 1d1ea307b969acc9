"""Text PDFs with fpdf2 and DejaVu fonts: several fonts, sizes and margins; lines where the layout puts them."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from data.generator.layout import RIGHT_X, WIDTH, Line

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {
    "serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    "sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "condensed": ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
    "serif_condensed": ("DejaVuSerifCondensed.ttf", "DejaVuSerifCondensed-Bold.ttf"),
}
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def pdf_bytes(pages: list[list[Line]], rng: random.Random, title: str = "") -> bytes:
    from fpdf import FPDF

    family = rng.choice(sorted(FONTS))
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(title)
    pdf.set_producer("docket generator")
    pdf.set_auto_page_break(False)
    regular, bold = FONTS[family]
    pdf.add_font(family, "", str(FONT_DIR / regular))
    pdf.add_font(family, "B", str(FONT_DIR / bold))
    left = rng.uniform(18, 28)
    top = rng.uniform(14, 22)
    text_w = 210 - left - rng.uniform(10, 15)
    pdf.set_font(family, "", 10)
    # the widest common line of WIDTH characters must fit the text width
    size = min(11.5, 10 * text_w / pdf.get_string_width("о" * WIDTH) * 0.97)
    line_h = min(5.6, (297 - top - 14) / 46)
    column_w = RIGHT_X * text_w - 6  # mm of gutter before the addressee column
    for page in pages:
        pdf.add_page()
        for ln in page:
            pdf.set_font(family, "B" if ln.bold else "", size)
            if ln.group == 1 and pdf.get_string_width(ln.text) > column_w:  # keep out of the addressee column
                pdf.set_font(family, "B" if ln.bold else "", size * column_w / pdf.get_string_width(ln.text))
            y = top + ln.row * line_h + line_h * 0.8
            if ln.center:
                x = left + max(0.0, (text_w - pdf.get_string_width(ln.text)) / 2)
            else:
                x = left + ln.x * text_w
            pdf.text(x, y, ln.text)
    return bytes(pdf.output())


def pdf_file(path: Path, pages: list[list[Line]], rng: random.Random, title: str = "") -> None:
    path.write_bytes(pdf_bytes(pages, rng, title))
