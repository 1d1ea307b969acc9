"""The executor ranker: which staff member handles a letter, with calibrated probabilities.

A routing table of who handled the letter's topic lately (and its author's letters on the topic), mixed
with a linear model (SGD, logistic loss) over TF-IDF word n-grams of the letter plus its card fields, which
carries the ranking when the card has no topic. Recent assignments weigh more (exponential decay by age);
card fields are dropped at random while fitting the linear model, because at prediction time the card
extractor may leave any of them empty. Scores are calibrated by a temperature fitted on the newest slice of
the training data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from models.features import CATEGORICAL, field_tokens, text_of
from models.text import lemmatise, plain


def recency_weights(dates: Sequence[date] | None, n: int, half_life_days: float | None) -> np.ndarray:
    if dates is None or not half_life_days:
        return np.ones(n)
    ordinals = np.array([d.toordinal() for d in dates], dtype=float)
    age = ordinals.max() - ordinals
    return np.power(0.5, age / float(half_life_days))


def softmax(scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(scores: np.ndarray, y_index: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of the true classes (Guo et al., 2017)."""
    from scipy.optimize import minimize_scalar

    rows = np.arange(len(y_index))

    def nll(t: float) -> float:
        return -np.log(softmax(scores, t)[rows, y_index] + 1e-12).mean()

    return float(minimize_scalar(nll, bounds=(0.01, 50.0), method="bounded").x)


class LetterVectorizer(BaseEstimator):
    """Letter text (word and char n-grams) and card-field tokens into one sparse matrix."""

    def __init__(
        self,
        word_max_features: int = 40_000,
        char_max_features: int = 20_000,
        use_char: bool = True,
        char_chars: int = 300,
        lemmatize: bool = False,
        field_weight: float = 1.0,
        text_chars: int = 2500,
    ):
        self.word_max_features = word_max_features
        self.char_max_features = char_max_features
        self.use_char = use_char
        self.char_chars = char_chars
        self.lemmatize = lemmatize
        self.field_weight = field_weight
        self.text_chars = text_chars

    def _texts(self, records):
        norm = lemmatise if self.lemmatize else plain
        return [norm(text_of(r, self.text_chars)) for r in records]

    def fit(self, records: list[dict], y: Any = None) -> LetterVectorizer:
        self._fit_transform(records, fit=True)
        return self

    def transform(self, records: list[dict]):
        check_is_fitted(self, "word_")
        return self._fit_transform(records, fit=False)

    def fit_transform(self, records: list[dict], y: Any = None):
        return self._fit_transform(records, fit=True)

    def word_matrix(self, records: list[dict]):
        check_is_fitted(self, "word_")
        return self.word_.transform(self._texts(records))

    def text_block(self, records: list[dict]):
        """The text columns alone (word, then char n-grams): the costly part, computed once per letter
        and reused with different card fields (`with_fields`)."""
        check_is_fitted(self, "word_")
        return self._text_block(records, fit=False)

    def with_fields(self, text_block, records: list[dict]):
        from scipy import sparse

        fields = self.fields_.transform([field_tokens(r) or "__none__" for r in records])
        return sparse.hstack([text_block, fields * self.field_weight], format="csr", dtype=np.float32)

    def _text_block(self, records, fit: bool):
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = self._texts(records)
        if fit:
            self.word_ = TfidfVectorizer(
                ngram_range=(1, 2),
                min_df=2,
                max_df=0.5,
                max_features=self.word_max_features,
                sublinear_tf=True,
                dtype=np.float32,
            )
            blocks = [self.word_.fit_transform(texts)]
        else:
            blocks = [self.word_.transform(texts)]
        if self.use_char:
            short = [t[: self.char_chars] for t in texts]
            if fit:
                self.char_ = TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(3, 5),
                    min_df=3,
                    max_df=0.5,
                    max_features=self.char_max_features,
                    sublinear_tf=True,
                    dtype=np.float32,
                )
                blocks.append(self.char_.fit_transform(short))
            else:
                blocks.append(self.char_.transform(short))
        if fit:
            # The pruned-term sets are only for introspection and can be most of a pickle's size.
            for vectorizer in (self.word_, getattr(self, "char_", None)):
                if vectorizer is not None:
                    vectorizer.stop_words_ = None
        return sparse.hstack(blocks, format="csr", dtype=np.float32)

    def _fit_transform(self, records, fit: bool):
        from sklearn.feature_extraction.text import CountVectorizer

        text = self._text_block(records, fit)
        if fit:
            self.fields_ = CountVectorizer(
                token_pattern=r"\S+", lowercase=False, binary=True, min_df=1, dtype=np.float32
            )
            self.fields_.fit([field_tokens(r) or "__none__" for r in records])
        return self.with_fields(text, records)


