"""Card classifiers learned from the register: document kind, topic, appeal kind, channel.

Each is a scikit-learn estimator over the letter's text (TF-IDF word and character n-grams, a linear
SVM, probabilities calibrated with CalibratedClassifierCV), so a card field carries a probability the
clerk can trust, and the card abstains below the configured threshold.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

# Register columns the card models are trained on: model key -> label column.
LABEL_COLUMNS: dict[str, str] = {
    "doc_kind": "doc_kind",
    "topic": "topic_code",
    "appeal_kind": "appeal_kind",
    "channel": "channel",
}
MIN_EXAMPLES_PER_CLASS = 3


def _head(texts, chars: int) -> list[str]:
    """The first characters of each text: character n-grams there catch OCR-damaged letterheads and kinds,
    and stay cheap to compute on a whole register."""
    return [t[:chars] for t in texts]


class TextClassifier(ClassifierMixin, BaseEstimator):
    """TF-IDF (words + character n-grams) → linear SVM, probabilities calibrated by CV (Platt scaling).

    `max_chars` cuts each text for word n-grams and `char_chars` for character n-grams: the header and
    first paragraphs say what a letter is, and it keeps fitting on tens of thousands of letters fast.
    """

    def __init__(
        self,
        max_chars: int = 2000,
        char_chars: int = 800,
        max_features: int = 30_000,
        C: float = 0.5,
        calibration_cv: int = 3,
        calibration_method: str = "sigmoid",
    ):
        self.max_chars = max_chars
        self.char_chars = char_chars
        self.max_features = max_features
        self.C = C
        self.calibration_cv = calibration_cv
        self.calibration_method = calibration_method

    def _cut(self, texts) -> list[str]:
        return [str(t or "")[: self.max_chars] for t in texts]

    def fit(self, X, y) -> TextClassifier:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion, make_pipeline
        from sklearn.preprocessing import FunctionTransformer
        from sklearn.svm import LinearSVC

        y = np.asarray([str(v) for v in y])
        self.vectorizer_ = FeatureUnion(
            [
                (
                    "words",
                    TfidfVectorizer(
                        ngram_range=(1, 2),
                        min_df=2,
                        max_features=self.max_features,
                        sublinear_tf=True,
                        lowercase=True,
                    ),
                ),
                (
                    "chars",
                    make_pipeline(
                        FunctionTransformer(_head, kw_args={"chars": self.char_chars}),
                        TfidfVectorizer(
                            analyzer="char_wb",
                            ngram_range=(3, 5),
                            min_df=3,
                            max_features=self.max_features,
                            sublinear_tf=True,
                        ),
                    ),
                ),
            ]
        )
        features = self.vectorizer_.fit_transform(self._cut(X))
        # a linear SVM is fast on hundreds of classes and sparse n-grams; Platt scaling (sigmoid) on
        # held-out folds turns its margins into probabilities
        base = LinearSVC(C=self.C)
        _, counts = np.unique(y, return_counts=True)
        cv = min(self.calibration_cv, int(counts.min())) if len(counts) > 1 else 0
        if cv >= 2:
            # ensemble=False keeps one SVM (fitted on all rows) with a calibrator learnt from out-of-fold
            # margins, instead of one SVM per fold: a third of the bundle size for the same calibration.
            self.model_ = CalibratedClassifierCV(base, method=self.calibration_method, cv=cv, ensemble=False)
        else:
            self.model_ = base
        self.model_.fit(features, y)
        _compact(self.model_)
        self.classes_ = self.model_.classes_
        self.platt_ = _platt_parameters(self.model_)
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        features = self.vectorizer_.transform(self._cut(X))
        platt = getattr(self, "platt_", None)
        if platt is None:
            return self.model_.predict_proba(features)
        # The same sigmoid-per-class and normalisation as CalibratedClassifierCV, in one vectorised step:
        # sklearn calls each of the hundreds of topic calibrators separately (~25 ms a letter).
        from scipy.special import expit

        svm, a, b = platt
        proba = expit(-(a * svm.decision_function(features) + b))
        total = proba.sum(axis=1, keepdims=True)
        uniform = np.full_like(proba, 1.0 / proba.shape[1])
        return np.where(total > 0, proba / np.where(total > 0, total, 1.0), uniform)

    def predict(self, X) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]

    def predict_one(self, text: str) -> tuple[str, float]:
        """The most probable label of one text and its calibrated probability."""
        proba = self.predict_proba([text])[0]
        best = int(proba.argmax())
        return str(self.classes_[best]), float(proba[best])


def _platt_parameters(model) -> tuple[Any, np.ndarray, np.ndarray] | None:
    """(svm, a, b) of a one-model sigmoid calibration over three or more classes, else None."""
    calibrated = getattr(model, "calibrated_classifiers_", None)
    if not calibrated or len(calibrated) != 1 or calibrated[0].method != "sigmoid":
        return None
    svm, calibrators = calibrated[0].estimator, calibrated[0].calibrators
    if len(model.classes_) < 3 or not np.array_equal(svm.classes_, model.classes_):
        return None
    a = np.array([c.a_ for c in calibrators], dtype=np.float64)
    b = np.array([c.b_ for c in calibrators], dtype=np.float64)
    return svm, a, b


def _compact(model) -> None:
    """Store the linear models' weights as float32: half the size on disk, no visible change in scores."""
    estimators = [c.estimator for c in getattr(model, "calibrated_classifiers_", [])] or [model]
    for estimator in estimators:
        if hasattr(estimator, "coef_"):
            estimator.coef_ = np.asarray(estimator.coef_, dtype=np.float32)


class TopicClassifier(TextClassifier):
    """A TextClassifier over topic codes that also remembers each code's name from the register."""

    def fit(self, X, y, names=None) -> TopicClassifier:
        super().fit(X, y)
        self.names_: dict[str, str] = {}
        if names is not None:
            for code, name in zip(y, names, strict=False):
                if name is not None and str(name) and str(code) not in self.names_:
                    self.names_[str(code)] = str(name)
        return self


def _usable(frame, column: str):
    """Rows with text and a label, labels with enough examples to learn and calibrate."""
    if column not in frame.columns or "text" not in frame.columns:
        return None
    rows = frame[frame["text"].notna() & frame[column].notna()]
    rows = rows[rows[column].astype(str).str.strip() != ""]
    counts = rows[column].astype(str).value_counts()
    keep = counts[counts >= MIN_EXAMPLES_PER_CLASS].index
    rows = rows[rows[column].astype(str).isin(keep)]
    if rows[column].astype(str).nunique() < 2:
        return None
    return rows


def fit_card_models(register: Any, **params: Any) -> dict[str, TextClassifier]:
    """Train the card classifiers from a register DataFrame (`text` plus label columns).

    Returns {"doc_kind", "topic", "appeal_kind", "channel"} → fitted estimator, for whichever label
    columns the register holds with at least two classes. `appeal_kind` is learned on appeals only (the
    rows where it is filled), so it is asked only once the document is known to be an appeal.
    """
    models: dict[str, TextClassifier] = {}
    for key, column in LABEL_COLUMNS.items():
        rows = _usable(register, column)
        if rows is None:
            continue
        texts = rows["text"].astype(str).tolist()
        labels = rows[column].astype(str).tolist()
        if key == "topic":
            names = rows["topic_name"].tolist() if "topic_name" in rows.columns else None
            models[key] = TopicClassifier(**params).fit(texts, labels, names=names)
        else:
            models[key] = TextClassifier(**params).fit(texts, labels)
    return models
