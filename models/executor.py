"""The executor ranker: which staff member handles a letter, with calibrated probabilities.

A linear model (SGD, logistic loss) over TF-IDF word and character n-grams of the letter plus its card
fields and author-conditioned field pairs. Recent assignments weigh more (exponential decay by age);
card fields are dropped at random while fitting, because at prediction time the card extractor may leave
any of them empty. Scores are calibrated by a temperature fitted on the newest slice of the training data.
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


def routing_table(
    keys: Sequence[str | None],
    y_index: np.ndarray,
    dates: Sequence[date] | None,
    half_life_days: float | None,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """key (the topic) → (class indices, shares) from exponentially decayed counts: who handled this topic
    lately. Decay is relative to the newest row, so the table reflects the current routing."""
    weights = recency_weights(dates, len(y_index), half_life_days)
    sums: dict[str, dict[int, float]] = {}
    for key, index, weight in zip(keys, y_index, weights, strict=True):
        if key is None:
            continue
        bucket = sums.setdefault(key, {})
        bucket[int(index)] = bucket.get(int(index), 0.0) + float(weight)
    table = {}
    for key, bucket in sums.items():
        idx = np.fromiter(bucket, dtype=np.int32)
        share = np.fromiter(bucket.values(), dtype=np.float32)
        table[key] = (idx, share / share.sum())
    return table


def table_proba(table: dict, keys: Sequence[str | None], n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities, which rows had a known key)."""
    proba = np.zeros((len(keys), n_classes), dtype=np.float64)
    known = np.zeros(len(keys), dtype=bool)
    for row, key in enumerate(keys):
        entry = table.get(key) if key is not None else None
        if entry is not None:
            proba[row, entry[0]] = entry[1]
            known[row] = True
    return proba, known


