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
        started = time.perf_counter()
        older, _ = split_by_time(load_register(world))
        models = fit_card_models(older)
        bundle = SimpleNamespace(card_models=models)
        fit_s = time.perf_counter() - started
        started = time.perf_counter()
        generated = evaluate_cards(world, bundle=bundle, max_texts=1000)
        eval_s = time.perf_counter() - started
        files = generated.get("files") or {}
        out.update(
            {
                "world": str(world),
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
                "fit_seconds": round(fit_s, 1),
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
    print(
        f"{'OVERALL':<20}"
        + "".join(
            f"{'' if c is None else f'{c:.3f}':>{w}}" for c, w in zip(overall, (16, 17, 10), strict=False)
        )
    )
