"""Scanned paper: pages drawn with Pillow at 200–300 dpi, an incoming stamp and a signature scribble, then
degraded with numpy/OpenCV (skew, blur, noise, low contrast, fax look, sometimes a rotated page)."""

from __future__ import annotations

import io
import random
from pathlib import Path

from data.generator.layout import RIGHT_X, ROWS, WIDTH, Line, page_text
from data.generator.render_pdf import FIXED_DATE, FONT_DIR

SCAN_FONTS = ["DejaVuSerif.ttf", "DejaVuSans.ttf", "DejaVuSansCondensed.ttf", "DejaVuSansMono.ttf"]
A4_IN = (8.27, 11.69)


def stamp_lines(reg_number: str, reg_date: str) -> list[str]:
    d = f"{reg_date[8:10]}.{reg_date[5:7]}.{reg_date[:4]}"
    return ["ПРАВИТЕЛЬСТВО ЧЕЛЯБИНСКОЙ ОБЛАСТИ", f"Вх. № {reg_number}", f"от {d}"]


def draw_pages(pages: list[list[Line]], rng: random.Random, dpi: int, stamp: list[str] | None):
    """Clean page images (mode L) and the ground-truth text of each page (the stamp is part of page 1)."""
    from PIL import Image, ImageDraw, ImageFont

    w, h = int(A4_IN[0] * dpi), int(A4_IN[1] * dpi)
    font_file = str(FONT_DIR / rng.choice(SCAN_FONTS))
    bold_file = font_file.replace(".ttf", "-Bold.ttf")
    left = int(dpi * rng.uniform(0.75, 1.05))
    top = int(dpi * rng.uniform(0.55, 0.8))
    text_w = w - left - int(dpi * 0.5)
    probe = ImageFont.truetype(font_file, 40)
    size = max(8, int(40 * text_w / probe.getlength("о" * WIDTH) * 0.97))
    font = ImageFont.truetype(font_file, size)
    try:
        bold = ImageFont.truetype(bold_file, size)
    except OSError:
        bold = font
    line_h = (h - top - int(dpi * 0.45)) / (ROWS + 4)
    column_w = (
        RIGHT_X * text_w - dpi * 0.25
    )  # the left header column ends a quarter inch before the right one
    images, texts = [], []
    for n, page in enumerate(pages):
        img = Image.new("L", (w, h), 255)
        draw = ImageDraw.Draw(img)
        for ln in page:
            f = bold if ln.bold else font
            if ln.group == 1 and f.getlength(ln.text) > column_w:  # keep the letterhead out of the addressee
                f = ImageFont.truetype(
                    bold_file if ln.bold else font_file, int(size * column_w / f.getlength(ln.text))
                )
            x = left + (max(0, (text_w - f.getlength(ln.text)) / 2) if ln.center else ln.x * text_w)
            draw.text((x, top + ln.row * line_h), ln.text, fill=rng.randint(0, 40), font=f)
        text = page_text(page)
        signature_rows = [ln for ln in page if ln.text and ln.text[:1].isupper() and ln.text.count(".") >= 2
                          and len(ln.text) < 30]  # fmt: skip
        if signature_rows:
            ln = signature_rows[-1]
            _scribble(
                draw,
                rng,
                int(left + text_w * 0.45),
                int(top + ln.row * line_h),
                int(dpi * 0.9),
                int(line_h * 1.6),
            )
        if n == 0 and stamp:
            last = max((ln.row for ln in page), default=0)
            row = min(last + 2, ROWS + 4 - len(stamp) - 1)
            sx, sy = int(left + text_w * 0.52), int(top + row * line_h)
            sfont = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), int(size * 0.85))
            tone = rng.randint(60, 110)
            box_w = int(max(sfont.getlength(s) for s in stamp) + dpi * 0.15)
            draw.rectangle([sx - dpi * 0.07, sy - dpi * 0.05, sx + box_w, sy + len(stamp) * line_h + dpi * 0.03],
                           outline=tone, width=max(2, dpi // 100))  # fmt: skip
            for k, s in enumerate(stamp):
                draw.text((sx, sy + k * line_h), s, fill=tone, font=sfont)
            text = text + "\n" + "\n".join(stamp)
        images.append(img)
        texts.append(text)
    return images, texts


def _scribble(draw, rng: random.Random, x: int, y: int, w: int, h: int) -> None:
    pts = [(x + int(w * i / 14) + rng.randint(-8, 8), y + rng.randint(0, h)) for i in range(15)]
    draw.line(pts, fill=rng.randint(20, 80), width=max(2, h // 18), joint="curve")


def degrade(img, rng: random.Random, noise: str, dpi: int):
    """Apply the scanner's or fax machine's damage; returns a new image (mode L, or 1 for fax)."""
    import cv2
    import numpy as np
    from PIL import Image

    if noise == "clean":
        return img
    a = np.asarray(img, dtype=np.float32)
    nrng = np.random.default_rng(rng.randrange(2**32))
    angle = {"light": rng.uniform(-1.0, 1.0), "heavy": rng.uniform(-3.0, 3.0), "fax": rng.uniform(-1.5, 1.5)}[
        noise
    ]
    h, w = a.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    a = cv2.warpAffine(a, m, (w, h), borderValue=255.0, flags=cv2.INTER_LINEAR)
    if noise == "fax":
        small = cv2.resize(a, (w // 2, h // 4), interpolation=cv2.INTER_AREA)
        a = cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)
        a += 25 * nrng.standard_normal(a.shape, dtype=np.float32)
        for _ in range(rng.randint(2, 8)):
            y = rng.randrange(h)
            a[y : y + rng.randint(1, 4), :] -= rng.randint(60, 160)
        out = (
            Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
            .point(lambda v: 255 if v > 140 else 0)
            .convert("1")
        )
        return out
    sigma = 0.6 if noise == "light" else rng.uniform(0.9, 1.5)
    a = cv2.GaussianBlur(a, (0, 0), sigma * dpi / 200)
    lo, hi = (
        (rng.randint(0, 30), rng.randint(225, 250))
        if noise == "light"
        else (rng.randint(50, 90), rng.randint(170, 215))
    )
    a = lo + a * (hi - lo) / 255.0
    a += (2.5 if noise == "light" else 10) * nrng.standard_normal(a.shape, dtype=np.float32)
    if noise == "heavy":
        specks = nrng.random(a.shape, dtype=np.float32) < 0.0015
        a[specks] = rng.randint(0, 80)
        shade = np.linspace(rng.uniform(-30, 0), rng.uniform(-30, 0), w, dtype=np.float32)
        a += shade[None, :]
    step = 16 if noise == "heavy" else 8  # scanners' reduced grey levels; keeps PNG/TIFF files small
    a = np.round(a / step) * step
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def render_scan(
    path_stem: Path,
    pages: list[list[Line]],
    rng: random.Random,
    fmt: str,
    noise: str,
    stamp: list[str] | None,
) -> tuple[str, str, dict]:
    """Write a scan as pdf / png / tiff; returns (file name, ground-truth text, details)."""
    dpi = 200 if noise == "fax" else rng.choice([200, 200, 240, 300])
    images, texts = draw_pages(pages, rng, dpi, stamp)
    out = [degrade(img, rng, noise, dpi) for img in images]
    rotation = 0
    if noise == "heavy" and rng.random() < 0.25:
        rotation = rng.choice([90, 180, 270])
        k = rng.randrange(len(out))
        out[k] = out[k].rotate(rotation, expand=True)
    name = f"{path_stem.name}.{ {'scan_pdf': 'pdf', 'png': 'png', 'tiff': 'tif'}[fmt] }"
    target = path_stem.with_name(name)
    if fmt == "png":
        out[0].save(target, format="PNG", dpi=(dpi, dpi), compress_level=3)
    elif fmt == "tiff":
        compression = "group4" if noise == "fax" else "tiff_lzw"
        out[0].save(
            target,
            format="TIFF",
            dpi=(dpi, dpi),
            compression=compression,
            save_all=True,
            append_images=out[1:],
        )
    else:
        buf = io.BytesIO()
        rgb = [im.convert("L") for im in out]
        rgb[0].save(
            buf,
            format="PDF",
            resolution=float(dpi),
            save_all=True,
            append_images=rgb[1:],
            quality=70,
            creationDate=FIXED_DATE.utctimetuple(),
            modDate=FIXED_DATE.utctimetuple(),
        )
        target.write_bytes(buf.getvalue())
    return name, "\n\f".join(texts), {"dpi": dpi, "pages": len(out), "rotation": rotation}
