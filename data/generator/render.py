"""Render a sample of the register as files the way each channel delivers them, with ground truth.

post / in person → scans (PDF, PNG, TIFF), fax → fax TIFF, МЭДО → ZIP package (PDF + XML passport), courier → text PDF or DOCX,
e-mail → .eml (body, attachment PDF/DOCX, forwarded chain), web form / platform → form text (.txt).
Each file gets `gt/<name>.txt`, its text as laid out on the page(s) in reading order.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

from data.generator.layout import layout, page_text, paged_text
from data.generator.render_docx import docx_bytes
from data.generator.render_email import email_bytes
from data.generator.render_medo import medo_zip
from data.generator.render_pdf import pdf_bytes
from data.generator.render_scan import render_scan, stamp_lines

MANIFEST = [
    "file",
    "doc_id",
    "format",
    "noise",
    "gt_text_file",
    "channel",
    "pages",
    "dpi",
    "rotation",
    "detail",
]
SCAN_FORMATS = ("scan_pdf", "png", "tiff")


def choose_format(channel: str, pages: int, rng: random.Random) -> tuple[str, str]:
    """(format, noise) for a letter arriving by `channel`."""
    if channel in ("post", "in_person"):
        fmt = rng.choice(["scan_pdf", "scan_pdf", "png", "tiff"])
        if fmt == "png" and pages > 1:
            fmt = "tiff"
        return fmt, rng.choice(["clean", "light", "light", "heavy"])  # some scanners give spotless pages
    if channel == "fax":
        return "tiff", "fax"
    if channel == "medo":
        return "medo", "clean"
    if channel == "courier":
        return rng.choice(["pdf", "docx", "docx", "scan_pdf"]), "clean"
    if channel == "email":
        return ("docx" if rng.random() < 0.15 else "eml"), "clean"
    return "txt", "clean"


def flat(row: dict) -> str:
    """A page-less format (e-mail body, portal export) carries no page breaks."""
    return paged_text(_blocks(row), [])


def _blocks(row: dict) -> list[tuple[str, str]]:
    return [(b.name, b.text) for b in row["_letter"].blocks]


def _scan_job(job: tuple) -> tuple[str, str, dict]:
    stem, pages, seed, fmt, noise, stamp = job
    return render_scan(stem, pages, random.Random(seed), fmt, noise, stamp)


def pick(n_rows: int, seed: int, count: int) -> list[int]:
    """Which registered letters get rendered (decided before the register is written, to free the rest)."""
    return sorted(random.Random(f"{seed}:render").sample(range(n_rows), min(count, n_rows)))


def render_sample(rows: list[dict], out: Path, *, seed: int, count: int, workers: int = 2) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    (out / "gt").mkdir(exist_ok=True)
    picked = pick(len(rows), seed, count)
    plan = []
    for i in picked:
        row = rows[i]
        frng = random.Random(f"{seed}:{row['doc_id']}")
        fmt, noise = choose_format(row["channel"], row["page_count"], frng)
        plan.append((row, fmt, noise, frng))

    manifest: list[list] = []
    scan_jobs, scan_meta = [], []
    for row, fmt, noise, frng in plan:
        stem = out / row["doc_id"]
        blocks = _blocks(row)
        pages = layout(blocks, row["layout"])
        if fmt in SCAN_FORMATS:
            stamp = stamp_lines(row["reg_number"], row["reg_date"])
            scan_jobs.append((stem, pages, frng.randrange(2**32), fmt, noise, stamp))
            scan_meta.append((row, fmt, noise))
            continue
        detail = ""
        dpi = ""
        if fmt == "pdf":
            name = f"{row['doc_id']}.pdf"
            (out / name).write_bytes(pdf_bytes(pages, frng, row.get("subject") or ""))
            gt = "\n\f".join(page_text(p) for p in pages)
            n_pages = len(pages)
        elif fmt == "medo":
            name = f"{row['doc_id']}.zip"
            pdf = pdf_bytes(pages, frng, row.get("subject") or "")
            (out / name).write_bytes(medo_zip(row, pdf, frng, len(pages)))
            gt = "\n\f".join(page_text(p) for p in pages)
            n_pages = len(pages)
            detail = "passport.xml;pdf"
        elif fmt == "docx":
            name = f"{row['doc_id']}.docx"
            data, gt = docx_bytes(blocks, row["layout"], frng)
            (out / name).write_bytes(data)
            n_pages = row["page_count"]
        elif fmt == "eml":
            mode = frng.choice(["body", "attachment", "attachment", "forward"])
            attachment = None
            if mode == "attachment":
                if frng.random() < 0.6:
                    att = pdf_bytes(pages, frng, row.get("subject") or "")
                    attachment = ("pismo.pdf", att, "\n\f".join(page_text(p) for p in pages))
                else:
                    data, dgt = docx_bytes(blocks, row["layout"], frng)
                    attachment = ("pismo.docx", data, dgt)
            data, gt, info = email_bytes(row, flat(row), frng, mode, attachment)
            name = f"{row['doc_id']}.eml"
            (out / name).write_bytes(data)
            detail = (
                f"{info['mode']};{info['charset']};{info['cte']}"
                + (f";{attachment[0]}" if attachment else "")
                + (f";html_{info['html']}" if info["html"] else "")
            )
            n_pages = 1
        else:
            name = f"{row['doc_id']}.txt"
            gt = flat(row)
            (out / name).write_text(gt + "\n", encoding="utf-8")
            n_pages = 1
        gt_file = f"gt/{Path(name).stem}.{Path(name).suffix.lstrip('.')}.txt"
        (out / gt_file).write_text(gt, encoding="utf-8")
        manifest.append([name, row["doc_id"], fmt, noise, gt_file, row["channel"], n_pages, dpi, 0, detail])

    if scan_jobs:
        if workers > 1 and len(scan_jobs) > 2:
            import multiprocessing as mp

            with mp.get_context("fork").Pool(workers) as pool:
                results = pool.map(_scan_job, scan_jobs, chunksize=1)
        else:
            results = [_scan_job(j) for j in scan_jobs]
        for (row, fmt, noise), (name, gt, info) in zip(scan_meta, results, strict=True):
            gt_file = f"gt/{Path(name).stem}.{Path(name).suffix.lstrip('.')}.txt"
            (out / gt_file).write_text(gt, encoding="utf-8")
            manifest.append([name, row["doc_id"], fmt, noise, gt_file, row["channel"], info["pages"], info["dpi"],
                             info["rotation"], ""])  # fmt: skip
    manifest.sort(key=lambda r: r[0])
    with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(MANIFEST)
        w.writerows(manifest)
    return {
        "files": len(manifest),
        "by_format": dict(sorted(Counter(r[2] for r in manifest).items())),
        "by_noise": dict(sorted(Counter(r[3] for r in manifest).items())),
    }
