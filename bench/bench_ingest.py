"""Ingestion: CER/WER against ground truth by format and noise, OCR time against bare `tesseract`.

World: $DOCKET_BENCH_INGEST_WORLD (a directory with rendered/manifest.csv), else one generated through the
CLI (`docket generate --seed 7 ...`) into a temp dir. When the generator cannot render, the bench falls
back to letters it draws itself (recorded as "source": "bench-fixtures" in the JSON).

`cer_clean` covers noise-free scans and the generator's lightest noise level ("clean", "light"),
`cer_noisy` the heavier ones ("heavy", "fax"); `cer_scan_by_noise` has each level, `cer_other`
the e-mails, DOCX and text files. Texts are compared after collapsing whitespace, so line breaks do not count but reading order does: a
header read line by line across its two columns costs errors. Each scanned page is also read by bare
`tesseract IMAGE - -l rus+eng` in the same run: `cer_bare_tesseract` is its CER on the same pages.
`overhead_vs_tesseract` is docket's CPU time per scanned page (one worker, everything included: decoding,
deskew, OCR, OSD when needed, layout, repair) over bare tesseract's CPU time on the same pages (1.0 = no
overhead); CPU rather than wall time because the machine is shared, and the best of
$DOCKET_BENCH_INGEST_REPEAT (2) runs of each, interleaved. `overhead_vs_tesseract_wall` is the
same ratio in wall time, interleaved in the same run.

Every multi-page scan is also read with two workers (best of N wall time): `multipage_speedup_per_file`
gives the mean, spread and range of one-worker over two-worker time per file, and
`multipage_speedup_bound` the best any split could do, from bare tesseract's time per page (a letter's
short last page leaves one core idle). `load_average` says how busy the shared machine was.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

SEED = 7
RENDER = int(os.environ.get("DOCKET_BENCH_INGEST_RENDER", "200"))  # 80 gave 1 fax and 4 heavy scans
MAX_FILES = int(os.environ.get("DOCKET_BENCH_INGEST_MAX_FILES", "100"))
REPEAT = int(os.environ.get("DOCKET_BENCH_INGEST_REPEAT", "2"))  # best of N for timings
CLEAN_NOISE = {"", "0", "0.0", "none", "clean", "no"}
# Noise-free scans and the generator's lightest level count as clean for `cer_clean`.
CLEAN_SCAN_NOISE = CLEAN_NOISE | {"light"}


def _docket() -> str:
    candidate = Path(sys.executable).with_name("docket")
    return str(candidate) if candidate.exists() else (shutil.which("docket") or "docket")


def world_dir(tmp: Path) -> tuple[Path, str]:
    given = os.environ.get("DOCKET_BENCH_INGEST_WORLD")
    if given:
        return Path(given), "given"
    out = tmp / "world"
    cmd = [_docket(), "generate", "--out", str(out), "--seed", str(SEED), "--years", "1"]
    cmd += ["--per-year", "600", "--render", str(RENDER)]
    result = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    if result.returncode == 0 and (out / "rendered" / "manifest.csv").exists():
        return out, "docket generate"
    print(f"docket generate did not render ({result.stderr.strip()[-200:]}); using the bench's own letters")
    return _own_letters(tmp / "own"), "bench-fixtures"


def _squash(text: str) -> str:
    return " ".join(text.split())


def _distances(reference: str, hypothesis: str) -> tuple[int, int, int, int]:
    from rapidfuzz.distance import Levenshtein

    ref, hyp = _squash(reference), _squash(hypothesis)
    ref_words, hyp_words = ref.split(), hyp.split()
    return (
        Levenshtein.distance(ref, hyp),
        len(ref),
        Levenshtein.distance(ref_words, hyp_words),
        len(ref_words),
    )


def _cpu() -> float:
    """CPU seconds of this process and its finished children (tesseract runs, OCR workers)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _bare_tesseract(image: Path, languages: str) -> str:
    result = subprocess.run(
        ["tesseract", str(image), "-", "-l", languages],
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        check=False,
    )
    return result.stdout


