"""`make run` needs something to serve on a fresh machine: a demo world and models trained on it.

The world comes from `docket generate` run as a separate process (the pipeline never imports the
generator); the models from the same training code as `docket train --promote`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from docket.errors import DocketError
from docket.settings import get_settings

REGISTER_NAMES = ("register.parquet", "register.csv", "register.jsonl", "register.xlsx")


def _has_register(folder: Path) -> bool:
    return any((folder / name).is_file() for name in REGISTER_NAMES)


def generate_world(folder: Path, seed: int, years: int, per_year: int) -> Iterator[str]:
    part = folder.with_name(folder.name + ".part")
    shutil.rmtree(part, ignore_errors=True)
    command = [
        sys.executable, "-m", "docket.cli", "generate", "--out", str(part),
        "--seed", str(seed), "--years", str(years), "--per-year", str(per_year),
    ]  # fmt: skip
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise DocketError(f"generating the demo world failed: {last}")
    shutil.rmtree(folder, ignore_errors=True)
    part.rename(folder)
    yield f"demo world generated in {time.perf_counter() - started:.0f} s: {folder}"


def train_demo(world: Path) -> Iterator[str]:
    from models.bundle import promote
    from training.register import load_register
    from training.train import train_register

    settings = get_settings()
    started = time.perf_counter()
    bundle, report = train_register(load_register(world), test_fraction=0.2)
    staging = settings.resolved_models_dir / "staging"
    bundle.save(staging)
    target = promote(staging, settings.resolved_models_dir)
    shutil.rmtree(staging, ignore_errors=True)
    yield (
        f"demo models {bundle.version} trained in {time.perf_counter() - started:.0f} s "
        f"(held-out executor top-1 {report.get('executor_top1') or 0:.3f}): {target}"
    )
    try:
        from training.tracking import log_run

        logged = log_run(target, bundle.manifest, report, settings.resolved_data_dir)
        yield f"logged to MLflow as model version {logged['model_version']}"
    except Exception as exc:  # noqa: BLE001 - the demo serves without an MLflow record
        yield f"MLflow logging skipped: {type(exc).__name__}: {exc}"


def ensure_demo(force: bool = False) -> Iterator[str]:
    from docket.errors import IncompatibleModel
    from models.bundle import load_bundle

    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    yield f"docket home: {settings.home.resolve()}"
    world = settings.demo_world_dir
    if force or not _has_register(world):
        yield (
            f"generating the demo world (seed {settings.demo_seed}, {settings.demo_years} years × "
            f"{settings.demo_per_year} letters)…"
        )
        yield from generate_world(world, settings.demo_seed, settings.demo_years, settings.demo_per_year)
    else:
        yield f"demo world present: {world}"
    try:
        present = None if force else load_bundle(settings)
    except IncompatibleModel as exc:
        yield f"promoted models unusable ({exc}): retraining"
        present = None
    if present is None:
        yield "training the demo models…"
        yield from train_demo(world)
    else:
        yield f"models present: {present.version}"
