"""Training at scale: wall time and peak memory of `docket train` on a ~100,000-row register, the bundle's
size, and executor/resolution latency per letter with the trained bundle.

The register is generated once with `docket generate` (5 years × 20,000 letters, no rendering) and cached
under the results directory's `cache/`; set DOCKET_BENCH_ROWS_PER_YEAR to use a smaller one, or
DOCKET_BENCH_WORLD to an existing world directory. The card classifiers are trained too (their share is in
`train_seconds_by_part`); DOCKET_BENCH_CARD_MODELS=0 leaves them out.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path


def _run(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS of the child in MB)."""
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])}… failed: {result.stderr.strip()[-500:]}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak_mb


def _latency(bundle_dir: Path, world: Path, n: int = 200) -> dict:
    from models.bundle import load_path
    from pipeline.contract import Deadline
    from training.evaluate import _document, card_from_row
    from training.register import load_register

    bundle = load_path(bundle_dir)
    frame = load_register(world).frame.tail(n)
    rows = frame.to_dict("records")
    pairs = [(_document(r), card_from_row(r)) for r in rows]
    bundle.suggest_executors(*pairs[0], top_k=3)  # warm caches
    started = time.perf_counter()
    suggestions = [bundle.suggest_executors(doc, card, top_k=3) for doc, card in pairs]
    executor_ms = (time.perf_counter() - started) * 1000 / len(pairs)
    started = time.perf_counter()
    for (doc, card), executors, row in zip(pairs, suggestions, rows, strict=True):
        bundle.draft_resolution(doc, card, executors, Deadline(date=row["reg_date"], rule="bench"))
    resolution_ms = (time.perf_counter() - started) * 1000 / len(pairs)
    return {
        "executor_ms_per_letter": round(executor_ms, 2),
        "resolution_ms_per_letter": round(resolution_ms, 2),
    }


def run(results_dir: Path) -> dict:
    results_dir = Path(results_dir)
    per_year = int(os.environ.get("DOCKET_BENCH_ROWS_PER_YEAR", "20000"))
    cache = Path(os.environ.get("DOCKET_BENCH_WORLD") or results_dir / "cache" / f"world-5y-{per_year}")
    docket = [sys.executable, "-m", "docket.cli"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "DOCKET_HOME": str(results_dir / "cache" / "home")}
    if not (cache / "register.parquet").is_file() and not (cache / "register.csv").is_file():
        cache.parent.mkdir(parents=True, exist_ok=True)
        _run([*docket, "generate", "--out", str(cache), "--seed", "7", "--years", "5", "--per-year", str(per_year), "--no-render"], env)  # fmt: skip
    load_at_start = round(os.getloadavg()[0], 2)
    bundle_dir = results_dir / "cache" / "bundle"
    # the Parquet export when the world has one: the CSV of 100k letters alone takes ~20 s to parse
    register = cache / "register.parquet" if (cache / "register.parquet").is_file() else cache
    card = os.environ.get("DOCKET_BENCH_CARD_MODELS", "1") != "0"
    wall, peak_mb = _run(
        [
            *docket,
            "train",
            "--register",
            str(register),
            "--out",
            str(bundle_dir),
            "--no-mlflow",
            "--card-models" if card else "--no-card-models",
        ],
        env,
    )
    manifest = json.loads((bundle_dir / "manifest.json").read_text("utf-8"))
    world_file = cache / "world.json"
    world = json.loads(world_file.read_text("utf-8")) if world_file.is_file() else {}
    result = {
        "world": str(cache),
        "world_seed": world.get("seed"),
        "register_rows": manifest["train_rows"] + manifest["test_rows"],
        "card_models_included": card,
        "load_1min_at_start": load_at_start,
        "train_rows": manifest["train_rows"],
        "train_seconds_models": manifest["train_seconds"],
        "train_wall_seconds_with_evaluation": round(wall, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "bundle_mb": round(manifest["bundle_bytes"] / 1e6, 1),
        "train_seconds_by_part": manifest.get("train_seconds_by_part"),
        "evaluate_seconds": manifest.get("evaluate_seconds"),
        **{
            name: manifest["metrics"].get(name)
            for name in (
                "executor_top1",
                "executor_top3",
                "executor_top5",
                "executor_top1_without_topic",
                "oracle_top1",
                "baseline_executor_top1",
                "baseline_executor_top3",
                "author_accuracy",
                "resolution_template",
                "resolution_full",
                "resolution_template_given_truth",
                "resolution_full_given_truth",
                "resolution_template_true_executors",
                "resolution_template_true_deadline",
                "resolution_template_true_author",
                "resolution_confidence_ece",
                "deadline_accuracy",
            )
        },
        "cpu_count": os.cpu_count(),
        **_latency(bundle_dir, cache),
    }
    print(f"{'measure':<38}{'value':>12}")
    for key, value in result.items():
        if isinstance(value, float):
            value = round(value, 3)
        print(f"{key:<38}{value!s:>12}")
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "training.json").write_text(json.dumps(result, indent=2), "utf-8")
    return result
