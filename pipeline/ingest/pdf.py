"""PDF: the text layer where it is sound (pypdfium2 for text and word boxes), OCR elsewhere."""

from __future__ import annotations

import unicodedata

from docket.errors import CorruptDocument, EncryptedDocument
from pipeline.document import Page, Word
from pipeline.ingest.layout import layout
from pipeline.ingest.limits import Context
from pipeline.ingest.ocr import OcrTask
from pipeline.ingest.scan import ocr_pages

MIN_LAYER_CHARS = 20


def usable_text_layer(text: str) -> bool:
    """A text layer worth trusting: enough letters, no (cid:…) codes, no mojibake from a broken font map."""
    chars = "".join(text.split())
    if len(chars) < MIN_LAYER_CHARS or "(cid:" in text:
        return False
    letters = sum(ch.isalpha() for ch in chars)
    odd = sum(
        1
        for ch in chars
        if ch == "\ufffd" or "\u00c0" <= ch <= "\u00ff" or unicodedata.category(ch) in ("Co", "Cc", "Cn")
    )
    return letters >= 0.5 * len(chars) and odd <= 0.05 * len(chars)


def _open(data: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        # pdfium's last-error is process-global and can be stale: look for the encryption dictionary.
        if b"/Encrypt" in data:
            raise EncryptedDocument("the PDF is encrypted with a password") from exc
        raise CorruptDocument("the PDF is damaged and cannot be read") from exc


def layer_words(textpage, page_height: float) -> list[Word]:
    """Words of a text layer, from pdfium's characters in content-stream order.

    Stream order keeps separate text objects apart even where they overlap on the page (a long letterhead
    line running under the addressee block), which position-sorting extractors merge into one word; and
    it costs milliseconds a page.
    """
    import pypdfium2.raw as pdfium_c

    words: list[Word] = []
    chars: list[str] = []
    box = [0.0, 0.0, 0.0, 0.0]  # x0, top, x1, bottom (top-left origin, points)

    def flush() -> None:
        if chars:
            words.append(Word(text="".join(chars), bbox=tuple(round(v, 2) for v in box)))
            chars.clear()

    for index in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
        char = "-" if code == 2 else chr(code)  # pdfium reports a line-end hyphen as 0x02
        if not code or char.isspace() or code == 0xFFFE:
            flush()
            continue
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        top, bottom = page_height - top, page_height - bottom
        if chars:
            height = max(box[3] - box[1], bottom - top, 1e-3)
            if (
                left < box[2] - 0.5 * height
                or left - box[2] > 0.3 * height
                or abs((top + bottom) - (box[1] + box[3])) > height
            ):
                flush()
        if chars:
            box = [min(box[0], left), min(box[1], top), max(box[2], right), max(box[3], bottom)]
        else:
            box = [left, top, right, bottom]
        chars.append(char)
    flush()
    return words


def extract_pdf(data: bytes, ctx: Context, first_number: int = 1) -> list[Page]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = _open(data)
    try:
        count = len(pdf)
        if count == 0:
            raise CorruptDocument("the PDF has no pages")
        ctx.add_pages(count)
        dpi = ctx.settings.ocr_dpi
        pages: dict[int, Page] = {}
        scanned: list[int] = []
        for index in range(count):
            ctx.check_time()
            try:
                page = pdf[index]
                width, height = page.get_size()
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                has_images = any(
                    True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)
                )
            except pdfium.PdfiumError as exc:
                raise CorruptDocument(f"page {index + 1} of the PDF is damaged ({exc})") from exc
            if usable_text_layer(text) or (not has_images and text.strip()):
                words = layer_words(textpage, height)
                blocks, page_text = layout(words)
                pages[index] = Page(
                    number=first_number + index,
                    text=page_text,
                    width=round(width, 2),
                    height=round(height, 2),
                    blocks=blocks,
                    words=words,
                )
            else:
                ctx.check_pixels(round(width * dpi / 72), round(height * dpi / 72))
                scanned.append(index)
    finally:
        pdf.close()
    if scanned:
        path = ctx.tmp / f"scan-{ctx.pages}.pdf"
        path.write_bytes(data)
        tasks = [
            OcrTask(str(path), str(ctx.tmp), ctx.settings.ocr_languages, dpi, pdf_page=i) for i in scanned
        ]
        for index, page in zip(scanned, ocr_pages(tasks, ctx), strict=True):
            page.number = first_number + index
            pages[index] = page
    return [pages[i] for i in sorted(pages)]
