"""One reader of register exports serves training and the duplicate index."""

from __future__ import annotations

import pytest

from docket.errors import InputError, UnsupportedFormat
from pipeline.duplicates.register import read_register
from pipeline.register import find_register, read_table
from training.register import load_register

ROWS = [
    ("D1", "2025-01-10", "S1", 'Просим; "срочно"\nрассмотреть, вопрос'),
    ("D2", "2025-01-11", "S2", "О ремонте кровли"),
]


def _write(path, separator: str) -> None:
    lines = [separator.join(["doc_id", "reg_date", "executor_id", "text"])]
    for row in ROWS:
        *head, text = row
        lines.append(separator.join([*head, '"' + text.replace('"', '""') + '"']))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_csv_separator_and_quoted_multiline_text(tmp_path, separator):
    path = tmp_path / "register.csv"
    _write(path, separator)
    frame = read_table(path)
    assert list(frame.columns) == ["doc_id", "reg_date", "executor_id", "text"]
    assert frame["text"].tolist() == [ROWS[0][3], ROWS[1][3]]


def test_training_and_duplicates_read_the_same_directory(tmp_path):
    _write(tmp_path / "register.csv", ";")
    assert find_register(tmp_path) == tmp_path / "register.csv"
    assert load_register(tmp_path).frame["doc_id"].tolist() == ["D1", "D2"]
    assert read_register(tmp_path)["doc_id"].tolist() == ["D1", "D2"]


def test_clear_errors(tmp_path):
    with pytest.raises(InputError, match="not found"):
        find_register(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="without a register"):
        find_register(tmp_path)
    odd = tmp_path / "register.txt"
    odd.write_text("x", encoding="utf-8")
    with pytest.raises(UnsupportedFormat):
        read_table(odd)
    (tmp_path / "register.csv").write_text("doc_id,reg_date\nD1,2025-01-01\n", encoding="utf-8")
    with pytest.raises(InputError, match="lacks columns"):
        read_register(tmp_path)
