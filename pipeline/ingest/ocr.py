"""Tesseract OCR of page images, one process per page, with deskew, rotation fix and word boxes.

Tesseract gets file paths: an image that needs no correction is read by Tesseract straight from the
file docket received. Orientation detection (`--psm 0`) runs only when the first pass reads poorly, so
upright pages cost no more than bare `tesseract`.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

from docket.errors import CorruptDocument, LimitExceeded
from pipeline.ingest.clean import clean_page, page_stats

MIN_SKEW_DEG = 0.3
DEFAULT_DPI = 300  # an image that does not say its resolution
MAX_SKEW_DEG = 6.0
WEAK_CONFIDENCE = 55.0  # mean word confidence (0-100) below which the page may be rotated
OSD_UPRIGHT = 2.0  # OSD orientation confidence at which "upright" is believed
OSD_SIDEWAYS = 1.0  # ... at which a turn by 90° is tried (the reading's score decides)
OSD_SURE = 5.0  # ... at which "upside down" is believed without checking a band
BAND_LINES = 8  # text lines read upside down to check a weak page's orientation


@dataclass
class OcrTask:
    path: str  # an image file, or a PDF when pdf_page is set
    workdir: str
    languages: str = "rus+eng"
    dpi: int | None = None
    pdf_page: int | None = None
    bilevel: bool = False  # a 1-bit image (fax, cheap scanner)
    deadline: float = 0.0  # time.time() by which the page must be read


@dataclass
class OcrWord:
    text: str
    bbox: tuple[float, float, float, float]  # pixels
    confidence: float  # 0..1


@dataclass
class OcrResult:
    words: list[OcrWord] = field(default_factory=list)
    width: int = 0
    height: int = 0
    dpi: int | None = None
    skew: float = 0.0
    rotation: int = 0
    adaptive: bool = False
    seconds: float = 0.0


def _remaining(task: OcrTask) -> float:
    left = task.deadline - time.time() if task.deadline else 3600.0
    if left <= 0:
        raise LimitExceeded("the time budget ran out during OCR")
    return left


def _render_pdf_page(task: OcrTask):
    """Render a PDF page at the OCR resolution and write it uncompressed (PGM) for Tesseract."""
    import numpy as np
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(task.path)
    try:
        page = pdf[task.pdf_page]
        gray = np.asarray(page.render(scale=(task.dpi or 300) / 72, grayscale=True).to_pil().convert("L"))
    finally:
        pdf.close()
    out = Path(task.workdir) / f"page-{task.pdf_page + 1:04d}.pgm"
    _write(str(out), gray)
    return str(out), gray


def _write(path: str, gray) -> None:
    import cv2

    if not cv2.imwrite(path, gray):
        raise CorruptDocument("the page image cannot be written for OCR")


def skew_angle(gray) -> float:
    """Angle (degrees) that makes text lines horizontal: the rotation maximising row-profile contrast."""
    import cv2
    import numpy as np

    scale = min(1.0, 1000 / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ys, xs = np.nonzero(ink)
    if len(ys) < 200 or len(ys) > 0.5 * ink.size:
        return 0.0
    if len(ys) > 40000:
        pick = np.random.default_rng(0).choice(len(ys), 40000, replace=False)
        ys, xs = ys[pick], xs[pick]
    ys, xs = ys.astype(np.float64), xs.astype(np.float64)

    def contrast(deg: float) -> float:
        rad = np.deg2rad(deg)
        proj = ys * np.cos(rad) - xs * np.sin(rad)
        hist = np.bincount(np.round(proj - proj.min()).astype(np.int64))  # 1-pixel rows: no aliasing
        return float(np.sum(hist.astype(np.float64) ** 2))

    coarse = max(np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-9, 0.5), key=contrast)
    fine = max(np.arange(coarse - 0.5, coarse + 0.5 + 1e-9, 0.1), key=contrast)
    return float(fine)


def needs_binarisation(gray) -> bool:
    """Grey, speckled or unevenly lit paper, where Tesseract's global Otsu threshold loses the text."""
    return page_stats(gray).noisy


