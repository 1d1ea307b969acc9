"""Card field accuracy: on the newest part of a generated register (its texts and its rendered files) and
on the real development set. Correctness is pipeline.metrics.field_correct, the one definition docket uses.

Also `calibrate`: the per-rule precision table behind rule confidences (pipeline/card/calibration.json),
counted on the OLDER part of the register only, so the figures for the newer part stay held out.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.contract import CARD_FIELDS

HOLDOUT_SHARE = 0.2
COVERAGE_THRESHOLDS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def load_register(world_dir: Path | str):
    """The world's register as a DataFrame sorted by `reg_date` (read the same way as `docket train`)."""
    import pandas as pd

    from training.register import find_register, read_table

    frame = read_table(find_register(Path(world_dir)))
    frame["reg_date"] = pd.to_datetime(frame["reg_date"]).dt.date
    return frame.sort_values("reg_date", kind="stable").reset_index(drop=True)


def split_by_time(frame, since: dt.date | None = None, share: float = HOLDOUT_SHARE):
    """(older, newer): newer is every row registered on or after `since`, else the newest `share` of rows."""
    if since is None:
        cut = int(len(frame) * (1 - share))
        since = frame["reg_date"].iloc[min(cut, len(frame) - 1)]
    return frame[frame["reg_date"] < since], frame[frame["reg_date"] >= since]


def _get(row: Any, key: str) -> Any:
    value = row.get(key) if hasattr(row, "get") else None
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def truth_card(row: Any) -> dict[str, Any]:
    """The register row's card in the contract's field names."""
    g = lambda k: _get(row, k)  # noqa: E731
    return {
        "doc_kind": g("doc_kind"),
        "appeal_kind": g("appeal_kind"),
        "correspondent": {"id": g("correspondent_id"), "name": g("correspondent_name")},
        "outgoing_number": g("outgoing_number"),
        "outgoing_date": g("outgoing_date"),
        "reply_to": {"number": g("reply_to_number"), "date": g("reply_to_date")},
        "addressee": g("addressee"),
        "signatory": {"name": g("signatory_name"), "position": g("signatory_position")},
        "sender_contact": {
            "name": g("sender_contact_name"),
            "phone": g("sender_contact_phone"),
            "email": g("sender_contact_email"),
        },
        "summary": g("summary"),
        "applicant": {
            "full_name": g("applicant_full_name"),
            "email": g("applicant_email"),
            "phone": g("applicant_phone"),
            "address": g("applicant_address"),
        },
        "forwarded_by": {"id": g("forwarded_by_id"), "name": g("forwarded_by_name")},
        "channel": g("channel"),
        "topic": {"code": g("topic_code"), "name": g("topic_name")},
        "page_count": g("page_count"),
        "attachment_sheets": g("attachment_sheets"),
    }


class _Tally:
    """Per-field verdicts with their confidence, grouped by any key (doc_kind, channel, format)."""

    def __init__(self) -> None:
        self.records: list[tuple[dict[str, str], str, bool, float]] = []

    def add(self, groups: dict[str, str], predicted: dict, truth: dict) -> None:
        from pipeline.metrics import field_correct

        for field in CARD_FIELDS:
            verdict = field_correct(field, predicted.get(field), truth.get(field))
            if verdict is None:
                continue
            pred = predicted.get(field)
            confidence = float(pred["confidence"]) if isinstance(pred, dict) and "confidence" in pred else 0.0
            self.records.append((groups, field, bool(verdict), confidence))

    @staticmethod
    def _accuracy(records: Iterable[tuple]) -> dict[str, Any]:
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for _, field, ok, _ in records:
            per[field][0] += int(ok)
            per[field][1] += 1
        total = sum(n for _, n in per.values())
        return {
            "overall": round(sum(c for c, _ in per.values()) / total, 4) if total else None,
            "per_field": {f: round(c / n, 4) for f, (c, n) in sorted(per.items())},
            "n_scored": {f: n for f, (_, n) in sorted(per.items())},
        }

    def summary(self, group_keys: Iterable[str], threshold: float) -> dict[str, Any]:
        out = self._accuracy(self.records)
        for key in group_keys:
            values = sorted({g.get(key, "") for g, *_ in self.records})
            out[f"by_{key}"] = {
                v: self._accuracy(r for r in self.records if r[0].get(key, "") == v)["overall"]
                for v in values
            }
        out["coverage"] = self.coverage(threshold)
        return out

    def coverage(self, threshold: float) -> dict[str, Any]:
        """Accuracy of the fields kept at or above each confidence threshold, and the share kept."""
        rows = []
        for t in sorted({*COVERAGE_THRESHOLDS, threshold}):
            kept = [ok for *_, ok, conf in self.records if conf >= t]
            rows.append(
                {
                    "threshold": t,
                    "coverage": round(len(kept) / len(self.records), 4) if self.records else None,
                    "accuracy": round(sum(kept) / len(kept), 4) if kept else None,
                }
            )
        at = next(r for r in rows if r["threshold"] == threshold)
        return {"at_threshold": at, "curve": rows}


