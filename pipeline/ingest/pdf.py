"""PDF: the text layer where it is sound (pypdfium2 to check, pdfplumber for word boxes), OCR elsewhere."""

from __future__ import annotations

import io
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


def _layer_words(plumber_page) -> list[Word]:
    return [
        Word(
            text=w["text"],
            bbox=(round(w["x0"], 2), round(w["top"], 2), round(w["x1"], 2), round(w["bottom"], 2)),
        )
        for w in plumber_page.extract_words(keep_blank_chars=False, use_text_flow=False)
    ]


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
        sizes: dict[int, tuple[float, float]] = {}
        for index in range(count):
            ctx.check_time()
            try:
                page = pdf[index]
                width, height = page.get_size()
                text = page.get_textpage().get_text_range()
                has_images = any(
                    True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)
                )
            except pdfium.PdfiumError as exc:
                raise CorruptDocument(f"page {index + 1} of the PDF is damaged ({exc})") from exc
            sizes[index] = (width, height)
            if usable_text_layer(text) or (not has_images and text.strip()):
                pages[index] = Page(
                    number=first_number + index, text="", width=round(width, 2), height=round(height, 2)
                )
            else:
                ctx.check_pixels(round(width * dpi / 72), round(height * dpi / 72))
                scanned.append(index)
    finally:
        pdf.close()
    if pages:
        _fill_from_layer(data, pages, ctx)
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


def _fill_from_layer(data: bytes, pages: dict[int, Page], ctx: Context) -> None:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(io.BytesIO(data)) as doc:
            for index, page in pages.items():
                ctx.check_time()
                page.words = _layer_words(doc.pages[index])
                page.blocks, page.text = layout(page.words)
    except (PDFSyntaxError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise CorruptDocument(f"the PDF text layer cannot be read ({exc})") from exc
