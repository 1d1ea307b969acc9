"""`docket train` and `docket evaluate`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from docket.errors import InputError


def train(
    register: Path = typer.Option(
        ..., "--register", help="Register export (CSV, XLSX, Parquet, JSONL) or a world directory."
    ),
    out: Path = typer.Option(..., "--out", help="Directory for the model bundle."),
    promote: bool = typer.Option(False, "--promote", help="Make this bundle the one the service loads."),
    mapping: Path | None = typer.Option(
        None, "--mapping", help="JSON object {docket column: export column} for renamed columns."
    ),
    test_fraction: float = typer.Option(
        0.2, "--test-fraction", help="Newest share of the register held out for evaluation (0 = none)."
    ),
    max_rows: int = typer.Option(
        30_000, "--max-rows", help="Newest labelled rows the executor ranker learns from."
    ),
    lemmatize: bool = typer.Option(False, "--lemmatize/--no-lemmatize", help="Lemmatise words (pymorphy3)."),
    no_mlflow: bool = typer.Option(False, "--no-mlflow", help="Do not log the run to MLflow."),
    card_models: bool = typer.Option(
        True,
        "--card-models/--no-card-models",
        help="Also train the card classifiers (models.card_classifiers).",
    ),
) -> None:
    """Train the models on a historical register (time-ordered split), evaluate on its newest period,
    write a versioned bundle and log the run to MLflow."""
    from docket.settings import get_settings
    from models.bundle import promote as promote_bundle
    from training.register import load_register, read_mapping
    from training.train import train_register

    settings = get_settings()
    loaded = load_register(register, read_mapping(mapping))
    typer.echo(f"register: {loaded.source} ({len(loaded.frame)} rows)", err=True)
    bundle, report = train_register(
        loaded, test_fraction, params={"max_rows": max_rows, "lemmatize": lemmatize}, card_models=card_models
    )
    bundle.save(out)
    manifest = bundle.manifest
    typer.echo(
        f"bundle {manifest['version']} → {out} ({manifest['bundle_bytes'] / 1e6:.1f} MB, "
        f"trained in {manifest['train_seconds']:.0f} s on {manifest['train_rows']} rows "
        f"{manifest['train_start']}…{manifest['train_end']})"
    )
    _print_summary(report)
    if not no_mlflow:
        from training.tracking import log_run

        logged = log_run(out, manifest, report, settings.resolved_data_dir, promote=promote)
        typer.echo(
            f"mlflow: run {logged['run_id']}, model version {logged['model_version']} ({logged['tracking_uri']})"
        )
    if promote:
        target = promote_bundle(out, settings.resolved_models_dir)
        typer.echo(f"promoted: {target}")


def evaluate(
    register: Path = typer.Option(..., "--register", help="Register export or world directory."),
    model: Path = typer.Option(..., "--model", help="Model bundle directory (or a models directory)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    mapping: Path | None = typer.Option(None, "--mapping", help="JSON column mapping, as for train."),
    test_fraction: float = typer.Option(
        0.2, "--test-fraction", help="Newest share of the register to evaluate on."
    ),
    plots: Path | None = typer.Option(
        None, "--plots", help="Directory for PNG plots (default: DATA_DIR/evaluation/<version>)."
    ),
    card: bool = typer.Option(
        True, "--card/--no-card", help="Include card field accuracy (training/card_eval)."
    ),
    card_texts: int = typer.Option(300, "--card-texts", help="Held-out texts sampled for the card figures."),
    card_files: int = typer.Option(
        20, "--card-files", help="Rendered files run through ingestion for the card figures (at least 1)."
    ),
) -> None:
    """Evaluate a model bundle on the newest part of a register (never on rows it was trained on)."""
    from docket.settings import get_settings
    from models.bundle import load_path
    from models.staff import as_date
    from training.evaluate import evaluate_frame, plot
    from training.register import load_register, read_mapping, time_split

    bundle = load_path(model)
    loaded = load_register(register, read_mapping(mapping))
    _, test = time_split(loaded.frame, test_fraction)
    train_end = as_date(bundle.manifest.get("train_end"))
    if train_end is not None and len(test) and test["reg_date"].iloc[0] <= train_end:
        raise InputError(
            f"refusing to evaluate: the model was trained on rows up to {train_end}, and the evaluation "
            f"period starts {test['reg_date'].iloc[0]}; use a later period (--test-fraction) or another register"
        )
    report = evaluate_frame(bundle, test)
    report["model_version"] = bundle.version
    report["test_start"] = str(test["reg_date"].iloc[0]) if len(test) else None
    report["train_end"] = str(train_end) if train_end else None
    for key in ("baseline_executor_top1", "baseline_executor_top3"):
        if key in bundle.manifest.get("metrics", {}):
            report.setdefault(key, bundle.manifest["metrics"][key])
    if loaded.world and "oracle_top1" in loaded.world:
        report["oracle_top1"] = loaded.world["oracle_top1"]
    cards = _card_report(loaded.source.parent, test, bundle, card_texts, card_files) if card else None
    if cards is not None:
        report["card"] = cards
        overall = (cards.get("text") or {}).get("overall")
        if overall is not None:
            report["card_field_accuracy"] = overall
    out_dir = plots or get_settings().resolved_data_dir / "evaluation" / str(bundle.version)
    report["plots"] = [str(p) for p in plot(report, out_dir)]
    if as_json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, default=str) + "\n")
    else:
        _print_summary(report)
        typer.echo("plots: " + ", ".join(report["plots"]))


def _card_report(world_dir: Path, test, bundle, card_texts: int, card_files: int) -> dict | None:
    """The card engineer's evaluation (training/card_eval.py), when it exists and the register is a world."""
    import importlib.util

    if importlib.util.find_spec("training.card_eval") is None or not len(test):
        return None
    try:
        from training.card_eval import evaluate_cards

        return evaluate_cards(
            world_dir,
            since=test["reg_date"].iloc[0],
            bundle=bundle,
            max_texts=max(1, card_texts),
            max_files=max(1, card_files),
        )
    except Exception as exc:  # noqa: BLE001 - card figures are optional here; executor figures still stand
        return {"error": f"{type(exc).__name__}: {exc}"}


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def _print_summary(report: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"held-out evaluation ({report.get('n_test', 0)} letters)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key in (
        "executor_top1",
        "executor_top3",
        "executor_top5",
        "executor_top1_without_topic",
        "executor_top3_without_topic",
        "baseline_executor_top1",
        "baseline_executor_top3",
        "oracle_top1",
        "resolution_template",
        "resolution_full",
        "resolution_template_given_truth",
        "resolution_full_given_truth",
        "deadline_accuracy",
        "card_field_accuracy",
    ):
        if key in report:
            table.add_row(key, _fmt(report[key]))
    abstention = report.get("abstention")
    if abstention:
        table.add_row(
            f"answered at p ≥ {abstention['threshold']:.2f}",
            f"{_fmt(abstention['coverage'])} of letters, top-1 {_fmt(abstention['accuracy_answered'])}",
        )
    console = Console(stderr=False)
    console.print(table)
    for group in ("kind", "period"):
        rows = report.get(f"executor_top1_by_{group}") or {}
        if rows:
            console.print(
                f"top-1 by {group}: "
                + ", ".join(f"{k} {_fmt(v['top1'])} (n={v['n']})" for k, v in rows.items())
            )
    curve = report.get("coverage_curve") or []
    if curve:
        console.print(
            "coverage → top-1: " + ", ".join(f"{p['coverage']:.0%} → {p['accuracy']:.3f}" for p in curve)
        )
