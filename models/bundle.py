"""The trained model bundle (executor ranker, co-executors, similar letters, resolution drafter, card
classifiers, staff availability) and its on-disk format.

A bundle is a directory: `manifest.json` (format version, model version, metrics, data hash, training
period, library versions, created) and `model.joblib`. It is written to `<dir>.part` and renamed, so a
reader never sees half a bundle. The promoted bundle is the one named in `<models dir>/current`.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from docket.errors import IncompatibleModel, ModelNotFound

FORMAT_VERSION = 2
MANIFEST = "manifest.json"
PAYLOAD = "model.joblib"
CURRENT = "current"


def library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("docket", "scikit-learn", "numpy", "scipy", "pymorphy3", "joblib"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


class Bundle:
    """Everything the executor and resolution stages need, trained together on one register."""

    def __init__(
        self,
        ranker: Any,
        staff: Any,
        coexecutors: Any,
        similar: Any,
        drafter: Any,
        card_models: dict | None = None,
        abstain_threshold: float = 0.0,
        manifest: dict | None = None,
        deadline_rules: dict | None = None,
        authors: Any = None,
        deadline_hit_rates: dict | None = None,
    ):
        self.ranker = ranker
        self.staff = staff
        self.coexecutors = coexecutors
        self.similar = similar
        self.drafter = drafter
        self.card_models = card_models or {}
        self.abstain_threshold = abstain_threshold
        self.manifest = manifest or {}
        self.deadline_rules = deadline_rules
        self.authors = authors
        self.deadline_hit_rates = deadline_hit_rates or {}

    @property
    def version(self) -> str | None:
        return self.manifest.get("version")

    # --- executors -------------------------------------------------------------------------------
    def rank(
        self,
        records: list[dict],
        days: list[date],
        top_k: int = 3,
        abstain: bool = False,
        text_block: Any = None,
    ) -> list[list[tuple[str, float, str | None]]]:
        """Per letter: [(staff id, probability, why it was remapped)] best first, everyone available on
        the letter's day. Empty when abstaining below the threshold. `text_block`: the letters'
        `ranker.vectorizer_.text_block(records)` when the caller already has it."""
        proba = self.ranker.predict_proba(records, text_block)
        classes = self.ranker.classes_
        out = []
        resolved: dict[tuple, tuple] = {}  # letters of one day share their stand-ins
        for row, day in zip(proba, days, strict=True):
            merged: dict[str, float] = {}
            why: dict[str, str | None] = {}
            for index in row.argsort()[::-1][: max(top_k * 4, 10)]:
                key = (index, day)
                if key not in resolved:
                    resolved[key] = self.staff.resolve(classes[index], day)
                target, reason = resolved[key]
                if target is None:
                    continue
                merged[target] = merged.get(target, 0.0) + float(row[index])
                why.setdefault(target, reason)
            ranked = sorted(merged.items(), key=lambda kv: -kv[1])[:top_k]
            if abstain and (not ranked or ranked[0][1] < self.abstain_threshold):
                ranked = []
            out.append([(sid, min(score, 1.0), why[sid]) for sid, score in ranked])
        return out

    def authors_for(self, records: list[dict], text_block: Any = None) -> list[str | None]:
        """The resolution author of each letter: who usually takes the addressee's letters on the topic
        (the ranker's author table, also what its calibration assumed); where that is unknown, the author
        model over the letter, else the author most often writing for the addressee."""
        infer = getattr(self.ranker, "infer_authors", None)
        found = (
            infer(records)
            if infer is not None and hasattr(self.ranker, "author_table_")
            else [None] * len(records)
        )
        missing = [i for i, a in enumerate(found) if a is None]
        if not missing:
            return found
        model = getattr(self, "authors", None)
        if model is None:
            for i in missing:
                found[i] = self.drafter.author_for(records[i].get("addressee"))
            return found
        vectorizer = self.ranker.vectorizer_
        if text_block is None:
            text_block = vectorizer.text_block(records)
        rest = [{**records[i], "author_id": None} for i in missing]
        matrix = vectorizer.with_fields(text_block[missing], rest)
        for i, author in zip(missing, model.predict(matrix), strict=True):
            found[i] = str(author)
        return found

    def _author(self, document: Any, card: Any) -> str | None:
        from models.features import record_from_card

        return self.authors_for([record_from_card(document, card)])[0]

    def suggest_executors(self, document: Any, card: Any, top_k: int = 3) -> list:
        from models.features import record_from_card
        from models.staff import ru_date
        from pipeline.contract import ExecutorSuggestion

        day = _day_of(document)
        record = record_from_card(document, card)
        text_block = self.ranker.vectorizer_.text_block([record])
        record["author_id"] = self.authors_for([record], text_block)[0]
        ranked = self.rank([record], [day], top_k=top_k, abstain=True, text_block=text_block)[0]
        if not ranked:
            return []
        n_words = len(self.ranker.vectorizer_.word_.vocabulary_)
        similar = self.similar.query(text_block[:, :n_words], k=5)
        handled = [(ref, who, when, sim, self.staff.resolve(who, day)[0]) for ref, who, when, sim in similar]
        suggestions = []
        for sid, score, moved in ranked:
            reasons = [moved] if moved else []
            reasons += [
                f"похожее письмо {ref} от {ru_date(when)} (сходство {sim:.2f}) исполнял(а) {self.staff.name(who)}"
                for ref, who, when, sim, now in handled
                if now == sid
            ][:3]
            suggestions.append(
                ExecutorSuggestion(
                    id=sid, name=self.staff.name(sid), unit=self.staff.unit(sid), score=score, reasons=reasons
                )
            )
        kind, topic = _value(card, "doc_kind"), getattr(_value(card, "topic"), "code", None)
        taken = {s.id for s in suggestions}
        for co, share in self.coexecutors.predict_one(ranked[0][0], topic, kind, record["author_id"]):
            target, moved = self.staff.resolve(co, day)
            if target is None or target in taken:
                continue
            taken.add(target)
            reasons = [
                f"соисполнитель в {share:.0%} прошлых писем, где исполнитель {self.staff.name(ranked[0][0])}"
            ]
            suggestions.append(
                ExecutorSuggestion(
                    id=target,
                    name=self.staff.name(target),
                    unit=self.staff.unit(target),
                    score=min(share, 1.0),
                    reasons=reasons + ([moved] if moved else []),
                    coexecutor=True,
                )
            )
        return suggestions

    # --- resolution ------------------------------------------------------------------------------
    def draft_text(
        self,
        author: str | None,
        kind: str | None,
        topic: str | None,
        executor_ids: list[str],
        values: dict,
        features: Any = None,
    ) -> tuple[str, float] | None:
        people = [
            (sid, self.staff.name(sid), getattr(self.staff.people.get(sid), "gender", None))
            for sid in executor_ids
        ]
        return self.drafter.draft(author, kind, topic, people, values, features)

    def draft_resolution(self, document: Any, card: Any, executors: list, deadline: Any) -> Any:
        from pipeline.contract import Resolution

        main = [e.id for e in executors if not e.coexecutor][:1]
        if not main:
            return None
        ids = main + [e.id for e in executors if e.coexecutor]
        reply = _value(card, "reply_to")
        values = {
            "DEADLINE": getattr(deadline, "date", None),
            "OUT_DATE": _value(card, "outgoing_date"),
            "OUT_NUMBER": _value(card, "outgoing_number"),
            "REG_DATE": _registered(document),
            "REG_NUMBER": document.metadata.get("reg_number"),
            "REPLY_DATE": getattr(reply, "date", None),
        }
        author = self._author(document, card)
        kind, topic = _value(card, "doc_kind"), getattr(_value(card, "topic"), "code", None)
        drafted = self.draft_text(author, kind, topic, ids, values)
        if drafted is None:
            return None
        text, confidence = drafted
        confidence = self.resolution_confidence(confidence, getattr(deadline, "rule", None))
        author_name = self.drafter.author_names_.get(author) if author else None
        return Resolution(text=text, author=author_name, confidence=max(0.0, min(confidence, 1.0)))

    def resolution_confidence(self, template_confidence: float, deadline_rule: str | None) -> float:
        """The template's calibrated confidence times how often the deadline's rule was right on held-out
        letters at training (the deadline is part of the text)."""
        rates = getattr(self, "deadline_hit_rates", None) or {}
        key = deadline_rule.split("+")[0] if deadline_rule else "none"
        return max(0.0, min(template_confidence * rates.get(key, 1.0), 1.0))

    # --- persistence -----------------------------------------------------------------------------
    def save(self, path: Path | str) -> Path:
        import joblib

        path = Path(path)
        part = path.with_name(path.name + ".part")
        if part.exists():
            shutil.rmtree(part)
        part.mkdir(parents=True)
        manifest = {**self.manifest, "format_version": FORMAT_VERSION}
        joblib.dump(self, part / PAYLOAD, compress=3)
        if self.deadline_rules:
            # Plain JSON beside the model: the deadline stage reads it without loading the bundle.
            (part / "deadline_rules.json").write_text(
                json.dumps(self.deadline_rules, ensure_ascii=False), "utf-8"
            )
        manifest["bundle_bytes"] = (part / PAYLOAD).stat().st_size
        (part / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2, default=str), "utf-8")
        self.manifest = manifest
        if path.exists():
            old = path.with_name(path.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            path.rename(old)
            part.rename(path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            part.rename(path)
        return path


def _value(card: Any, name: str) -> Any:
    item = getattr(card, name, None)
    return None if item is None else item.value


def _registered(document: Any) -> date | None:
    from models.staff import as_date

    return as_date(document.metadata.get("registered") or document.metadata.get("reg_date"))


def _day_of(document: Any) -> date:
    return _registered(document) or date.today()


def read_manifest(path: Path | str) -> dict:
    path = Path(path)
    if not (path / MANIFEST).is_file():
        raise ModelNotFound(f"no model bundle at {path} (missing {MANIFEST})")
    try:
        manifest = json.loads((path / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise IncompatibleModel(f"model bundle {path}: unreadable manifest ({exc})") from None
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IncompatibleModel(
            f"model bundle {path} has format version {manifest.get('format_version')}, "
            f"this docket reads {FORMAT_VERSION}: retrain with `docket train`"
        )
    return manifest


def load_path(path: Path | str) -> Bundle:
    """A bundle directory, or a models directory with a `current` pointer."""
    path = Path(path)
    if (path / CURRENT).is_file() and not (path / MANIFEST).is_file():
        path = path / (path / CURRENT).read_text("utf-8").strip()
    manifest = read_manifest(path)
    import joblib

    try:
        bundle = joblib.load(path / PAYLOAD)
    except FileNotFoundError:
        raise ModelNotFound(f"model bundle {path} has no {PAYLOAD}") from None
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means a damaged or foreign file
        raise IncompatibleModel(f"model bundle {path} is damaged ({type(exc).__name__}: {exc})") from None
    if not isinstance(bundle, Bundle):
        raise IncompatibleModel(f"model bundle {path} does not hold a docket bundle")
    bundle.manifest = manifest
    return bundle


def promote(bundle_dir: Path | str, models_dir: Path | str) -> Path:
    """Copy a bundle under the models directory and point `current` at it (atomically)."""
    bundle_dir, models_dir = Path(bundle_dir), Path(models_dir)
    manifest = read_manifest(bundle_dir)
    version = manifest["version"]
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / version
    if bundle_dir.resolve() != target.resolve():
        part = models_dir / f"{version}.part"
        shutil.rmtree(part, ignore_errors=True)
        shutil.copytree(bundle_dir, part)
        shutil.rmtree(target, ignore_errors=True)
        part.rename(target)
    pointer = models_dir / f"{CURRENT}.part"
    pointer.write_text(version + "\n", "utf-8")
    os.replace(pointer, models_dir / CURRENT)
    return target


def load_bundle(settings: Any) -> Bundle | None:
    """The promoted bundle under the models directory, or None when none has been promoted."""
    models_dir = Path(settings.resolved_models_dir)
    if not (models_dir / CURRENT).is_file():
        return None
    return load_path(models_dir)
