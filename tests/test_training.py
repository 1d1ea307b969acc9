from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_training_world import build_world

from docket.errors import IncompatibleModel, InputError, ModelNotFound
from models.bundle import FORMAT_VERSION

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # trains in subprocesses (MLflow included): ~1 minute on a busy machine


def docket(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {"DOCKET_HOME": str(home), "PATH": "/usr/bin:/bin", "OMP_THREAD_LIMIT": "1"}
    return subprocess.run(
        [sys.executable, "-m", "docket.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    world = build_world(tmp_path_factory.mktemp("world"), n=700)
    (world / "world.json").write_text(json.dumps({"oracle_top1": 0.97}), "utf-8")
    result = docket("train", "--register", str(world), "--out", str(home / "bundle"), "--promote", home=home)
    assert result.returncode == 0, result.stderr
    return home, world, result


def test_train_writes_a_versioned_bundle_logs_to_mlflow_and_promotes(trained):
    home, _, result = trained
    manifest = json.loads((home / "bundle" / "manifest.json").read_text("utf-8"))
    assert (
        manifest["format_version"] == FORMAT_VERSION
        and manifest["data_hash"]
        and manifest["libraries"]["scikit-learn"]
    )
    assert manifest["train_end"] < manifest["test_start"]
    assert "executor_top1" in manifest["metrics"] and "baseline_executor_top1" in manifest["metrics"]
    assert (home / "models" / "current").read_text().strip() == manifest["version"]
    assert (home / "data" / "mlflow.db").is_file() and "model version 1" in result.stdout
    assert not list(home.glob("**/*.part"))


def test_evaluate_json_has_the_agreed_keys_and_refuses_training_rows(trained):
    home, world, _ = trained
    result = docket(
        "evaluate",
        "--register",
        str(world),
        "--model",
        str(home / "bundle"),
        "--json",
        "--no-card",
        home=home,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    for key in (
        "executor_top1",
        "executor_top3",
        "resolution_template",
        "resolution_full",
        "deadline_accuracy",
        "n_test",
    ):
        assert key in report
    assert report["oracle_top1"] == 0.97 and report["n_test"] > 100
    assert report["executor_top1"] > 0.85 and report["resolution_template"] > 0.8
    # one ranking: its first five hold its first three
    assert report["executor_top1"] <= report["executor_top3"] <= report["executor_top5"] <= 1.0
    # the chain decomposed: each input from the register in turn never does worse than all predicted
    for given in ("true_executors", "true_deadline", "true_author", "given_truth"):
        assert report[f"resolution_template_{given}"] >= report["resolution_template"] - 0.02
    assert 0 <= report["resolution_confidence_ece"] <= 1 and 0 < report["author_accuracy"] <= 1
    assert all(Path(p).is_file() for p in report["plots"])
    refused = docket(
        "evaluate",
        "--register",
        str(world),
        "--model",
        str(home / "bundle"),
        "--test-fraction",
        "0.5",
        home=home,
    )
    assert refused.returncode != 0 and "refusing to evaluate" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_service_loader_finds_the_promoted_bundle(trained, monkeypatch):
    home, _, _ = trained
    from docket.settings import Settings
    from models.bundle import load_bundle

    bundle = load_bundle(Settings(home=home))
    assert bundle is not None and bundle.version == (home / "models" / "current").read_text().strip()
    assert load_bundle(Settings(home=home / "empty")) is None


def test_corrupt_or_foreign_bundles_raise_typed_errors(tmp_path, trained):
    import shutil

    from models.bundle import load_path

    home, _, _ = trained
    with pytest.raises(ModelNotFound):
        load_path(tmp_path / "nothing")
    broken = tmp_path / "broken"
    shutil.copytree(home / "bundle", broken)
    (broken / "model.joblib").write_bytes(b"not a pickle")
    with pytest.raises(IncompatibleModel):
        load_path(broken)
    manifest = json.loads((broken / "manifest.json").read_text())
    (broken / "manifest.json").write_text(json.dumps({**manifest, "format_version": 999}))
    with pytest.raises(IncompatibleModel, match="format version"):
        load_path(broken)


def test_register_validation_and_column_mapping(tmp_path):
    import pandas as pd

    from training.register import load_register, read_mapping

    world = build_world(tmp_path / "w", n=60)
    frame = pd.read_csv(world / "register.csv", dtype=str)
    renamed = frame.rename(columns={"reg_date": "Дата регистрации", "executor_id": "Исполнитель"})
    renamed.to_json(tmp_path / "export.jsonl", orient="records", lines=True, force_ascii=False)
    with pytest.raises(InputError, match="missing columns: reg_date, executor_id"):
        load_register(tmp_path / "export.jsonl")
    (tmp_path / "map.json").write_text(
        json.dumps({"reg_date": "Дата регистрации", "executor_id": "Исполнитель"})
    )
    loaded = load_register(tmp_path / "export.jsonl", read_mapping(tmp_path / "map.json"))
    assert len(loaded.frame) == 60
    frame.loc[[3, 7], "reg_date"] = "not a date"
    frame.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(InputError, match="2 row\\(s\\) with a missing or unreadable reg_date"):
        load_register(tmp_path / "bad.csv")
    with pytest.raises(InputError, match="register not found"):
        load_register(tmp_path / "missing.csv")


def test_train_cli_reports_bad_input_in_one_line(tmp_path):
    (tmp_path / "r.csv").write_text("a,b\n1,2\n", "utf-8")
    result = docket(
        "train", "--register", str(tmp_path / "r.csv"), "--out", str(tmp_path / "b"), home=tmp_path
    )
    assert (
        result.returncode != 0
        and result.stderr.startswith("docket: error:")
        and "missing columns" in result.stderr
    )
    assert "Traceback" not in result.stderr