def _page_images(path: Path, media_type: str, work: Path, dpi: int) -> list[Path]:
    """The images bare tesseract reads: the file itself, or PDF pages rendered like docket renders them."""
    if media_type.startswith("image/") and media_type != "image/tiff":
        return [path]
    if media_type == "image/tiff":
        from PIL import Image

        out = []
        with Image.open(path) as image:
            for i in range(getattr(image, "n_frames", 1)):
                image.seek(i)
                out.append(work / f"{path.stem}-{i}.png")
                dpi_info = image.info.get("dpi")
                image.convert("L").save(out[-1], compress_level=1, **({"dpi": dpi_info} if dpi_info else {}))
        return out
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    out = []
    for i in range(len(pdf)):
        out.append(work / f"{path.stem}-{i}.png")
        pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().save(out[-1], compress_level=1, dpi=(dpi, dpi))
    pdf.close()
    return out


def _read_rows(world: Path) -> list[dict[str, str]]:
    with open(world / "rendered" / "manifest.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # Formats in turn, so that a rare one (a text PDF is ~1 in 200 of the generator's files) is in the sample.
    by_format: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_format.setdefault(row["format"], []).append(row)
    queues = list(by_format.values())
    chosen: list[dict[str, str]] = []
    while len(chosen) < min(MAX_FILES, len(rows)):
        for queue in queues:
            if queue and len(chosen) < MAX_FILES:
                chosen.append(queue.pop(0))
    return chosen


def _ground_truth(world: Path, row: dict[str, str]) -> str:
    for base in (world / "rendered", world):
        path = base / row["gt_text_file"]
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(row["gt_text_file"])


def _timed(repeat: int, fn, *args) -> tuple[Any, float, float]:
    """fn's result with its best wall and best CPU time over `repeat` runs (the machine is shared)."""
    result, walls, cpus = None, [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), _cpu()
        result = fn(*args)
        walls.append(time.perf_counter() - started)
        cpus.append(_cpu() - cpu)
    return result, min(walls), min(cpus)


def measure(world: Path) -> dict[str, Any]:
    from docket.settings import Settings
    from pipeline.ingest import ingest_bytes

    one_worker = Settings().model_copy(update={"workers": 1})
    two_workers = Settings().model_copy(update={"workers": 2})
    ingest_bytes(b"warm up: imports, dictionaries", "warm.txt", one_worker)
    groups: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    buckets: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    bare = [0, 0]
    times = {"docket_ocr_s": 0.0, "bare_s": 0.0, "ocr_pages": 0, "text_pdf_s": 0.0, "text_pdf_pages": 0}
    cpu = {"docket": 0.0, "bare": 0.0}
    multi = {"one_worker_s": 0.0, "two_workers_s": 0.0, "docs": 0}
    multi_files: list[dict[str, Any]] = []
    failures: list[str] = []
    per_file: list[dict[str, Any]] = []
    by_noise: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    cpu_by_noise: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    pages = 0
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        for row in _read_rows(world):
            path = world / "rendered" / row["file"]
            truth = _ground_truth(world, row)
            data = path.read_bytes()
            try:
                document, elapsed, cpu_used = _timed(1, ingest_bytes, data, path.name, one_worker)
            except Exception as exc:  # a failure is a result here, reported, not a crash of the bench
                failures.append(f"{row['file']}: {type(exc).__name__}: {exc}")
                continue
            pages += len(document.pages)
            noise = (row.get("noise") or "").strip().lower()
            scanned = document.ocr_used
            if document.media_type == "application/pdf" and not scanned:
                bucket = "text_pdf"
                _, elapsed, _ = _timed(REPEAT, ingest_bytes, data, path.name, one_worker)
                times["text_pdf_s"] += elapsed
                times["text_pdf_pages"] += len(document.pages)
            elif scanned and (
                document.media_type == "application/pdf" or document.media_type.startswith("image/")
            ):
                bucket = "scan_clean" if noise in CLEAN_SCAN_NOISE else "scan_noisy"
                if REPEAT > 1:
                    _, again, cpu_again = _timed(REPEAT - 1, ingest_bytes, data, path.name, one_worker)
                    elapsed, cpu_used = min(elapsed, again), min(cpu_used, cpu_again)
                images = _page_images(path, document.media_type, Path(tmp), one_worker.ocr_dpi)
                bare_text, bare_pages = [], []
                for image in images:
                    text, seconds, cpu_seconds = _timed(
                        REPEAT, _bare_tesseract, image, one_worker.ocr_languages
                    )
                    bare_text.append(text)
                    bare_pages.append(seconds)
                    times["bare_s"] += seconds
                    cpu["bare"] += cpu_seconds
                    cpu_by_noise[noise or "none"][1] += cpu_seconds
                times["docket_ocr_s"] += elapsed
                cpu["docket"] += cpu_used
                cpu_by_noise[noise or "none"][0] += cpu_used
                times["ocr_pages"] += len(document.pages)
                d = _distances(truth, "\n".join(bare_text))
                bare[0] += d[0]
                bare[1] += d[1]
                if len(images) > 1:
                    _, two, _ = _timed(REPEAT, ingest_bytes, data, path.name, two_workers)
                    multi["two_workers_s"] += two
                    multi["one_worker_s"] += elapsed
                    multi["docs"] += 1
                    multi_files.append(
                        {
                            "file": row["file"],
                            "noise": noise,
                            "pages": len(images),
                            "one_worker_s": round(elapsed, 3),
                            "two_workers_s": round(two, 3),
                            "speedup": round(elapsed / two, 3),
                            # Two workers cannot beat the slowest page: a short last page bounds the gain.
                            "bound_from_bare_pages": round(sum(bare_pages) / max(bare_pages), 3),
                        }
                    )
            else:
                bucket = "other"
            d = _distances(truth, document.text)
            per_file.append(
                {
                    "file": row["file"],
                    "format": row.get("format"),
                    "noise": noise,
                    "pages": len(document.pages),
                    "ocr": scanned,
                    "cer": round(d[0] / max(d[1], 1), 4),
                    "seconds": round(elapsed, 3),
                }
            )
            group = groups[(row.get("format") or document.media_type, noise or "none")]
            for i, value in enumerate((*d, 1, len(document.pages))):
                group[i] += value
            buckets[bucket][0] += d[0]
            buckets[bucket][1] += d[1]
            if bucket.startswith("scan_"):
                by_noise[noise or "none"][0] += d[0]
                by_noise[noise or "none"][1] += d[1]

    def rate(pair: list[int]) -> float | None:
        return round(pair[0] / pair[1], 4) if pair[1] else None

    by_group = [
        {
            "format": fmt,
            "noise": noise,
            "files": g[4],
            "pages": g[5],
            "cer": round(g[0] / max(g[1], 1), 4),
            "wer": round(g[2] / max(g[3], 1), 4),
        }
        for (fmt, noise), g in sorted(groups.items())
    ]
    return {
        "cer_clean": rate(buckets["scan_clean"]),
        "cer_noisy": rate(buckets["scan_noisy"]),
        "cer_text_pdf": rate(buckets["text_pdf"]),
        "cer_other": rate(buckets["other"]),
        "cer_scan_by_noise": {level: rate(pair) for level, pair in sorted(by_noise.items())},
        "clean_scan_levels": sorted(CLEAN_SCAN_NOISE - {""}),
        "cer_bare_tesseract": rate(bare),
        "cer_docket_on_same_scans": rate(
            [
                buckets["scan_clean"][0] + buckets["scan_noisy"][0],
                buckets["scan_clean"][1] + buckets["scan_noisy"][1],
            ]
        ),
        "overhead_vs_tesseract": round(cpu["docket"] / cpu["bare"], 3) if cpu["bare"] else None,
        "overhead_vs_tesseract_by_noise": {
            level: round(pair[0] / pair[1], 3) for level, pair in sorted(cpu_by_noise.items()) if pair[1]
        },
        "overhead_vs_tesseract_wall": round(times["docket_ocr_s"] / times["bare_s"], 3)
        if times["bare_s"]
        else None,
        "ocr_s_per_page": round(times["docket_ocr_s"] / max(times["ocr_pages"], 1), 3),
        "bare_tesseract_s_per_page": round(times["bare_s"] / max(times["ocr_pages"], 1), 3),
        "text_pdf_ms_per_page": round(1000 * times["text_pdf_s"] / times["text_pdf_pages"], 2)
        if times["text_pdf_pages"]
        else None,
        "multipage_speedup_2_workers": round(multi["one_worker_s"] / multi["two_workers_s"], 3)
        if multi["two_workers_s"]
        else None,
        "multipage_docs": multi["docs"],
        "multipage_speedup_per_file": _spread([f["speedup"] for f in multi_files]),
        "multipage_speedup_bound": _spread([f["bound_from_bare_pages"] for f in multi_files]),
        "multipage_files": multi_files,
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "pages": pages,
        "files": sum(g[4] for g in groups.values()),
        "failures": failures,
        "by_format": by_group,
        "per_file": per_file,
    }


def _spread(values: list[float]) -> dict[str, float] | None:
    from statistics import mean, pstdev

    if not values:
        return None
    return {
        "mean": round(mean(values), 3),
        "stdev": round(pstdev(values), 3),
        "min": min(values),
        "max": max(values),
        "files": len(values),
    }


def _seed(world: Path, source: str) -> int | None:
    """The generator's seed, from the world's own record when the world was given."""
    if source != "given":
        return SEED
    try:
        return json.loads((world / "world.json").read_text(encoding="utf-8")).get("seed")
    except (OSError, ValueError):
        return None


def run(results_dir: Path) -> dict[str, Any]:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    with tempfile.TemporaryDirectory(prefix="bench-ingest-world-") as tmp:
        world, source = world_dir(Path(tmp))
        result = measure(world)
    result = {"generated_seed": _seed(world, source), "source": source, "world": str(world), **result}
    print(f"{'format':<28}{'noise':<8}{'files':>6}{'pages':>6}{'CER':>8}{'WER':>8}")
    for g in result["by_format"]:
        print(
            f"{g['format']:<28}{g['noise']:<8}{g['files']:>6}{g['pages']:>6}{g['cer']:>8.4f}{g['wer']:>8.4f}"
        )
    for key in (
        "cer_clean",
        "cer_noisy",
        "cer_text_pdf",
        "cer_other",
        "cer_scan_by_noise",
        "cer_bare_tesseract",
        "cer_docket_on_same_scans",
        "overhead_vs_tesseract",
        "overhead_vs_tesseract_by_noise",
        "overhead_vs_tesseract_wall",
        "ocr_s_per_page",
        "bare_tesseract_s_per_page",
        "text_pdf_ms_per_page",
        "multipage_speedup_2_workers",
        "multipage_speedup_per_file",
        "multipage_speedup_bound",
        "load_average",
        "pages",
    ):
        print(f"{key:<30}{result[key]}")
    for failure in result["failures"]:
        print(f"failed: {failure}")
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "ingest.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return result


# --- the bench's own letters, used only when the generator cannot render -----------------------------

_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_SENDERS = [
    [
        "МИНИСТЕРСТВО ЗДРАВООХРАНЕНИЯ",
        "Тверской области",
        "ул. Советская, д. 23, г. Тверь",
        "Тел. (4822) 32-11-07",
    ],
    ["АДМИНИСТРАЦИЯ", "Копейского городского округа", "пр. Славы, д. 8, г. Копейск", "e-mail: adm@kgo74.ru"],
    ["ООО «Стройинвест»", "ИНН 7451234567", "ул. Кирова, д. 110, г. Челябинск"],
]
_ADDRESSEES = [
    ["Губернатору", "Челябинской области", "А.Л. Текслеру"],
    ["Заместителю Губернатора", "Сидорову П.А."],
]
_BODIES = [
    [
        "О ремонте кровли школы № 12",
        "Уважаемый Алексей Леонидович!",
        "В соответствии с Федеральным законом от 02.05.2006 № 59-ФЗ направляем",
        "обращение жителей поселка о капитальном ремонте кровли здания школы.",
        "Просим рассмотреть вопрос о выделении средств в 2025 году.",
        "Приложение: на 3 л. в 1 экз.",
    ],
    [
        "О предоставлении информации",
        "На № 01-12/345 от 12 марта 2025 г. сообщаем, что работы по благоустройству",
        "дворовых территорий будут завершены до 1 октября 2025 г.",
        "Исполнитель: Петрова Анна Сергеевна, тел. 8 (351) 263-45-12",
    ],
]


def _draw(lines: list[tuple[float, float, str]], dpi: int, angle: float, noise: float, seed: int):
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    scale = dpi / 72
    image = Image.new("L", (int(595 * scale), int(842 * scale)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(_FONT, int(11 * scale))
    for x, y, text in lines:
        draw.text((x * scale, y * scale), text, font=font, fill=20)
    if angle:
        image = image.rotate(angle, fillcolor=255, resample=Image.BICUBIC)
    if noise:
        image = image.filter(ImageFilter.GaussianBlur(0.6))
        pixels = np.asarray(image).astype(np.float32)
        rng = np.random.default_rng(seed)
        pixels += rng.normal(0, 14 * noise, pixels.shape)
        pixels[rng.random(pixels.shape) < 0.0003 * noise] = 0
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return image


def _own_letters(out: Path) -> Path:
    from fpdf import FPDF

    rendered = out / "rendered"
    rendered.mkdir(parents=True)
    rows = []
    for i in range(6):
        left, right, body = _SENDERS[i % 3], _ADDRESSEES[i % 2], _BODIES[i % 2]
        lines = [(50, 50 + 16 * k, t) for k, t in enumerate(left)]
        lines += [(340, 50 + 16 * k, t) for k, t in enumerate(right)]
        lines += [(50, 200 + 18 * k, t) for k, t in enumerate(body)]
        truth = "\n".join(left) + "\n\n" + "\n".join(right) + "\n\n" + "\n".join(body)
        (rendered / f"{i}.txt").write_text(truth, encoding="utf-8")
        pdf = FPDF(unit="pt", format="A4")
        pdf.add_font("DejaVu", fname=_FONT)
        pdf.set_font("DejaVu", size=11)
        pdf.add_page()
        for x, y, text in lines:
            pdf.text(x, y + 9, text)
        pdf.output(str(rendered / f"{i}-text.pdf"))
        rows.append((f"{i}-text.pdf", i, "pdf_text", "none"))
        _draw(lines, 300, 0.8 * (i % 3 - 1), 0, i).save(rendered / f"{i}-clean.png", dpi=(300, 300))
        rows.append((f"{i}-clean.png", i, "png", "none"))
        _draw(lines, 300, 1.5, 1.0, i).save(rendered / f"{i}-noisy.png", dpi=(300, 300))
        rows.append((f"{i}-noisy.png", i, "png", "heavy"))
        if i < 2:  # two-page scans: both pages read at once
            first, second = _draw(lines, 300, 0, 0, i), _draw(lines, 300, -1.0, 0, i + 10)
            first.save(rendered / f"{i}-scan.pdf", save_all=True, append_images=[second], resolution=300)
            (rendered / f"{i}-x2.txt").write_text(truth + "\n\n" + truth, encoding="utf-8")
            rows.append((f"{i}-scan.pdf", i, "pdf_scan", "none", f"{i}-x2.txt"))
    with open(rendered / "manifest.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "doc_id", "format", "noise", "gt_text_file"])
        for name, i, fmt, noise, *truth_file in rows:
            writer.writerow([name, f"own-{i}", fmt, noise, truth_file[0] if truth_file else f"{i}.txt"])
    return out
