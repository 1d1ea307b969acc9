"""MLflow logging of a training run: parameters, metrics, the bundle as an artifact, a registered version.

The tracking store defaults to SQLite under the data directory; MLFLOW_TRACKING_URI points elsewhere.
Telemetry is off. The bundle is registered from the run's artifacts (no pyfunc environment inference), so
logging takes seconds.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

MODEL_NAME = "docket"
EXPERIMENT = "docket"
PRODUCTION_ALIAS = "production"


def tracking_uri(data_dir: Path) -> str:
    if os.environ.get("MLFLOW_TRACKING_URI"):
        return os.environ["MLFLOW_TRACKING_URI"]
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(data_dir / 'mlflow.db').resolve().as_posix()}"


def _quiet() -> None:
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("DO_NOT_TRACK", "true")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    import logging

    import mlflow  # noqa: F401 - configures its loggers on import; quieten them after

    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(logging.ERROR)


def log_run(
    bundle_dir: Path, manifest: dict, report: dict, data_dir: Path, promote: bool = False
) -> dict[str, Any]:
    """Log one training run; returns {"run_id", "model_version", "tracking_uri"}."""
    _quiet()
    import mlflow
    from mlflow.tracking import MlflowClient

    uri = tracking_uri(data_dir)
    mlflow.set_tracking_uri(uri)
    if uri.startswith("sqlite:") or uri.startswith("file:") or "://" not in uri:
        artifacts = (data_dir / "mlartifacts").resolve()
        artifacts.mkdir(parents=True, exist_ok=True)
        if mlflow.get_experiment_by_name(EXPERIMENT) is None:
            mlflow.create_experiment(EXPERIMENT, artifact_location=artifacts.as_uri())
    mlflow.set_experiment(EXPERIMENT)
    params = {f"ranker.{k}": v for k, v in manifest.get("params", {}).items()}
    params.update(
        {
            "data_hash": manifest.get("data_hash"),
            "train_rows": manifest.get("train_rows"),
            "train_start": manifest.get("train_start"),
            "train_end": manifest.get("train_end"),
            "test_rows": manifest.get("test_rows"),
            "register": manifest.get("register"),
            "bundle_version": manifest.get("version"),
        }
    )
    metrics = {
        k: float(v) for k, v in report.items() if isinstance(v, int | float) and not isinstance(v, bool)
    }
    metrics["train_seconds"] = float(manifest.get("train_seconds", 0.0))
    metrics["bundle_mb"] = manifest.get("bundle_bytes", 0) / 1e6
    with mlflow.start_run(run_name=manifest.get("version")) as run:
        mlflow.log_params({k: str(v)[:500] for k, v in params.items()})
        mlflow.log_metrics(metrics)
        mlflow.log_dict(report, "evaluation.json")
        mlflow.log_artifacts(str(bundle_dir), artifact_path="bundle")
        mlflow.log_text(_requirements(manifest), "bundle/requirements.txt")
        run_id = run.info.run_id
        source = f"{run.info.artifact_uri}/bundle"
    client = MlflowClient()
    try:
        client.get_registered_model(MODEL_NAME)
    except Exception:  # noqa: BLE001 - "does not exist" is an exception in MLflow's client
        client.create_registered_model(MODEL_NAME, description="docket executor, resolution and card models")
    version = client.create_model_version(
        MODEL_NAME, source=source, run_id=run_id, tags={"bundle": manifest.get("version", "")}
    )
    if promote:
        client.set_registered_model_alias(MODEL_NAME, PRODUCTION_ALIAS, version.version)
    return {"run_id": run_id, "model_version": version.version, "tracking_uri": uri}


def _requirements(manifest: dict) -> str:
    """pip requirements of the bundle: the library versions it was written with."""
    return "".join(f"{name}=={v}\n" for name, v in manifest.get("libraries", {}).items() if name != "docket")


def list_versions(data_dir: Path) -> list[dict]:
    """Registered versions with their run metrics, newest first (for the comparison notebook)."""
    _quiet()
    import mlflow
    from mlflow.tracking import MlflowClient

    mlflow.set_tracking_uri(tracking_uri(data_dir))
    client = MlflowClient()
    rows = []
    for mv in client.search_model_versions(f"name='{MODEL_NAME}'"):
        run = client.get_run(mv.run_id)
        rows.append({"version": int(mv.version), "bundle": mv.tags.get("bundle"), **run.data.metrics})
    return sorted(rows, key=lambda r: -r["version"])
