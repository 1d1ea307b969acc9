"""Card field accuracy: a generated world's newest 20% (texts and rendered files) and the real dev set.

The world is DOCKET_CARD_WORLD if set, else the demo world if present, else one generated here with
`docket generate` (as a user would run it). The card classifiers are fitted on the older 80% only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = ROOT.parent / "shared" / "data" / "realworld-dev"
SEED = 11


def _world(results_dir: Path) -> Path | None:
    from docket.settings import get_settings

    given = os.environ.get("DOCKET_CARD_WORLD")
    if given:
        return Path(given)
    demo = get_settings().demo_world_dir
    if (demo / "organisations.csv").exists():
        return demo
    target = results_dir.parent / "card-world"
    if not (target / "organisations.csv").exists():
        command = [sys.executable, "-m", "docket.cli", "generate", "--out", str(target), "--seed", str(SEED)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            print(f"could not generate a world: {done.stderr.strip()[:300]}")
            return None
    return target


def run(results_dir: Path) -> dict:
    from models.card_classifiers import fit_card_models
    from training.card_eval import evaluate_cards, evaluate_realworld, load_register, split_by_time

    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    out: dict = {"field_accuracy_generated": None, "field_accuracy_realworld": None}
    world = _world(results_dir)
    bundle = None
    if world is not None:
        older, newer = split_by_time(load_register(world))
        started, cpu = time.perf_counter(), time.process_time()
        models = fit_card_models(older)
        bundle = SimpleNamespace(card_models=models)
        fit_s, fit_cpu = time.perf_counter() - started, time.process_time() - cpu
        latency = _card_latency(world, newer, bundle)
        started = time.perf_counter()
        generated = evaluate_cards(world, bundle=bundle, max_texts=1000)
        eval_s = time.perf_counter() - started
        files = generated.get("files") or {}
        out.update(
            {
                "world": str(world),
                "world_parameters": _world_parameters(world),
                "field_accuracy_generated": generated["text"]["overall"],
                "field_accuracy_generated_files": files.get("overall"),
                "per_field_generated": generated["text"]["per_field"],
                "per_field_generated_files": files.get("per_field"),
                "by_format_generated_files": files.get("by_format"),
                "by_doc_kind_generated": generated["text"]["by_doc_kind"],
                "by_channel_generated": generated["text"]["by_channel"],
                "coverage_generated": generated["text"]["coverage"],
                "n": generated["text"]["n"],
                "n_files": files.get("n"),
                "since": generated["since"],
                "n_fit_rows": len(older),
                "fit_seconds": round(fit_s, 1),
                "fit_cpu_seconds": round(fit_cpu, 1),
                **latency,
                "eval_seconds": round(eval_s, 1),
            }
        )
    if (REALWORLD / "appeals.jsonl").exists():
        real = evaluate_realworld(REALWORLD, bundle=bundle)
        out.update(
            {
                "field_accuracy_realworld": real["overall"],
                "per_field_realworld": real["per_field"],
                "n_realworld": real["n"],
                "coverage_realworld": real["coverage"],
            }
        )
    _print_table(out)
    (results_dir / "card.json").write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def _world_parameters(world: Path) -> dict | None:
    """The generator's parameters (seed, years, letters per year) from the world's world.json."""
    try:
        return json.loads((world / "world.json").read_text(encoding="utf-8")).get("parameters")
    except (OSError, ValueError):
        return None


def _card_latency(world: Path, newer, bundle, n: int = 200) -> dict:
    """The card stage on held-out register texts with the directory and the fitted models: wall-clock
    percentiles (the machine is shared, so CPU time per letter is given too)."""
    from pipeline.card import extract_card
    from pipeline.ingest import ingest_text
    from training.card_eval import _resources

    resources = _resources(world, bundle)
    texts = [str(t) for t in newer["text"].dropna().tolist()[:: max(1, len(newer) // n)][:n]]
    for text in texts[:5]:  # warm-up: lazy imports, pymorphy, the directory's token index
        extract_card(ingest_text(text), resources)
    walls, cpus = [], []
    for text in texts:
        document = ingest_text(text)
        started, cpu = time.perf_counter(), time.process_time()
        extract_card(document, resources)
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    walls.sort()
    cpus.sort()

    def pct(values: list[float], q: float) -> float:
        return round(values[min(len(values) - 1, int(q * len(values)))], 1)

    return {
        "card_ms_p50": pct(walls, 0.5),
        "card_ms_p95": pct(walls, 0.95),
        "card_cpu_ms_p50": pct(cpus, 0.5),
        "card_cpu_ms_p95": pct(cpus, 0.95),
        "n_latency": len(texts),
    }


def _print_table(out: dict) -> None:
    generated = out.get("per_field_generated") or {}
    files = out.get("per_field_generated_files") or {}
    real = out.get("per_field_realworld") or {}
    print(f"{'field':<20}{'generated text':>16}{'generated files':>17}{'real dev':>10}")
    for field in sorted(set(generated) | set(files) | set(real)):
        cells = [generated.get(field), files.get(field), real.get(field)]
        print(
            f"{field:<20}"
            + "".join(
                f"{'' if c is None else f'{c:.3f}':>{w}}" for c, w in zip(cells, (16, 17, 10), strict=False)
            )
        )
    overall = [
        out.get("field_accuracy_generated"),
        out.get("field_accuracy_generated_files"),
        out.get("field_accuracy_realworld"),
    ]
    for key in (
        "n_fit_rows",
        "fit_seconds",
        "fit_cpu_seconds",
        "card_ms_p50",
        "card_ms_p95",
        "card_cpu_ms_p95",
    ):
        if out.get(key) is not None:
            print(f"{key:<20}{out[key]:>16}")
    print(
        f"{'OVERALL':<20}"
        + "".join(
            f"{'' if c is None else f'{c:.3f}':>{w}}" for c, w in zip(overall, (16, 17, 10), strict=False)
        )
    )
