"""Reading a register export (the letters the clerks registered) into IndexRecords."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docket.errors import InputError
from pipeline.duplicates.records import IndexRecord, to_date
from pipeline.register import find_register, read_table


def read_register(path: Path) -> Any:
    """The register under `path` (a file or a world directory) with the columns the index needs."""
    source = find_register(path)
    frame = read_table(source)
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