class ExecutorRanker(ClassifierMixin, BaseEstimator):
    """fit(records, executor_ids, dates=...) → predict / predict_proba over executor ids.

    Two views mixed: the linear model over text and card fields, and the routing table of who handled the
    letter's topic lately (decayed counts). The mixing weight is chosen on the newest training slice."""

    def __init__(
        self,
        alpha: float = 5e-5,
        max_iter: int = 6,
        refresh_epochs: int = 2,
        half_life_days: float | None = 90.0,
        table_half_life_days: float | None = 60.0,
        table_key: str = "topic_code",
        field_dropout: float = 0.5,
        calibration_fraction: float = 0.1,
        max_rows: int | None = 60_000,
        use_char: bool = True,
        lemmatize: bool = False,
        random_state: int = 0,
        n_jobs: int | None = 2,
    ):
        self.alpha = alpha
        self.max_iter = max_iter
        self.refresh_epochs = refresh_epochs
        self.n_jobs = n_jobs
        self.half_life_days = half_life_days
        self.table_half_life_days = table_half_life_days
        self.table_key = table_key
        self.field_dropout = field_dropout
        self.calibration_fraction = calibration_fraction
        self.max_rows = max_rows
        self.use_char = use_char
        self.lemmatize = lemmatize
        self.random_state = random_state

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

    def fit(
        self, records: list[dict], y: Sequence[str], dates: Sequence[date] | None = None
    ) -> ExecutorRanker:
        """Epochs over the older rows; the temperature from the newest `calibration_fraction` (held out so
        far); then a pass over those newest rows too, so the newest routing is learnt as well."""
        rng = np.random.default_rng(self.random_state)
        y = np.asarray([str(v) for v in y])
        if dates is not None:
            order = np.argsort([d.toordinal() for d in dates], kind="stable")
            records, y, dates = [records[i] for i in order], y[order], [dates[i] for i in order]
        if self.max_rows and len(records) > self.max_rows:
            # The newest letters carry the current routing; old ones mostly add training time.
            records, y = records[-self.max_rows :], y[-self.max_rows :]
            dates = dates[-self.max_rows :] if dates is not None else None
        weights = recency_weights(dates, len(records), self.half_life_days)
        classes = np.unique(y)

        self.vectorizer_ = LetterVectorizer(use_char=self.use_char, lemmatize=self.lemmatize)
        full = self.vectorizer_.fit_transform(records)
        n_fields = len(self.vectorizer_.fields_.vocabulary_)
        text = full[:, : full.shape[1] - n_fields]
        X = self.vectorizer_.with_fields(text, self._drop_fields(records, rng))
        # The text columns of the training letters, for the caller to reuse (not kept in the model).
        self.train_text_block = text
        clf = self._linear()
        n_cal = int(len(records) * self.calibration_fraction)
        self.temperature_ = 1.0
        if n_cal >= 20:
            old = slice(0, len(records) - n_cal)
            new = slice(len(records) - n_cal, len(records))
            self._epochs(clf, X[old], y[old], weights[old], classes, self.max_iter)
            scores = clf.decision_function(full[new])
            if scores.ndim == 1:
                scores = np.column_stack([-scores, scores])
            index = np.searchsorted(clf.classes_, y[new])
            self.temperature_ = fit_temperature(scores, index)
            proba = softmax(scores, self.temperature_)
            old_index = np.searchsorted(classes, y[old])
            table = routing_table(
                [r.get(self.table_key) for r in records[old]],
                old_index,
                dates[old] if dates is not None else None,
                self.table_half_life_days,
            )
            p_table, known = table_proba(table, [r.get(self.table_key) for r in records[new]], len(classes))
            self.table_weight_ = self._choose_weight(proba, p_table, known, index)
            proba = self._mix(proba, p_table, known)
            self.calibration_top1_ = proba.max(axis=1)
            self.calibration_hit_ = proba.argmax(axis=1) == index
            self._epochs(clf, X[new], y[new], weights[new], classes, self.refresh_epochs)
        else:
            self._epochs(clf, X, y, weights, classes, self.max_iter)
            self.table_weight_ = 0.5
        self.table_ = routing_table(
            [r.get(self.table_key) for r in records],
            np.searchsorted(classes, y),
            dates,
            self.table_half_life_days,
        )
        # float32 halves the bundle; Fortran order makes X @ coef_.T row-contiguous for single letters.
        clf.coef_ = np.asfortranarray(clf.coef_, dtype=np.float32)
        clf.intercept_ = clf.intercept_.astype(np.float32)
        self.model_ = clf
        self.classes_ = clf.classes_
        return self

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
            accuracy = (mixed.argmax(axis=1) == index).mean()
            loss = -np.log(mixed[rows, index] + 1e-9).mean()
            score = loss - 5 * accuracy  # accuracy first, log-loss breaks ties
            if score < best_loss:
                best, best_loss = weight, score
        return best

    def decision_function(self, records: list[dict], text_block: Any = None) -> np.ndarray:
        """text_block: the letters' `vectorizer_.text_block(...)`, when the caller already has it."""
        check_is_fitted(self, "model_")
        X = (
            self.vectorizer_.transform(records)
            if text_block is None
            else self.vectorizer_.with_fields(text_block, records)
        )
        scores = self.model_.decision_function(X)
        return np.column_stack([-scores, scores]) if scores.ndim == 1 else scores

    def predict_proba(self, records: list[dict], text_block: Any = None) -> np.ndarray:
        p_linear = softmax(self.decision_function(records, text_block), self.temperature_)
        p_table, known = table_proba(
            self.table_, [r.get(self.table_key) for r in records], len(self.classes_)
        )
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

    def __init__(self, max_features: int = 50_000):
        self.max_features = max_features

    def fit(self, records: list[dict], y: Sequence[str]) -> BaselineExecutor:
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.naive_bayes import MultinomialNB

        self.vectorizer_ = CountVectorizer(max_features=self.max_features)
        X = self.vectorizer_.fit_transform([plain(text_of(r)) for r in records])
        self.model_ = MultinomialNB().fit(X, [str(v) for v in y])
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, records: list[dict]) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(self.vectorizer_.transform([plain(text_of(r)) for r in records]))

    def predict(self, records: list[dict]) -> np.ndarray:
        return self.classes_[self.predict_proba(records).argmax(axis=1)]
