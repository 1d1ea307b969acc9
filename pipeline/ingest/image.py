"""Images (PNG, JPEG, TIFF incl. multi-page, BMP, GIF, WebP): checked, split into pages, OCR'd."""

from __future__ import annotations

import io
import warnings

from docket.errors import CorruptDocument, LimitExceeded
from pipeline.document import Page
from pipeline.ingest import sniff
from pipeline.ingest.limits import Context
from pipeline.ingest.ocr import OcrTask
from pipeline.ingest.scan import ocr_pages

_TESSERACT_READS = {sniff.PNG: ".png", sniff.JPEG: ".jpg", sniff.TIFF: ".tif", sniff.BMP: ".bmp"}


def _dpi(info: dict) -> int | None:
    dpi = info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        return None
    return value if 70 <= value <= 1200 else None


def extract_image(data: bytes, media_type: str, ctx: Context, first_number: int = 1) -> list[Page]:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = Image.open(io.BytesIO(data))
            frames = getattr(image, "n_frames", 1)
            ctx.check_pixels(*image.size)
            if media_type == sniff.PNG:
                Image.open(io.BytesIO(data)).verify()
    except Image.DecompressionBombError as exc:  # Pillow's own guard, far above ours by default
        raise LimitExceeded(
            f"the image is over the limit of {ctx.settings.max_image_pixels:,} pixels"
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CorruptDocument(f"the image cannot be read: {exc}") from exc
    if media_type == sniff.GIF:
        frames = 1  # an animated GIF is not a multi-page letter
    ctx.add_pages(frames)
    dpi = _dpi(image.info)
    tasks = []
    if frames == 1 and media_type in _TESSERACT_READS:
        path = ctx.tmp / f"image-{ctx.pages}{_TESSERACT_READS[media_type]}"
        path.write_bytes(data)  # Tesseract reads the received bytes as they are
        tasks.append(
            OcrTask(str(path), str(ctx.tmp), ctx.settings.ocr_languages, dpi, bilevel=image.mode == "1")
        )
    else:
        try:
            for index in range(frames):
                ctx.check_time()
                image.seek(index)
                ctx.check_pixels(*image.size)
                path = ctx.tmp / f"frame-{ctx.pages}-{index + 1:04d}.png"
                bilevel = image.mode == "1"
                image.convert("L").save(path, compress_level=1)
                frame_dpi = _dpi(image.info) or dpi
                tasks.append(
                    OcrTask(str(path), str(ctx.tmp), ctx.settings.ocr_languages, frame_dpi, bilevel=bilevel)
                )
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise CorruptDocument(f"the image cannot be read: {exc}") from exc
    return ocr_pages(tasks, ctx, first_number)
