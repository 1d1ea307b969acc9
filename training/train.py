"""Training every model of the bundle on the older part of a register, and evaluating on the newest."""

from __future__ import annotations

import importlib.util
import time
import warnings
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from models.author import AuthorModel
from models.bundle import Bundle, library_versions
from models.executor import BaselineExecutor, ExecutorRanker
from models.features import record_from_row
from models.history import CoexecutorModel, SimilarLetters
from models.resolution import ResolutionDrafter
from models.staff import StaffDirectory
from training.deadline_rules import learn_with_hit_rates
from training.evaluate import evaluate_frame
from training.register import Register, data_hash, time_split

# The drafter learns each author's current wording from this many newest letters (cheap: no vectors).
DRAFTER_ROWS = 60_000
DEFAULT_PARAMS: dict[str, Any] = {
    "alpha": 5e-5,
    "max_iter": 5,
    "half_life_days": 90.0,
    "field_dropout": 0.5,
    "max_rows": 30_000,
    "use_char": False,
    "lemmatize": False,
}


def _clean_id(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def fit_bundle(
    register: Register, train: Any, params: dict | None = None, card_models: bool = True
) -> tuple[Bundle, BaselineExecutor]:
    params = {**DEFAULT_PARAMS, **(params or {})}
    rows = train.to_dict("records")
    labelled = [r for r in rows if _clean_id(r.get("executor_id"))]
    if len(labelled) < 10:
        from docket.errors import InputError

        raise InputError(f"only {len(labelled)} training rows have an executor_id: too few to train")
    records = [record_from_row(r) for r in labelled]
    y = [_clean_id(r["executor_id"]) for r in labelled]
    dates = [r["reg_date"] for r in labelled]
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(now - clock, 1)
        clock = now

    last_year = dates[-1].toordinal() - 365
    workload = Counter(e for e, d in zip(y, dates, strict=True) if d.toordinal() >= last_year)
    staff = StaffDirectory.build(
        register.staff, register.units, register.absences, workload, register.assignments
    )
    units = [
        staff.unit(e, d) or _clean_id(r.get("executor_unit_id"))
        for e, d, r in zip(y, dates, labelled, strict=True)
    ]
    lap("staff")
    ranker = ExecutorRanker(**params).fit(records, y, dates, units)
    lap("executor_ranker")
    # the text columns of the ranker's rows (the newest max_rows), analysed once and reused below
    text_block = ranker.__dict__.pop("train_text_block")
    n_ranked = text_block.shape[0]
    coexecutors = CoexecutorModel().fit(labelled)
    recent = SimilarLetters().max_letters
    refs = [
        (str(r.get("reg_number") or r.get("doc_id") or ""), str(e), r["reg_date"])
        for r, e in zip(labelled[-recent:], y[-recent:], strict=True)
    ]
    n_words = len(ranker.vectorizer_.word_.vocabulary_)
    similar = SimilarLetters().fit(text_block[-recent:, :n_words], refs)
    lap("coexecutors_similar")
    with_text = [
        r for r in rows if isinstance(r.get("resolution_text"), str) and r["resolution_text"].strip()
    ]
    # an author's current wording: the newest letters, as many as the ranker learns from
    drafter = ResolutionDrafter().fit(
        with_text[-DRAFTER_ROWS:], {sid: p.name for sid, p in staff.people.items()}
    )
    lap("resolution_drafter")
    authors = _author_model(labelled[-n_ranked:], text_block, ranker)
    lap("author_model")
    deadline_rules, deadline_rates = learn_with_hit_rates(rows)
    lap("deadline_rules")
    cards = _card_models(train) if card_models else {}
    lap("card_models")
    bundle = Bundle(
        ranker=ranker,
        staff=staff,
        coexecutors=coexecutors,
        similar=similar,
        drafter=drafter,
        card_models=cards,
        abstain_threshold=ranker.abstain_threshold(0.9),
        deadline_rules=deadline_rules.to_dict(),
        authors=authors,
        deadline_hit_rates=deadline_rates,
    )
    baseline = BaselineExecutor().fit(records[-params["max_rows"] :], y[-params["max_rows"] :])
    lap("baseline")
    bundle.manifest = {"train_seconds_by_part": seconds}
    return bundle, baseline


def _author_model(rows: list[dict], text_block: Any, ranker: ExecutorRanker) -> AuthorModel | None:
    """Resolution author from the letter, on the ranker's vectors without the author's own tokens."""
    keep = [i for i, r in enumerate(rows) if _clean_id(r.get("resolution_author_id"))]
    if len(keep) < 10:
        return None
    records = [{**record_from_row(rows[i]), "author_id": None} for i in keep]
    return AuthorModel().fit(
        ranker.vectorizer_.with_fields(text_block[keep], records),
        [_clean_id(rows[i]["resolution_author_id"]) for i in keep],
    )


def _card_models(train: Any) -> dict:
    """The card engineer's classifiers (models.card_classifiers), when that module exists."""
    if importlib.util.find_spec("models.card_classifiers") is None:
        return {}
    from models import card_classifiers

    fit = getattr(card_classifiers, "fit_card_models", None)
    if fit is None:
        return {}
    try:
        return fit(train) or {}
    except Exception as exc:  # noqa: BLE001 - another area's model must not stop executor training
        warnings.warn(f"card models not trained: {type(exc).__name__}: {exc}", stacklevel=2)
        return {}


def train_register(
    register: Register, test_fraction: float = 0.2, params: dict | None = None, card_models: bool = True
) -> tuple[Bundle, dict]:
    """(bundle with its manifest filled in, evaluation report on the held-out newest period)."""
    started = time.perf_counter()
    frame = register.frame
    train, test = time_split(frame, test_fraction)
    bundle, baseline = fit_bundle(register, train, params, card_models)
    train_seconds = time.perf_counter() - started
    started_eval = time.perf_counter()
    report = evaluate_frame(bundle, test, baseline) if len(test) else {"n_test": 0}
    evaluate_seconds = time.perf_counter() - started_eval
    if register.world and "oracle_top1" in register.world:
        report["oracle_top1"] = register.world["oracle_top1"]
    created = datetime.now(UTC)
    digest = data_hash(train)
    bundle.manifest = {
        **bundle.manifest,
        "version": f"{created:%Y%m%d-%H%M%S}-{digest[:8]}",
        "created": created.isoformat(timespec="seconds"),
        "data_hash": digest,
        "register": str(register.source),
        "train_rows": len(train),
        "train_start": str(train["reg_date"].iloc[0]),
        "train_end": str(train["reg_date"].iloc[-1]),
        "test_rows": len(test),
        "test_start": str(test["reg_date"].iloc[0]) if len(test) else None,
        "params": {**DEFAULT_PARAMS, **(params or {})},
        "train_seconds": round(train_seconds, 1),
        "evaluate_seconds": round(evaluate_seconds, 1),
        "metrics": {k: v for k, v in report.items() if isinstance(v, int | float) and v is not None},
        "libraries": library_versions(),
        "abstain_threshold": bundle.abstain_threshold,
        "card_models": sorted(bundle.card_models),
        "temperature": bundle.ranker.temperature_,
    }
    return bundle, report
