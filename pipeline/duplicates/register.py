"""Reading a register export (the letters the clerks registered) into IndexRecords."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docket.errors import InputError
from pipeline.duplicates.records import IndexRecord, to_date

_SUFFIXES = (".parquet", ".csv", ".jsonl")


def register_file(path: Path) -> Path:
    """The register file itself: `path`, or the register.* inside a world directory."""
    if path.is_dir():
        for suffix in _SUFFIXES:
            candidate = path / f"register{suffix}"
            if candidate.exists():
                return candidate
        raise InputError(f"no register.parquet/.csv/.jsonl in {path}")
    if not path.exists():
        raise InputError(f"register not found: {path}")
    if path.suffix not in _SUFFIXES:
        raise InputError(f"unsupported register format {path.suffix!r}: use .parquet, .csv or .jsonl")
    return path


def read_register(path: Path) -> Any:
    import pandas as pd

    source = register_file(path)
    try:
        if source.suffix == ".parquet":
            frame = pd.read_parquet(source)
        elif source.suffix == ".csv":
            frame = pd.read_csv(source, dtype=str, keep_default_na=False)
        else:
            frame = pd.read_json(source, lines=True, dtype=False)
    except Exception as exc:  # pandas raises many types for a damaged file
        raise InputError(f"cannot read register {source.name}: {exc}") from None
    missing = {"doc_id", "text"} - set(frame.columns)
    if missing:
        raise InputError(f"register {source.name} lacks columns: {', '.join(sorted(missing))}")
    return frame


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    text = str(value).strip()
    return text or None


def records_from_register(frame: Any) -> list[IndexRecord]:
    columns = set(frame.columns)

    def get(row: dict, name: str) -> str | None:
        return _clean(row.get(name)) if name in columns else None

    records = []
    for row in frame.to_dict("records"):
        records.append(
            IndexRecord(
                document_id=str(row["doc_id"]),
                text=get(row, "text") or "",
                reg_date=to_date(get(row, "reg_date")),
                file_sha256=get(row, "file_sha256"),
                correspondent_id=get(row, "correspondent_id"),
                correspondent_name=get(row, "correspondent_name"),
                outgoing_number=get(row, "outgoing_number"),
                outgoing_date=to_date(get(row, "outgoing_date")),
                applicant_name=get(row, "applicant_full_name"),
                applicant_email=get(row, "applicant_email"),
                applicant_phone=get(row, "applicant_phone"),
                applicant_address=get(row, "applicant_address"),
                topic_code=get(row, "topic_code"),
                doc_kind=get(row, "doc_kind"),
            )
        )
    return records
