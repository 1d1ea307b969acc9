"""Page-image cleaning before OCR: a binary page without paper noise, specks or ruled lines.

Tesseract binarises with one global Otsu threshold and reads every speck as a character; on grey,
speckled, faxed or streaked paper that loses whole lines. Cleaning is chosen by cheap statistics of the
page itself, never by what the sender says about it.
"""

from __future__ import annotations

from dataclasses import dataclass

UNEVEN_BACKGROUND = 45  # grey levels between light and dark paper: normalise the background first
GREY_PAPER = 200  # median grey level below which the paper itself is grey (a poor copy, a fax)
SPECKLE = 4.0  # standard deviation of the paper's grey level: noise that Otsu turns into specks
FAX_BLUR = 1.5  # Gaussian sigma at 200 dpi for 1-bit pages: joins fax dots and broken strokes
MAX_INK = 0.25  # share of a page in ink above which the threshold split the paper, not the text
SPECK_AREA = 0.3  # ink blobs smaller than this share of a full stop's area are noise
RULE_INCHES = 0.8  # horizontal ink runs longer than this are ruled lines or fax streaks, not letters
RULE_THICKNESS = 1 / 30  # inches: a rule or streak is thinner than this, a run of text taller


@dataclass
class PageStats:
    paper: float  # median grey level
    uneven: float  # spread of the paper's brightness across the page
    speckle: float  # grey-level noise on the paper

    @property
    def noisy(self) -> bool:
        return self.uneven > UNEVEN_BACKGROUND or self.paper < GREY_PAPER or self.speckle > SPECKLE


def page_stats(gray) -> PageStats:
    import cv2
    import numpy as np

    small = cv2.resize(
        gray, (400, int(400 * gray.shape[0] / gray.shape[1]) or 1), interpolation=cv2.INTER_AREA
    )
    paper = cv2.dilate(small, np.ones((9, 9), np.uint8))  # removes the (dark) text, keeps the paper
    low, high = np.percentile(paper, [5, 95])
    sample = gray[::2, ::2]  # every fourth pixel: the same statistics at a quarter of the cost
    level = float(np.median(sample))
    speckle = float(np.std(sample[sample > level - 10]))
    return PageStats(level, float(high - low), speckle)


def _remove_specks(ink, dpi: int):
    import cv2
    import numpy as np

    stop = (0.35 / 25.4 * dpi) ** 2  # a full stop of 10-12 pt type is about 0.35 mm across
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < SPECK_AREA * stop
    small[0] = False
    if count > 1 and small.any():
        ink = np.where(small[labels], 0, ink).astype(np.uint8)
    return ink


def _remove_rules(ink, dpi: int):
    """Thin horizontal runs longer than any letter (rules, underlines, fax streaks) erased.

    Only thin ones: a line of bold or smeared text can also be one long run, but it is tall.
    """
    import cv2

    length = max(int(RULE_INCHES * dpi), 20)
    bridged = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 1)))
    rules = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    # With its blurred edges (a row above and below), and only its dots where the streak is dotted.
    rules = cv2.bitwise_and(cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 3))), ink)
    if not rules.any():
        return ink
    thick = max(int(RULE_THICKNESS * dpi), 2)
    bands = cv2.morphologyEx(rules, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, thick)))
    rules = cv2.bitwise_and(rules, cv2.bitwise_not(bands))
    kept = cv2.bitwise_and(ink, cv2.bitwise_not(rules))
    # Strokes that cross a rule have ink just above and below it: bridge them again.
    bridge = cv2.morphologyEx(
        kept, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, thick | 1))
    )
    return cv2.bitwise_or(kept, cv2.bitwise_and(bridge, rules))


def clean_page(gray, dpi: int, stats: PageStats | None = None, bilevel: bool = False):
    """A white page with black text ready for Tesseract.

    A 1-bit page (fax) is only smoothed: thresholding it again loses the strokes its dots still hold,
    which Tesseract's own binarisation of the smoothed grey page keeps.
    """
    import cv2
    import numpy as np

    if bilevel:
        return cv2.GaussianBlur(gray, (0, 0), FAX_BLUR * dpi / 200)
    stats = stats or page_stats(gray)
    sigma = max(dpi / 200, 0.8)  # about 0.13 mm: joins fax dots and broken strokes, averages out grain
    smooth = cv2.GaussianBlur(gray, (0, 0), sigma)
    # Paper brightness (shadows, grey copies) divided out, so one threshold fits the whole page.
    size = int(dpi / 10) | 1
    background = cv2.morphologyEx(smooth, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8))
    smooth = cv2.divide(smooth, background, scale=255)
    _, ink = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if cv2.countNonZero(ink) > MAX_INK * ink.size:
        # A nearly blank page has no two classes for Otsu to split: it splits the grain. Ink is
        # then what is darker than the paper by far more than the grain (robust spread, MAD).
        sample = smooth[::4, ::4].astype(np.float32)
        level = float(np.median(sample))
        spread = 1.4826 * float(np.median(np.abs(sample - level)))
        _, ink = cv2.threshold(smooth, level - max(6 * spread, 30), 255, cv2.THRESH_BINARY_INV)
    if stats.speckle > SPECKLE:  # grain; on clean or faxed paper small blobs are broken letters
        ink = _remove_specks(ink, dpi)
    ink = _remove_rules(ink, dpi)
    return cv2.bitwise_not(ink)
