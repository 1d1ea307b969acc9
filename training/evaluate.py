"""Evaluation of a bundle on register rows it was not trained on: executors (top-1/top-3, accuracy versus
coverage, by kind, period and unit), resolutions (template / fully correct), deadlines, and the baseline.

The card of each test letter is the register's own (what a clerk verified); the executor's author is the
one the bundle infers from the addressee, as at prediction time. "Correct" comes from pipeline.metrics.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from models.features import record_from_row
from models.history import split_ids
from models.staff import as_date
from pipeline.metrics import executor_hits, field_correct, resolution_full, resolution_template

COVERAGE_LEVELS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def _clean(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def card_from_row(row: dict) -> Any:
    from pipeline.contract import DOC_KINDS, Card, CardField, Correspondent, Topic

    def field(value: Any) -> Any:
        return CardField(value=value, confidence=1.0, source="history")

    card = Card()
    kind = _clean(row.get("doc_kind"))
    if kind in DOC_KINDS:
        card.doc_kind = field(kind)
    if _clean(row.get("correspondent_name")) or _clean(row.get("correspondent_id")):
        card.correspondent = field(
            Correspondent(
                id=_clean(row.get("correspondent_id")), name=_clean(row.get("correspondent_name")) or ""
            )
        )
    if _clean(row.get("topic_code")):
        card.topic = field(Topic(code=_clean(row["topic_code"])))
    if _clean(row.get("outgoing_number")):
        card.outgoing_number = field(_clean(row["outgoing_number"]))
    if as_date(row.get("outgoing_date")):
        card.outgoing_date = field(as_date(row["outgoing_date"]))
    for name in ("addressee", "summary"):
        if _clean(row.get(name)):
            setattr(card, name, field(_clean(row[name])))
    return card


def _document(row: dict) -> Any:
    from pipeline.document import Document, Page

    metadata = {"registered": as_date(row.get("reg_date")), "reg_number": _clean(row.get("reg_number"))}
    return Document(
        id=str(row.get("doc_id") or ""),
        media_type="text/plain",
        pages=[Page(1, row.get("text") or "")],
        metadata=metadata,
    )


def _rate(values: list[bool]) -> float | None:
    return float(np.mean(values)) if values else None


def evaluate_frame(bundle: Any, frame: Any, baseline: Any = None, top_k: int = 3) -> dict:
    """All figures for the rows of `frame` (already restricted to the held-out period)."""
    from pipeline.deadline import DeadlineRules, compute_deadline

    rows = frame.to_dict("records")
    labelled = [r for r in rows if _clean(r.get("executor_id"))]
    report: dict[str, Any] = {"n_test": len(labelled), "n_rows": len(rows)}
    if not labelled:
        return report
    records = [record_from_row(r) for r in labelled]
    text_block = bundle.ranker.vectorizer_.text_block(records)
    true_authors = [r["author_id"] for r in records]
    for record, author in zip(records, bundle.authors_for(records, text_block), strict=True):
        record["author_id"] = author
    report["author_accuracy"] = _rate(
        [r["author_id"] == t for r, t in zip(records, true_authors, strict=True) if t is not None]
    )
    days = [as_date(r["reg_date"]) for r in labelled]
    # one ranking of five per letter: top-1, top-3 and top-5 are prefixes of the same list
    ranked = bundle.rank(records, days, top_k=max(top_k, 5), abstain=False, text_block=text_block)
    truth = [str(r["executor_id"]).strip() for r in labelled]
    hits = [executor_hits([sid for sid, _, _ in rank], t) for rank, t in zip(ranked, truth, strict=True)]
    top1 = [h[0] for h in hits]
    report["executor_top1"] = _rate(top1)
    report["executor_top3"] = _rate([h[1] for h in hits])
    report["executor_top5"] = _rate(
        [t in [sid for sid, _, _ in rank[:5]] for rank, t in zip(ranked, truth, strict=True)]
    )

    # The card extractor may miss the topic: the same letters with it removed.
    blind = bundle.rank(
        [{**r, "topic_code": None} for r in records], days, top_k=3, abstain=False, text_block=text_block
    )
    blind_hits = [executor_hits([sid for sid, _, _ in rank], t) for rank, t in zip(blind, truth, strict=True)]
    report["executor_top1_without_topic"] = _rate([h[0] for h in blind_hits])
    report["executor_top3_without_topic"] = _rate([h[1] for h in blind_hits])

    confidence = np.array([rank[0][1] if rank else 0.0 for rank in ranked])
    order = np.argsort(-confidence)
    correct_sorted = np.array(top1)[order]
    report["coverage_curve"] = [
        {
            "coverage": level,
            "accuracy": float(correct_sorted[: max(1, int(round(level * len(order))))].mean()),
            "threshold": float(confidence[order][max(1, int(round(level * len(order)))) - 1]),
        }
        for level in COVERAGE_LEVELS
    ]
    answered = confidence >= bundle.abstain_threshold
    report["abstention"] = {
        "threshold": float(bundle.abstain_threshold),
        "coverage": float(answered.mean()),
        "accuracy_answered": float(np.array(top1)[answered].mean()) if answered.any() else None,
    }

    by: dict[str, dict[str, list[bool]]] = {
        "kind": defaultdict(list),
        "period": defaultdict(list),
        "unit": defaultdict(list),
    }
    for row, hit, t in zip(labelled, top1, truth, strict=True):
        by["kind"][str(row.get("doc_kind") or "—")].append(hit)
        day = as_date(row["reg_date"])
        by["period"][f"{day.year}-Q{(day.month - 1) // 3 + 1}"].append(hit)
        by["unit"][str(bundle.staff.unit(t, day) or "—")].append(hit)
    for name, groups in by.items():
        report[f"executor_top1_by_{name}"] = {
            k: {"top1": _rate(v), "n": len(v)} for k, v in sorted(groups.items())
        }

    rules = (
        DeadlineRules.from_dict(bundle.deadline_rules) if getattr(bundle, "deadline_rules", None) else None
    )
    # each letter's deadline computed once: the deadline figures and the resolutions' text both need it
    dues = [compute_deadline(_document(r), card_from_row(r), as_date(r["reg_date"]), rules) for r in labelled]
    report.update(_deadlines(labelled, dues))
    report.update(_resolutions(bundle, labelled, ranked, records, dues))
    if baseline is not None:
        proba = baseline.predict_proba(records)
        order3 = np.argsort(-proba, axis=1)[:, :3]
        base_hits = [executor_hits(list(baseline.classes_[o]), t) for o, t in zip(order3, truth, strict=True)]
        report["baseline_executor_top1"] = _rate([h[0] for h in base_hits])
        report["baseline_executor_top3"] = _rate([h[1] for h in base_hits])
    return report


def _deadlines(rows: list[dict], dues: list) -> dict:
    verdicts, by_rule = [], defaultdict(list)
    for row, due in zip(rows, dues, strict=True):
        predicted = due.date.isoformat() if due else None
        truth = as_date(row.get("deadline"))
        verdict = field_correct("deadline", predicted, truth.isoformat() if truth else None)
        if verdict is None:
            continue
        verdicts.append(verdict)
        by_rule[due.rule.split("+")[0] if due else "none"].append(verdict)
    return {
        "deadline_accuracy": _rate(verdicts),
        "deadline_n": len(verdicts),
        "deadline_by_rule": {k: {"accuracy": _rate(v), "n": len(v)} for k, v in sorted(by_rule.items())},
    }


def _values(row: dict, deadline: date | None) -> dict:
    return {
        "DEADLINE": deadline,
        "OUT_DATE": as_date(row.get("outgoing_date")),
        "OUT_NUMBER": _clean(row.get("outgoing_number")),
        "REG_DATE": as_date(row.get("reg_date")),
        "REG_NUMBER": _clean(row.get("reg_number")),
    }


def _resolutions(bundle: Any, rows: list[dict], ranked: list, records: list[dict], dues: list) -> dict:
    """End to end (suggested executors, computed deadline, inferred author); given the register's
    executors, deadline and author (the drafter alone); and with one of the three inputs taken from the
    register at a time, to show which input costs how much. Also how well the drafts' confidence matches
    their hit rate (expected calibration error over 10 bins)."""
    scores: dict[str, list[bool]] = defaultdict(list)
    confidence: list[float] = []

    def score(name: str, drafted: tuple | None, truth: str, rule: str | None = None) -> None:
        text = drafted[0] if drafted else ""
        hit = resolution_template(text) == resolution_template(truth)
        scores[f"resolution_template{name}"].append(hit)
        scores[f"resolution_full{name}"].append(resolution_full(text) == resolution_full(truth))
        if not name:
            confidence.append(bundle.resolution_confidence(drafted[1], rule) if drafted else 0.0)

    for row, rank, record, due in zip(rows, ranked, records, dues, strict=True):
        truth = _clean(row.get("resolution_text"))
        if truth is None:
            continue
        kind, topic = _clean(row.get("doc_kind")), _clean(row.get("topic_code"))
        author, true_author = record["author_id"], _clean(row.get("resolution_author_id"))
        ids = [rank[0][0]] if rank else []
        if ids:
            ids += [c for c, _ in bundle.coexecutors.predict_one(ids[0], topic, kind, author) if c not in ids]
        true_ids = [str(row["executor_id"]).strip(), *split_ids(row.get("coexecutor_ids"))]
        predicted_values = _values(row, due.date if due else None)
        true_values = _values(row, as_date(row.get("deadline")))
        draft = bundle.draft_text
        drafted = draft(author, kind, topic, ids, predicted_values) if ids else None
        score("", drafted, truth, due.rule if due else None)
        score("_given_truth", draft(true_author, kind, topic, true_ids, true_values), truth)
        score("_true_executors", draft(author, kind, topic, true_ids, predicted_values), truth)
        score("_true_deadline", draft(author, kind, topic, ids, true_values) if ids else None, truth)
        score("_true_author", draft(true_author, kind, topic, ids, predicted_values) if ids else None, truth)
    report: dict[str, Any] = {k: _rate(v) for k, v in scores.items()}
    report["resolution_n"] = len(scores["resolution_template"])
    if confidence:
        conf, hits = np.array(confidence), np.array(scores["resolution_template"], dtype=float)
        bins = np.minimum((conf * 10).astype(int), 9)
        report["resolution_confidence_ece"] = float(
            sum(abs(conf[bins == b].mean() - hits[bins == b].mean()) * (bins == b).mean() for b in set(bins))
        )
        report["resolution_confidence_mean"] = float(conf.mean())
    return report


def plot(report: dict, out_dir: Path) -> list[Path]:
    """Coverage curve and per-unit accuracy as PNG files."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    curve = report.get("coverage_curve") or []
    if curve:
        fig, ax = plt.subplots(figsize=(5, 3.5))
        ax.plot([p["coverage"] for p in curve], [p["accuracy"] for p in curve], marker="o")
        ax.set_xlabel("coverage (share of letters answered)")
        ax.set_ylabel("executor top-1 accuracy")
        ax.set_title("Accuracy versus coverage")
        ax.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(out_dir / "coverage.png", dpi=100)
        plt.close(fig)
        written.append(out_dir / "coverage.png")
    units = report.get("executor_top1_by_unit") or {}
    if units:
        items = sorted(units.items(), key=lambda kv: -kv[1]["n"])[:30]
        fig, ax = plt.subplots(figsize=(6, max(2.5, 0.25 * len(items))))
        ax.barh([k for k, _ in items], [v["top1"] for _, v in items])
        ax.set_xlabel("executor top-1 accuracy")
        ax.set_xlim(0, 1)
        ax.set_title("Accuracy by unit")
        fig.tight_layout()
        fig.savefig(out_dir / "per_unit.png", dpi=100)
        plt.close(fig)
        written.append(out_dir / "per_unit.png")
    return written