def _rotate(gray, degrees: float):
    import cv2

    if degrees in (90, 180, 270):
        code = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
        return cv2.rotate(gray, code[int(degrees)])
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    # The corners continue the paper: a white fill on grey paper would skew any global threshold.
    return cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _tesseract(path: str, task: OcrTask, adaptive: bool) -> tuple[list[OcrWord], int, int]:
    import pytesseract

    config = "--psm 3"
    if task.dpi:
        config += f" --dpi {task.dpi}"
    if adaptive:
        config += " -c thresholding_method=2"
    try:
        data = pytesseract.image_to_data(
            path,
            lang=task.languages,
            config=config,
            output_type=pytesseract.Output.DICT,
            timeout=_remaining(task),
        )
    except RuntimeError as exc:  # pytesseract's timeout
        raise LimitExceeded("the time budget ran out during OCR") from exc
    except pytesseract.TesseractError as exc:
        raise CorruptDocument(f"OCR could not read the image: {exc.message.strip()[:200]}") from exc
    page = data["level"].index(1) if 1 in data["level"] else None
    size = (data["width"][page], data["height"][page]) if page is not None else (0, 0)
    words = []
    for text, conf, left, top, width, height in zip(
        data["text"], data["conf"], data["left"], data["top"], data["width"], data["height"], strict=False
    ):
        text = (text or "").strip()
        if text and float(conf) >= 0:
            words.append(OcrWord(text, (left, top, left + width, top + height), round(float(conf) / 100, 3)))
    return words, *size


def _mean_conf(words: list[OcrWord]) -> float:
    return 100 * sum(w.confidence for w in words) / len(words) if words else 0.0


def _weak(words: list[OcrWord]) -> bool:
    return len(words) < 5 or _mean_conf(words) < WEAK_CONFIDENCE


def _sideways(words: list[OcrWord]) -> bool:
    """Most longer words taller than wide: Tesseract read a page turned by 90° as vertical text."""
    longer = [w for w in words if len(w.text) >= 4]
    upright = sum(w.bbox[3] - w.bbox[1] > w.bbox[2] - w.bbox[0] for w in longer)
    return len(longer) >= 5 and upright > 0.5 * len(longer)


def _score(words: list[OcrWord]) -> float:
    return _mean_conf(words) * len(words)


def _orientation(path: str, task: OcrTask) -> tuple[int, float]:
    """Tesseract OSD: the clockwise turn that makes the page upright, and how sure it is."""
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(
            path, config="--psm 0", output_type=pytesseract.Output.DICT, timeout=_remaining(task)
        )
    except pytesseract.TesseractError:
        return 0, 0.0  # too few characters to tell
    except RuntimeError as exc:
        raise LimitExceeded("the time budget ran out during OCR") from exc
    return int(osd.get("rotate", 0)) % 360, float(osd.get("orientation_conf", 0))


