"""Refresh `data/samples/`: a few rendered letters of each format with their ground truth and register rows.

.venv/bin/python -m data.generator.samples [--out data/samples]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import tempfile
from pathlib import Path

from data.generator.build import build

# (format, noise, a substring of the manifest's detail, how many): small files, every format and noise kind
WANTED = [
    ("pdf", "clean", "", 2), ("docx", "clean", "", 1), ("txt", "clean", "", 2), ("eml", "clean", "body", 1),
    ("eml", "clean", "forward", 1), ("eml", "clean", "pismo", 1), ("scan_pdf", "light", "", 1),
    ("scan_pdf", "heavy", "", 1), ("png", "light", "", 1), ("tiff", "fax", "", 1), ("tiff", "light", "", 1),
    ("medo", "clean", "", 1), ("scan_pdf", "clean", "", 1), ("eml", "clean", "html_only", 1),
    ("eml", "clean", "html_alternative", 1),
]  # fmt: skip
# (formats, a test on the register row, how many): multi-page letters and the package forms of appeals
WANTED_ROWS = [
    (("pdf", "medo"), lambda r: int(r["page_count"]) >= 2 and r["package"] == "letter", 1),
    (("pdf", "medo", "scan_pdf", "tiff"), lambda r: r["package"] == "forwarded_two_step", 1),
    (("txt",), lambda r: r["package"] in ("call_centre", "hotline", "incident"), 2),
    (("eml", "docx"), lambda r: r["package"] == "mail_forward", 1),
]


def make_samples(out: Path, seed: int = 42) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        world = Path(tmp)
        build(world, seed=seed, years=1, per_year=1500, render=250, workers=2)
        rendered = world / "rendered"
        with (rendered / "manifest.csv").open(encoding="utf-8") as fh:
            manifest = list(csv.DictReader(fh))
        with (world / "register.csv").open(encoding="utf-8") as fh:
            by_id = {r["doc_id"]: r for r in csv.DictReader(fh)}
        chosen: list[dict] = []
        for fmt, noise, detail, n in WANTED:
            group = [
                m for m in manifest if m["format"] == fmt and m["noise"] == noise and detail in m["detail"]
            ]
            group.sort(key=lambda m: ((rendered / m["file"]).stat().st_size, m["file"]))
            chosen += [m for m in group if m not in chosen][:n]
        for formats, test, n in WANTED_ROWS:
            group = [m for m in manifest if m["format"] in formats and test(by_id[m["doc_id"]])]
            group.sort(key=lambda m: ((rendered / m["file"]).stat().st_size, m["file"]))
            chosen += [m for m in group if m not in chosen][:n]
        if out.exists():
            shutil.rmtree(out)
        (out / "gt").mkdir(parents=True)
        for m in chosen:
            shutil.copy(rendered / m["file"], out / m["file"])
            shutil.copy(rendered / m["gt_text_file"], out / m["gt_text_file"])
        chosen.sort(key=lambda m: m["file"])
        with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(manifest[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(chosen)
        ids = {m["doc_id"] for m in chosen}
        with (world / "register.csv").open(encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            rows = [r for r in reader if r["doc_id"] in ids]
            fields = reader.fieldnames or []
        with (out / "register.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "samples")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    chosen = make_samples(args.out, args.seed)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"{len(chosen)} samples, {size / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
