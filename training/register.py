"""Reading a register export: CSV, XLSX, Parquet, JSONL, or a directory holding one (with the staff,
units and absences tables beside it). Columns are renamed by a mapping (real EDMS exports name them
differently) and validated with one-line errors."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docket.errors import InputError
from pipeline.register import find_register, read_table

REQUIRED = ("reg_date", "executor_id")
TEXT_COLUMNS = ("text", "summary")
SIDE_TABLES = ("staff", "units", "absences", "assignments")


@dataclass
class Register:
    frame: Any  # pandas DataFrame, sorted by reg_date, reg_date as datetime.date
    source: Path
    staff: list[dict] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)
    absences: list[dict] = field(default_factory=list)
    assignments: list[dict] = field(default_factory=list)
    world: dict | None = None


def read_mapping(path: Path | None) -> dict[str, str]:
    """A JSON object {docket column: column in the export}."""
    if path is None:
        return {}
    try:
        mapping = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read column mapping {path}: {exc}") from None
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise InputError(f"column mapping {path}: expected a JSON object of docket column → export column")
    return mapping


def _records(path: Path) -> list[dict]:
    frame = read_table(path)
    return frame.where(frame.notna(), None).to_dict("records")


def load_register(path: Path | str, mapping: dict[str, str] | None = None) -> Register:
    import pandas as pd

    path = Path(path)
    source = find_register(path)
    frame = read_table(source)
    mapping = mapping or {}
    missing_sources = [src for src in mapping.values() if src not in frame.columns]
    if missing_sources:
        raise InputError(f"{source}: mapped columns not in the export: {', '.join(missing_sources)}")
    frame = frame.rename(columns={src: dst for dst, src in mapping.items()})
    missing = [c for c in REQUIRED if c not in frame.columns]
    if not any(c in frame.columns for c in TEXT_COLUMNS):
        missing.append("text or summary")
    if missing:
        raise InputError(
            f"{source}: missing columns: {', '.join(missing)} (have: {', '.join(map(str, frame.columns[:12]))}"
            f"{'…' if len(frame.columns) > 12 else ''}); map them with --mapping"
        )
    if frame.empty:
        raise InputError(f"{source}: the register has no rows")
    raw = frame["reg_date"].astype("string").str.strip()
    parsed = pd.to_datetime(raw, errors="coerce", format="ISO8601")
    retry = parsed.isna() & raw.notna()
    if retry.any():
        parsed[retry] = pd.to_datetime(raw[retry], errors="coerce", dayfirst=True, format="mixed")
    bad = parsed.isna()
    if bad.any():
        rows = ", ".join(str(i + 2) for i in frame.index[bad][:5])
        raise InputError(
            f"{source}: {int(bad.sum())} row(s) with a missing or unreadable reg_date (e.g. file rows {rows})"
        )
    frame = frame.assign(reg_date=parsed.dt.date)
    for name in TEXT_COLUMNS:
        if name not in frame.columns:
            frame[name] = None
    frame = frame.sort_values("reg_date", kind="stable").reset_index(drop=True)

    folder = source.parent
    side = {
        name: _records(folder / f"{name}.csv") for name in SIDE_TABLES if (folder / f"{name}.csv").is_file()
    }
    world = None
    if (folder / "world.json").is_file():
        try:
            world = json.loads((folder / "world.json").read_text("utf-8"))
        except ValueError:
            world = None
    staff = side.get("staff") or _staff_from_register(frame)
    return Register(
        frame,
        source,
        staff,
        side.get("units", []),
        side.get("absences", []),
        side.get("assignments", []),
        world,
    )


def _staff_from_register(frame: Any) -> list[dict]:
    if "executor_name" not in frame.columns:
        return []
    pairs = frame[["executor_id", "executor_name"]].dropna().drop_duplicates("executor_id")
    return [{"staff_id": str(a), "name": str(b)} for a, b in pairs.itertuples(index=False)]


def data_hash(frame: Any) -> str:
    import pandas as pd

    hashed = pd.util.hash_pandas_object(frame.astype(str), index=False).values
    return hashlib.sha256(hashed.tobytes()).hexdigest()


def time_split(frame: Any, test_fraction: float) -> tuple[Any, Any]:
    """Older rows for training, the newest `test_fraction` for testing; one day never straddles the cut."""
    if not 0 <= test_fraction < 1:
        raise InputError("--test-fraction must be in [0, 1)")
    if test_fraction == 0:
        return frame, frame.iloc[0:0]
    cut_index = int(len(frame) * (1 - test_fraction))
    cut_index = min(max(cut_index, 1), len(frame) - 1)
    cut_date = frame["reg_date"].iloc[cut_index]
    train = frame[frame["reg_date"] < cut_date]
    test = frame[frame["reg_date"] >= cut_date]
    if train.empty:
        raise InputError("the register spans too few days for a time-ordered split")
    return train, test
