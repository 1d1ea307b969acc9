"""The foundation: the CLI, the suggestion contract, settings and the health endpoint."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from pipeline.contract import CARD_FIELDS, SCHEMA_VERSION, Suggestion
from pipeline.process import Processor

LETTER = """Министерство строительства Челябинской области
от 14.03.2024 № 01-12/3456
Губернатору Челябинской области
О ремонте кровли школы № 12
Просим рассмотреть вопрос о выделении средств.
"""


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "docket.cli", *args], capture_output=True, text=True, input=stdin, timeout=120
    )


def test_process_txt_json_is_a_valid_suggestion(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(LETTER, encoding="utf-8")
    result = run_cli("process", str(letter), "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    payload = json.loads(lines[0])
    suggestion = Suggestion.model_validate(payload)
    assert suggestion.schema_version == SCHEMA_VERSION
    assert suggestion.document.file_name == "letter.txt"
    assert suggestion.document.media_type == "text/plain"
    assert suggestion.document.text_length == len(LETTER)
    assert set(payload["card"]) == set(CARD_FIELDS)
    assert payload["card"]["page_count"]["value"] == 1
    assert set(payload["timings_ms"]) >= {"ingest", "card"}


def test_process_several_files_prints_one_line_each(tmp_path):
    paths = []
    for i in range(3):
        path = tmp_path / f"l{i}.txt"
        path.write_text(LETTER + f"\nписьмо {i}", encoding="utf-8")
        paths.append(str(path))
    result = run_cli("process", *paths, "--json")
    assert result.returncode == 0, result.stderr
    ids = [json.loads(line)["document"]["id"] for line in result.stdout.strip().splitlines()]
    assert len(ids) == 3 and len(set(ids)) == 3


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r", "utf-16"])
def test_process_accepts_russian_encodings(tmp_path, encoding):
    path = tmp_path / "letter.txt"
    path.write_bytes(LETTER.replace("№", "N").encode(encoding))
    suggestion = Processor().process_path(path)
    assert "Министерство строительства" in suggestion.document.pages[0].text


@pytest.mark.parametrize(
    "content, message",
    [(b"", "empty"), (b"   \n  ", "no text"), (b"\x00\x01\x02binary\x00" * 20, "unsupported")],
)
def test_bad_input_gives_one_line_error(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = run_cli("process", str(path), "--json")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_missing_file_is_a_clear_error(tmp_path):
    result = run_cli("process", str(tmp_path / "nope.txt"))
    assert result.returncode == 1
    assert "no such file" in result.stderr and "Traceback" not in result.stderr


def test_every_command_has_help():
    for command in ["process", "generate", "train", "evaluate", "serve", "demo", "version"]:
        result = run_cli(command, "--help")
        assert result.returncode == 0, (command, result.stderr)
        assert "Usage" in result.stdout


def test_unbuilt_stages_return_nothing_rather_than_invented_values():
    suggestion = Processor().process_text(LETTER)
    assert suggestion.duplicates == []
    assert suggestion.executors == []
    assert suggestion.resolution is None


def test_settings_read_from_environment(monkeypatch, tmp_path):
    from docket.settings import Settings

    monkeypatch.setenv("DOCKET_PORT", "9123")
    monkeypatch.setenv("DOCKET_HOME", str(tmp_path))
    settings = Settings()
    assert settings.port == 9123
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.as_posix()}/docket.sqlite3"


def test_health_answers():
    from service.app import create_app

    client = TestClient(create_app())
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_contract_json_schema_names_every_card_field():
    schema = Suggestion.model_json_schema()
    card_ref = schema["properties"]["card"]["$ref"].split("/")[-1]
    assert set(schema["$defs"][card_ref]["properties"]) == set(CARD_FIELDS)


def test_channel_given_on_the_command_line_fills_the_card(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(LETTER, encoding="utf-8")
    result = run_cli("process", str(letter), "--json", "--channel", "courier")
    assert result.returncode == 0, result.stderr
    channel = json.loads(result.stdout)["card"]["channel"]
    assert channel["value"] == "courier" and channel["source"] == "metadata"
    bad = run_cli("process", str(letter), "--channel", "pigeon")
    assert bad.returncode == 1 and "unknown channel" in bad.stderr and "Traceback" not in bad.stderr