def ranking_hits(proba: np.ndarray, index: np.ndarray) -> float:
    """The mean of top-1 and top-3 accuracy: the clerk sees three names, and the first is preselected."""
    k = min(3, proba.shape[1])
    top = np.argpartition(-proba, k - 1, axis=1)[:, :k]
    top3 = (top == index[:, None]).any(axis=1).mean()
    return float(((proba.argmax(axis=1) == index).mean() + top3) / 2)


class RoutingTable(BaseEstimator):
    """Who handled letters like this lately: recency-decayed executor counts per key, for a chain of keys
    from general to specific (the topic, then the author and the topic). Each level's shares shrink towards
    its parent's by `prior_strength` pseudo-letters, so a rare author-topic pair does not override the
    topic's routing on one letter."""

    def __init__(
        self,
        chain: tuple[tuple[str, ...], ...] = (("topic_code",), ("author_id", "topic_code")),
        half_life_days: float | None = 90.0,
        prior_strength: float = 1.0,
    ):
        self.chain = chain
        self.half_life_days = half_life_days
        self.prior_strength = prior_strength

    def _keys(self, record: dict) -> list[tuple | None]:
        keys = []
        for level, names in enumerate(self.chain):
            values = tuple(record.get(name) for name in names)
            keys.append(None if any(v is None for v in values) else (level, *values))
        return keys

    def fit(
        self, records: list[dict], y_index: np.ndarray, dates: Sequence[date] | None, n_classes: int
    ) -> RoutingTable:
        weights = recency_weights(dates, len(y_index), self.half_life_days)
        sums: dict[tuple, dict[int, float]] = {}
        for record, index, weight in zip(records, y_index, weights, strict=True):
            for key in self._keys(record):
                if key is not None:
                    bucket = sums.setdefault(key, {})
                    bucket[int(index)] = bucket.get(int(index), 0.0) + float(weight)
        self.counts_ = {
            key: (
                np.fromiter(bucket, dtype=np.int32),
                np.fromiter(bucket.values(), dtype=np.float32),
            )
            for key, bucket in sums.items()
        }
        self.n_classes_ = n_classes
        return self

    def predict_proba(self, records: list[dict]) -> tuple[np.ndarray, np.ndarray]:
        """(probabilities, which rows had a known first-level key)."""
        check_is_fitted(self, "counts_")
        proba = np.zeros((len(records), self.n_classes_), dtype=np.float64)
        known = np.zeros(len(records), dtype=bool)
        for row, record in enumerate(records):
            shares = None
            for key in self._keys(record):
                entry = self.counts_.get(key) if key is not None else None
                if entry is None:
                    if shares is None:
                        break
                    continue
                counts = np.zeros(self.n_classes_)
                counts[entry[0]] = entry[1]
                total = float(entry[1].sum())
                if shares is None:
                    shares = counts / total
                else:
                    shares = (counts + self.prior_strength * shares) / (total + self.prior_strength)
            if shares is not None:
                proba[row] = shares
                known[row] = True
        return proba, known


