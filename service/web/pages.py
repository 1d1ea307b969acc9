"""Page images for the review screen, rendered on demand from the stored file (PDF pages, scans, photos)."""

from __future__ import annotations

import io

from docket.errors import CorruptDocument, InputError, LimitExceeded

PDF_SCALE = 1.5  # 108 dpi: readable next to the card without a huge image
MAX_SIDE = 1800


def has_image(media_type: str | None) -> bool:
    media_type = (media_type or "").lower()
    return media_type == "application/pdf" or media_type.startswith("image/")


def render_page(data: bytes, page: int, max_pixels: int) -> bytes:
    """PNG bytes of page `page` (1-based) of a PDF or an image file."""
    if page < 1:
        raise InputError("no such page")
    image = _pdf_page(data, page) if data.startswith(b"%PDF") else _image_page(data, page, max_pixels)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def _pdf_page(data: bytes, page: int):
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # noqa: BLE001 - pdfium raises its own error types
        raise CorruptDocument("the PDF cannot be opened") from exc
    try:
        if page > len(pdf):
            raise InputError("no such page")
        return pdf[page - 1].render(scale=PDF_SCALE).to_pil().convert("RGB")
    finally:
        pdf.close()


def _image_page(data: bytes, page: int, max_pixels: int):
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > max_pixels:
            raise LimitExceeded("the image is too large")
        image.seek(page - 1)
        image.load()
    except EOFError:
        raise InputError("no such page") from None
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise CorruptDocument("the image cannot be read") from exc
    return image.convert("RGB")