def _resources(world_dir: Path, bundle: Any):
    from pipeline.card.directory import read_directory
    from pipeline.resources import Resources

    orgs = Path(world_dir) / "organisations.csv"
    directory = read_directory(orgs) if orgs.is_file() else None
    return Resources(directory=directory, bundle=bundle)


def evaluate_cards(
    world_dir: Path,
    since: dt.date | None = None,
    bundle: Any = None,
    *,
    max_texts: int | None = 2000,
    max_files: int | None = 200,
) -> dict[str, Any]:
    """Card accuracy on the newest 20% of the world's register (or from `since`): the register's texts, and
    its rendered files (text PDFs, scans, e-mails) through ingestion. `max_texts`/`max_files` sample the
    held-out rows evenly so a run stays short; the sample sizes are reported."""
    from docket.settings import get_settings
    from pipeline.card import extract_card
    from pipeline.ingest import ingest_text

    world_dir = Path(world_dir)
    settings = get_settings()
    frame = load_register(world_dir)
    _, test = split_by_time(frame, since)
    resources = _resources(world_dir, bundle)
    rows = (
        test
        if not max_texts or len(test) <= max_texts
        else test.iloc[:: max(1, len(test) // max_texts)][:max_texts]
    )

    tally = _Tally()
    for _, row in rows.iterrows():
        text = _get(row, "text")
        if not text:
            continue
        predicted = extract_card(ingest_text(str(text)), resources).model_dump(mode="json")
        groups = {
            "doc_kind": str(_get(row, "doc_kind")),
            "channel": str(_get(row, "channel")),
            "format": "text",
        }
        tally.add(groups, predicted, truth_card(row))
    text_result = tally.summary(("doc_kind", "channel"), settings.confidence_threshold)
    text_result["n"] = len(rows)

    files_result = _evaluate_files(world_dir, test, resources, settings, max_files)
    return {
        "world": str(world_dir),
        "since": str(test["reg_date"].iloc[0]) if len(test) else None,
        "n_register": len(frame),
        "n_test": len(test),
        "text": text_result,
        "files": files_result,
    }


def _evaluate_files(
    world_dir: Path, test, resources, settings, max_files: int | None
) -> dict[str, Any] | None:
    import pandas as pd

    from docket.errors import DocketError
    from pipeline.card import extract_card
    from pipeline.ingest import ingest_path

    manifest_path = world_dir / "rendered" / "manifest.csv"
    if not manifest_path.is_file():
        return None
    manifest = pd.read_csv(manifest_path, dtype=str, keep_default_na=False)
    by_id = test.set_index(test["doc_id"].astype(str)) if "doc_id" in test.columns else None
    if by_id is None:
        return None
    manifest = manifest[manifest["doc_id"].isin(by_id.index)]
    if max_files and len(manifest) > max_files:
        manifest = manifest.iloc[:max_files]
    tally = _Tally()
    failures = 0
    for _, item in manifest.iterrows():
        path = world_dir / "rendered" / item["file"]
        try:
            document = ingest_path(path, settings)
        except DocketError:
            failures += 1
            continue
        row = by_id.loc[item["doc_id"]]
        if hasattr(row, "iloc") and getattr(row, "ndim", 1) > 1:
            row = row.iloc[0]
        predicted = extract_card(document, resources).model_dump(mode="json")
        fmt = item.get("format", "") or path.suffix.lstrip(".")
        noise = item.get("noise", "")
        groups = {
            "doc_kind": str(_get(row, "doc_kind")),
            "channel": str(_get(row, "channel")),
            "format": f"{fmt}{'/' + noise if noise else ''}",
        }
        tally.add(groups, predicted, truth_card(row))
    result = tally.summary(("doc_kind", "channel", "format"), settings.confidence_threshold)
    result["n"] = len(manifest)
    result["ingest_failures"] = failures
    return result


def calibrate(
    world_dir: Path, since: dt.date | None = None, *, max_rows: int = 3000, out: Path | None = None
) -> dict:
    """Count, per field and rule, how often each card rule is right on the OLDER part of the register (rows
    before the held-out period), and write the table rule confidences are read from."""
    from pipeline.card import extract_card_traced
    from pipeline.card.confidence import CALIBRATION_PATH, load_table
    from pipeline.ingest import ingest_text
    from pipeline.metrics import field_correct

    world_dir = Path(world_dir)
    frame = load_register(world_dir)
    older, newer = split_by_time(frame, since)
    rows = older.iloc[-max_rows:] if len(older) > max_rows else older
    resources = _resources(world_dir, None)
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for _, row in rows.iterrows():
        text = _get(row, "text")
        if not text:
            continue
        card, rules = extract_card_traced(ingest_text(str(text)), resources)
        truth = truth_card(row)
        for field, rule in rules.items():
            verdict = field_correct(field, getattr(card, field), truth.get(field))
            if verdict is None:
                continue
            counts[field][rule][0] += int(verdict)
            counts[field][rule][1] += 1
    table = {
        "note": "per-rule [correct, total] on the register rows before the held-out period",
        "world": world_dir.name,
        "rows": len(rows),
        "held_out_from": str(newer["reg_date"].iloc[0]) if len(newer) else None,
        "fields": {f: {r: v for r, v in sorted(rs.items())} for f, rs in sorted(counts.items())},
    }
    target = Path(out) if out else CALIBRATION_PATH
    target.write_text(json.dumps(table, ensure_ascii=False, indent=1), encoding="utf-8")
    load_table.cache_clear()
    return table


# --- the real development set -------------------------------------------------------------------------

_DELIVERY_CHANNELS = {
    "интернет-приемная": "web_form",
    "электронная почта": "email",
    "лично": "in_person",
    "онф.помощь": "platform",
    "пос": "platform",
}


def realworld_truth(card: dict[str, Any]) -> dict[str, Any]:
    """The clerk's card (Docsvision keys) in docket's field names, as the dev set's README maps them."""
    import re

    def s(key: str) -> str:
        return str(card.get(key) or "").strip()

    surname = re.split(r"\s*/", s("PetitionerSurname"))[0].strip()
    if surname.casefold() in {"без фио", "-", ""}:
        full_name = None
    else:
        full_name = " ".join(p for p in (surname, s("PetitionerName"), s("PetitionerPatronymic")) if p)
    delivery = s("DeliveryTypeId")
    channel = forwarded = None
    inner = re.match(r"Заявитель\s*\((.+)\)", delivery)
    if inner:
        channel = _DELIVERY_CHANNELS.get(inner.group(1).strip().casefold())
    elif delivery:
        forwarded = {"id": None, "name": s("SenderOrg") or delivery}
    kind = s("AppealKind")
    appeal_kind = kind.casefold() if kind.casefold() in {"заявление", "жалоба", "предложение"} else None
    if kind.casefold() == "не обращение":
        doc_kind = None  # not an appeal; the set does not say which kind of letter
    elif s("PetitionerCategory").casefold().startswith("коллектив"):
        doc_kind = "collective_appeal"
    else:
        doc_kind = "citizen_appeal"
    # «5518594 (ОНФ)»: the clerk's note of where the number comes from is not part of the number
    number = re.sub(r"\s*\([^()\d]*\)\s*$", "", s("ExternalNumber")) or None
    truth = {
        "doc_kind": doc_kind,
        "appeal_kind": appeal_kind,
        "outgoing_number": number,
        "summary": s("Content") or None,
        "applicant": {
            "full_name": full_name,
            "email": s("PetitionerEmail") or None,
            "address": s("PetitionerAddress") or None,
        },
        "forwarded_by": forwarded,
    }
    # The card speaks for a field only where the clerk filled it in: ExternalDate is blank in most records
    # whose document is dated, and a delivery type naming a forwarding body says nothing of the channel.
    if s("ExternalDate"):
        truth["outgoing_date"] = s("ExternalDate")[:10]
    if forwarded is None:
        truth["channel"] = channel
    return truth


def evaluate_realworld(
    path: Path | str, directory_path: Path | str | None = None, bundle: Any = None
) -> dict[str, Any]:
    """Card accuracy on the real development set (appeals.jsonl and, for the directory, orgs.jsonl), with a
    model bundle's card classifiers when one is given (trained on generated data, never on this set)."""
    from docket.settings import get_settings
    from pipeline.card import extract_card
    from pipeline.card.directory import read_directory
    from pipeline.ingest import ingest_text
    from pipeline.resources import Resources

    path = Path(path)
    folder = path if path.is_dir() else path.parent
    appeals = folder / "appeals.jsonl" if path.is_dir() else path
    orgs = Path(directory_path) if directory_path else folder / "orgs.jsonl"
    resources = Resources(directory=read_directory(orgs) if orgs.is_file() else None, bundle=bundle)
    tally = _Tally()
    details = []
    for line in appeals.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        predicted = extract_card(ingest_text(record["text"]), resources).model_dump(mode="json")
        truth = realworld_truth(record["card"])
        # only the fields the clerk's card can speak for are scored
        predicted = {k: v for k, v in predicted.items() if k in truth}
        tally.add({"channel": str(truth.get("channel"))}, predicted, truth)
        details.append({"id": record.get("id"), "predicted": predicted, "truth": truth})
    result = tally.summary(("channel",), get_settings().confidence_threshold)
    result["n"] = len(details)
    result["details"] = details
    return result