class ExecutorRanker(ClassifierMixin, BaseEstimator):
    """fit(records, executor_ids, dates=..., units=...) → predict / predict_proba over executor ids.

    Two views mixed. The routing table (who handled the letter's topic lately, and the letters of its
    resolution's author on the topic) carries the choice of the person: on a register the text adds little
    once the topic is known. The author is inferred at prediction time, so the author level is kept only
    when it helps on the newest training slice with an inferred author (`table_chain_`). The linear model
    over text and card fields answers when the card has no topic; given `units` (each executor's unit on
    the day) it learns the unit, a few dozen classes instead of every person, and spreads the unit's
    probability over its people by their recent share of its letters. The mixing weight is chosen on the
    newest training slice."""

    def __init__(
        self,
        alpha: float = 5e-5,
        max_iter: int = 5,
        refresh_epochs: int = 2,
        half_life_days: float | None = 90.0,
        table_half_life_days: float | None = 90.0,
        table_chain: tuple[tuple[str, ...], ...] = (("topic_code",), ("author_id", "topic_code")),
        prior_strength: float = 1.0,
        min_author_gain: float = 0.01,
        field_dropout: float = 0.5,
        calibration_fraction: float = 0.1,
        max_rows: int | None = 30_000,
        use_char: bool = True,
        lemmatize: bool = False,
        text_chars: int = 1500,
        random_state: int = 0,
        n_jobs: int | None = 2,
    ):
        self.alpha = alpha
        self.max_iter = max_iter
        self.refresh_epochs = refresh_epochs
        self.half_life_days = half_life_days
        self.table_half_life_days = table_half_life_days
        self.table_chain = table_chain
        self.prior_strength = prior_strength
        self.min_author_gain = min_author_gain
        self.field_dropout = field_dropout
        self.calibration_fraction = calibration_fraction
        self.max_rows = max_rows
        self.use_char = use_char
        self.lemmatize = lemmatize
        self.text_chars = text_chars
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _drop_fields(self, records: list[dict], rng: np.random.Generator) -> list[dict]:
        if not self.field_dropout:
            return records
        out = []
        for r in records:
            r = dict(r)
            for name in CATEGORICAL:
                if r.get(name) is not None and rng.random() < self.field_dropout:
                    r[name] = None
            out.append(r)
        return out

    def _linear(self):
        from sklearn.linear_model import SGDClassifier

        return SGDClassifier(
            loss="log_loss", alpha=self.alpha, random_state=self.random_state, n_jobs=self.n_jobs
        )

    def _epochs(self, clf, X, y, weights, classes, epochs: int) -> None:
        for _ in range(epochs):
            clf.partial_fit(X, y, classes=classes, sample_weight=weights)

    def _table(self, records, y_index, dates, chain=None) -> RoutingTable:
        chain = self.table_chain_ if chain is None else chain
        return RoutingTable(chain, self.table_half_life_days, self.prior_strength).fit(
            records, y_index, dates, len(self.classes_)
        )

    def _spread(self, groups, y_index, dates) -> np.ndarray:
        """groups × people: each person's recency-weighted share of the group's letters."""
        weights = recency_weights(dates, len(y_index), self.table_half_life_days)
        share = np.zeros((len(self.groups_), len(self.classes_)))
        np.add.at(share, (np.searchsorted(self.groups_, groups), y_index), weights)
        return share / np.maximum(share.sum(axis=1, keepdims=True), 1e-12)

    def fit(
        self,
        records: list[dict],
        y: Sequence[str],
        dates: Sequence[date] | None = None,
        units: Sequence[str | None] | None = None,
    ) -> ExecutorRanker:
        """The routing table learns from every row (decayed by age); the linear model from the newest
        `max_rows`: epochs over them but the newest `calibration_fraction`, where the temperature and the
        mixing weight are chosen, then a pass over those newest rows too."""
        rng = np.random.default_rng(self.random_state)
        y = np.asarray([str(v) for v in y])
        groups = (
            y
            if units is None
            else np.asarray([str(u) if u else f"person:{p}" for u, p in zip(units, y, strict=True)])
        )
        if dates is not None:
            order = np.argsort([d.toordinal() for d in dates], kind="stable")
            records, y, groups = [records[i] for i in order], y[order], groups[order]
            dates = [dates[i] for i in order]
        self.classes_ = np.unique(y)
        self.groups_ = np.unique(groups)
        y_index = np.searchsorted(self.classes_, y)
        n_all = len(records)
        start = max(0, n_all - self.max_rows) if self.max_rows else 0
        recent = slice(start, n_all)
        recent_records = records[recent]
        weights = recency_weights(
            dates[recent] if dates is not None else None, n_all - start, self.half_life_days
        )

        self.vectorizer_ = LetterVectorizer(
            use_char=self.use_char, lemmatize=self.lemmatize, text_chars=self.text_chars
        )
        full = self.vectorizer_.fit_transform(recent_records)
        n_fields = len(self.vectorizer_.fields_.vocabulary_)
        text = full[:, : full.shape[1] - n_fields]
        X = self.vectorizer_.with_fields(text, self._drop_fields(recent_records, rng))
        # The text columns of the newest letters, for the caller to reuse (not kept in the model).
        self.train_text_block = text
        g = groups[recent]
        clf = self._linear()
        n_cal = int((n_all - start) * self.calibration_fraction)
        self.temperature_ = 1.0
        self.table_weight_ = 0.5
        self.table_chain_ = tuple(tuple(level) for level in self.table_chain)
        if n_cal >= 20:
            old, new = slice(0, len(g) - n_cal), slice(len(g) - n_cal, len(g))
            cut = start + len(g) - n_cal
            self._epochs(clf, X[old], g[old], weights[old], self.groups_, self.max_iter)
            scores = clf.decision_function(full[new])
            if scores.ndim == 1:
                scores = np.column_stack([-scores, scores])
            self.temperature_ = fit_temperature(scores, np.searchsorted(clf.classes_, g[new]))
            past_dates = dates[:cut] if dates is not None else None
            self.spread_ = self._spread(groups[:cut], y_index[:cut], past_dates)
            calibration = self._inferred_authors(records[:cut], records[cut:], past_dates)
            self.table_chain_, self.table_, p_table, known = self._choose_chain(
                records[:cut], y_index, past_dates, calibration, cut
            )
            p_linear = self._people(softmax(scores, self.temperature_))
            index = y_index[cut:]
            self.table_weight_ = self._choose_weight(p_linear, p_table, known, index)
            proba = self._mix(p_linear, p_table, known)
            self.calibration_top1_ = proba.max(axis=1)
            self.calibration_hit_ = proba.argmax(axis=1) == index
            self._epochs(clf, X[new], g[new], weights[new], self.groups_, self.refresh_epochs)
        else:
            self._epochs(clf, X, g, weights, self.groups_, self.max_iter)
        self.spread_ = self._spread(groups, y_index, dates)
        self.table_ = self._table(records, y_index, dates)
        self.author_table_ = self._author_table(records, dates)
        # float32 halves the bundle; Fortran order makes X @ coef_.T row-contiguous for single letters.
        clf.coef_ = np.asfortranarray(clf.coef_, dtype=np.float32)
        clf.intercept_ = clf.intercept_.astype(np.float32)
        self.model_ = clf
        return self

    @staticmethod
    def _author_table(past: list[dict], dates) -> tuple[RoutingTable, np.ndarray] | None:
        """Who writes the resolution: the author who most often took the addressee's letters on the topic
        lately (the addressee hands a letter to the deputy who supervises its matter)."""
        authors = [r.get("author_id") for r in past]
        known = [i for i, a in enumerate(authors) if a is not None]
        if not known:
            return None
        names = np.unique([authors[i] for i in known])
        table = RoutingTable((("addressee",), ("addressee", "topic_code"))).fit(
            [past[i] for i in known],
            np.searchsorted(names, [authors[i] for i in known]),
            [dates[i] for i in known] if dates is not None else None,
            len(names),
        )
        return table, names

    @staticmethod
    def _infer(author_table, records: list[dict]) -> list[str | None]:
        if author_table is None:
            return [None] * len(records)
        table, names = author_table
        proba, found = table.predict_proba(records)
        return [str(names[p.argmax()]) if hit else None for p, hit in zip(proba, found, strict=True)]

    def infer_authors(self, records: list[dict]) -> list[str | None]:
        """The resolution author of each letter from its addressee and topic; None where unknown."""
        check_is_fitted(self, "model_")
        return self._infer(getattr(self, "author_table_", None), records)

    def _inferred_authors(self, past: list[dict], records: list[dict], dates) -> list[dict]:
        """`records` with the author the bundle will infer, not the register's: the calibration should see
        what prediction sees."""
        inferred = self._infer(self._author_table(past, dates), records)
        return [{**r, "author_id": a} for r, a in zip(records, inferred, strict=True)]

    def _choose_chain(self, past, y_index, dates, calibration, cut) -> tuple:
        """(chain, its table fitted on `past`, the table's probabilities and known rows on `calibration`)."""
        full = tuple(tuple(level) for level in self.table_chain)
        without = tuple(level for level in full if "author_id" not in level)
        chains = (full,) if not without or without == full else (without, full)
        fitted = []
        for chain in chains:
            table = self._table(past, y_index[:cut], dates, chain)
            fitted.append((chain, table, *table.predict_proba(calibration)))
        if len(fitted) == 1:
            return fitted[0]
        truth = y_index[cut:]
        accuracy = [ranking_hits(p[k], truth[k]) if k.any() else 0.0 for _, _, p, k in fitted]
        # a gain within the noise of a few thousand letters does not pay for the author's inference errors
        return fitted[1] if accuracy[1] >= accuracy[0] + self.min_author_gain else fitted[0]

    def _people(self, p_groups: np.ndarray) -> np.ndarray:
        return p_groups @ self.spread_

    def _mix(self, p_linear: np.ndarray, p_table: np.ndarray, known: np.ndarray, weight: float | None = None):
        weight = self.table_weight_ if weight is None else weight
        mixed = p_linear.copy()
        mixed[known] = weight * p_table[known] + (1 - weight) * p_linear[known]
        return mixed

    def _choose_weight(self, p_linear, p_table, known, index) -> float:
        rows = np.arange(len(index))
        best, best_loss = 0.0, np.inf
        for weight in (0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0):
            mixed = self._mix(p_linear, p_table, known, weight)
            loss = -np.log(mixed[rows, index] + 1e-9).mean()
            score = loss - 5 * ranking_hits(mixed, index)  # the ranking first, log-loss breaks ties
            if score < best_loss:
                best, best_loss = weight, score
        return best

    def decision_function(self, records: list[dict], text_block: Any = None) -> np.ndarray:
        """Scores of the linear model's classes (`groups_`: units, or people when fitted without units).
        text_block: the letters' `vectorizer_.text_block(...)`, when the caller already has it."""
        check_is_fitted(self, "model_")
        X = (
            self.vectorizer_.transform(records)
            if text_block is None
            else self.vectorizer_.with_fields(text_block, records)
        )
        scores = self.model_.decision_function(X)
        return np.column_stack([-scores, scores]) if scores.ndim == 1 else scores

    def predict_proba(self, records: list[dict], text_block: Any = None) -> np.ndarray:
        p_linear = self._people(softmax(self.decision_function(records, text_block), self.temperature_))
        p_table, known = self.table_.predict_proba(records)
        return self._mix(p_linear, p_table, known)

    def predict(self, records: list[dict]) -> np.ndarray:
        return self.classes_[self.predict_proba(records).argmax(axis=1)]

    def abstain_threshold(self, target_accuracy: float = 0.9, min_coverage: float = 0.8) -> float:
        """The lowest top-1 probability at which the newest training slice reaches the target accuracy, but
        never answering fewer than `min_coverage` of the letters there."""
        check_is_fitted(self, "model_")
        top1 = getattr(self, "calibration_top1_", None)
        if top1 is None or not len(top1):
            return 0.0
        order = np.argsort(-top1)
        hits = np.cumsum(self.calibration_hit_[order]) / np.arange(1, len(order) + 1)
        ok = np.nonzero(hits >= target_accuracy)[0]
        floor = float(np.quantile(top1, 1 - min_coverage))
        return min(float(top1[order][ok[-1]]), floor) if len(ok) else floor


class BaselineExecutor(ClassifierMixin, BaseEstimator):
    """The baseline docket is compared with: bag of words of the letter and one multinomial naive Bayes."""

    def __init__(self, max_features: int = 50_000, text_chars: int = 1500):
        self.max_features = max_features
        self.text_chars = text_chars

    def fit(self, records: list[dict], y: Sequence[str]) -> BaselineExecutor:
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.naive_bayes import MultinomialNB

        self.vectorizer_ = CountVectorizer(max_features=self.max_features)
        X = self.vectorizer_.fit_transform([plain(text_of(r, self.text_chars)) for r in records])
        self.model_ = MultinomialNB().fit(X, [str(v) for v in y])
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, records: list[dict]) -> np.ndarray:
        check_is_fitted(self, "model_")
        texts = [plain(text_of(r, self.text_chars)) for r in records]
        return self.model_.predict_proba(self.vectorizer_.transform(texts))

    def predict(self, records: list[dict]) -> np.ndarray:
        return self.classes_[self.predict_proba(records).argmax(axis=1)]
