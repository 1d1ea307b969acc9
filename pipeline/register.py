"""Finding and reading a register export (the letters clerks registered): CSV, XLSX, Parquet or JSONL, or a
directory holding one. Training and the duplicate index both read registers through here."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from docket.errors import InputError, UnsupportedFormat

SUFFIXES = (".parquet", ".csv", ".jsonl", ".json", ".xlsx")


def find_register(path: Path | str) -> Path:
    """`path` itself, or the first register*.<suffix> inside a directory (in SUFFIXES order)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"register not found: {path}")
    if path.is_file():
        return path
    for suffix in SUFFIXES:
        candidates = sorted(path.glob(f"register*{suffix}"))
        if candidates:
            return candidates[0]
    raise InputError(f"{path} is a directory without a register file (register.parquet/.csv/.jsonl/.xlsx)")


def _csv_separator(path: Path) -> str:
    # EDMS exports use ';' as often as ','; the sniffer reads a sample, the C parser then reads the file.
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        sample = handle.read(64 * 1024)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_table(path: Path) -> Any:
    """The export as a pandas DataFrame; CSV and XLSX cells as strings, empty cells as missing."""
    import pandas as pd

    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(
                path, dtype=str, keep_default_na=False, na_values=[""], sep=_csv_separator(path)
            )
        if suffix == ".parquet":
            return pd.read_parquet(path)
        if suffix in {".jsonl", ".json"}:
            return pd.read_json(path, lines=suffix == ".jsonl", dtype=False)
        if suffix == ".xlsx":
            return pd.read_excel(path, dtype=str)
    except (OSError, ValueError, ImportError) as exc:
        raise InputError(
            f"cannot read {path}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        ) from None
    except Exception as exc:  # noqa: BLE001 - parser errors of several libraries
        raise InputError(f"cannot read {path}: {type(exc).__name__}: {exc}") from None
    raise UnsupportedFormat(f"{path}: unsupported register format (use {', '.join(SUFFIXES)})")