def _reads_better_turned(image, words: list[OcrWord], task: OcrTask, stem: str) -> bool:
    """Whether the middle lines of the page (at most BAND_LINES, within its middle half) read better upside down.

    Checks a band instead of the page: on a weak page that is upright (a poor fax) this costs a
    fraction of a second read. A band turned by 180° is the same band of the turned page.
    """
    import cv2

    centres = sorted((w.bbox[1] + w.bbox[3]) / 2 for w in words)
    if len(centres) < 4:
        top, bottom = image.shape[0] // 4, 3 * image.shape[0] // 4
    else:
        top, bottom = int(centres[len(centres) // 4]), int(centres[3 * len(centres) // 4]) + 1
        # A few lines tell upside down from upright as well as many, and the band's read is the
        # check's whole cost (seconds on a weak fax page that is upright after all).
        pitch = 2 * median(w.bbox[3] - w.bbox[1] for w in words)
        middle = int(centres[len(centres) // 2])
        top, bottom = (
            max(top, int(middle - BAND_LINES / 2 * pitch)),
            min(bottom, int(middle + BAND_LINES / 2 * pitch)),
        )
    if bottom - top < 50:
        return False
    band = f"{stem}-band.pgm"
    _write(band, cv2.rotate(image[top:bottom], cv2.ROTATE_180))
    turned, _, _ = _tesseract(band, task, False)
    inside = [w for w in words if top <= (w.bbox[1] + w.bbox[3]) / 2 < bottom]
    return _score(turned) > _score(inside)


def ocr_page(task: OcrTask) -> OcrResult:
    """Read one page. Runs in a worker process; everything it returns is plain and picklable."""
    import cv2

    os.environ["OMP_THREAD_LIMIT"] = "1"
    started = time.perf_counter()
    if task.pdf_page is not None:
        path, gray = _render_pdf_page(task)
        full = True
    else:
        # A JPEG decodes at half size for the checks (cheap in the DCT) and whole only when it must be
        # corrected; other formats cost a whole decode either way, so it is done once.
        path, full = task.path, not task.path.lower().endswith((".jpg", ".jpeg"))
        gray = cv2.imread(path, cv2.IMREAD_GRAYSCALE if full else cv2.IMREAD_REDUCED_GRAYSCALE_2)
    if gray is None:
        raise CorruptDocument("the page image cannot be decoded")
    # Paper statistics of received images are taken at half size, as they were tuned.
    small = (
        cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        if full and task.pdf_page is None
        else gray
    )
    result = OcrResult(dpi=task.dpi)
    result.adaptive = task.bilevel or needs_binarisation(small)
    result.skew = skew_angle(small)
    stem = Path(task.workdir) / f"{Path(path).stem}-{os.getpid()}-{time.monotonic_ns()}"

    def full_image():
        image = gray if full else cv2.imread(task.path, cv2.IMREAD_GRAYSCALE)
        if image is None:
            raise CorruptDocument("the page image cannot be decoded")
        return image

    if abs(result.skew) >= MIN_SKEW_DEG:
        gray, full = _rotate(full_image(), result.skew), True
        path = f"{stem}-deskewed.pgm"
        _write(path, gray)
    sauvola = False
    if result.adaptive:
        # Fax dots, grain, grey paper and streaks: Tesseract gets a cleaned black-and-white page.
        gray, full = clean_page(full_image(), task.dpi or DEFAULT_DPI, bilevel=task.bilevel), True
        path = f"{stem}-clean.pgm"
        _write(path, gray)
    words, result.width, result.height = _tesseract(path, task, False)
    if _weak(words) and not result.adaptive:
        second, width, height = _tesseract(path, task, True)
        if _score(second) > _score(words):
            words, sauvola = second, True
    if _weak(words) or _sideways(words):
        # OSD misses some turned pages on noisy paper and calls some poor upright faxes upside down;
        # upside down is the usual scanning mistake, so a weak page is checked for it on a band.
        rotation, sure = _orientation(path, task)
        believed = {0: OSD_UPRIGHT, 90: OSD_SIDEWAYS, 180: OSD_SURE, 270: OSD_SIDEWAYS}
        if sure < believed.get(rotation, OSD_SURE):
            turned = _weak(words) and _reads_better_turned(full_image(), words, task, str(stem))
            rotation = 180 if turned else 0
        if rotation:
            turned_path = f"{stem}-rotated.pgm"
            _write(turned_path, _rotate(full_image(), rotation))
            second, width, height = _tesseract(turned_path, task, sauvola)
            # Tesseract may read a turned page well as vertical text, but its boxes are no layout.
            upright = _sideways(words) and not _sideways(second) and _score(second) > 0.8 * _score(words)
            if upright or _score(second) > _score(words):
                words, result.rotation, result.width, result.height = second, rotation, width, height
    result.words = words
    result.seconds = time.perf_counter() - started
    return result


def run_ocr(tasks: list[OcrTask], workers: int, budget_s: float) -> list[OcrResult]:
    """Read pages in parallel across processes (at most `workers`), within `budget_s` seconds."""
    if not tasks:
        return []
    deadline = time.time() + max(budget_s, 0.0)
    for task in tasks:
        task.deadline = deadline
    if len(tasks) == 1 or workers <= 1:
        return [ocr_page(task) for task in tasks]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures import TimeoutError as FutureTimeout

    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(tasks)), mp_context=multiprocessing.get_context("fork")
    )
    try:
        futures = [pool.submit(ocr_page, task) for task in tasks]
        return [f.result(timeout=max(deadline - time.time(), 0.01)) for f in futures]
    except FutureTimeout as exc:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        raise LimitExceeded("the time budget ran out during OCR") from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
