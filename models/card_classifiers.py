"""Card classifiers learned from the register: document kind, topic, appeal kind, channel.

Each is a scikit-learn estimator over the letter's text: TF-IDF word n-grams plus character n-grams of the
head (one vectoriser shared by the four models, so a letter and a register are vectorised once), a linear
SVM trained by SGD, and Platt probabilities fitted on the newest slice of the training rows, so a card
field carries a probability the clerk can trust and the card abstains below the configured threshold.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

# Register columns the card models are trained on: model key -> label column.
LABEL_COLUMNS: dict[str, str] = {
    "doc_kind": "doc_kind",
    "topic": "topic_code",
    "appeal_kind": "appeal_kind",
    "channel": "channel",
}
MIN_EXAMPLES_PER_CLASS = 3
MIN_CALIBRATION_ROWS = 30
# The newest rows of the register the card models learn from: fitting stays about a minute of CPU on a
# 100k-row register, and the latest letters are the ones like tomorrow's.
MAX_ROWS = 20_000
_VECTORIZER_PARAMS = ("max_chars", "char_chars", "max_features", "char_features")


def _head(texts, chars: int) -> list[str]:
    """Kept for bundles pickled before CardVectorizer (their FeatureUnion refers to it by name)."""
    return [t[:chars] for t in texts]


class CardVectorizer(TransformerMixin, BaseEstimator):
    """TF-IDF of word uni- and bigrams over the first `max_chars` characters, plus character 3–4-grams of
    the first `char_chars` (OCR-damaged letterheads and headings), as float32 for a cheap dot product.

    `transform` of a single text remembers its result: the card asks four models about the same letter.
    """

    def __init__(
        self,
        max_chars: int = 2000,
        char_chars: int = 300,
        max_features: int = 40_000,
        char_features: int = 10_000,
    ):
        self.max_chars = max_chars
        self.char_chars = char_chars
        self.max_features = max_features
        self.char_features = char_features

    def fit(self, X, y=None) -> CardVectorizer:
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [str(t or "") for t in X]
        self.words_ = TfidfVectorizer(
            ngram_range=(1, 2),
            min_df=2,
            max_features=self.max_features,
            sublinear_tf=True,
            dtype=np.float32,
        )
        self.chars_ = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 4),
            min_df=3,
            max_features=self.char_features,
            sublinear_tf=True,
            dtype=np.float32,
        )
        words = self.words_.fit_transform([t[: self.max_chars] for t in texts])
        chars = self.chars_.fit_transform([t[: self.char_chars] for t in texts])
        return hstack([words, chars], format="csr", dtype=np.float32)

    def transform(self, X):
        from scipy.sparse import hstack

        check_is_fitted(self, "words_")
        texts = [str(t or "") for t in X]
        memo = getattr(self, "_memo", None)
        if len(texts) == 1 and memo is not None and memo[0] == texts[0]:
            return memo[1]
        words = self.words_.transform([t[: self.max_chars] for t in texts])
        chars = self.chars_.transform([t[: self.char_chars] for t in texts])
        features = hstack([words, chars], format="csr", dtype=np.float32)
        if len(texts) == 1:
            self._memo = (texts[0], features)
        return features

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_memo", None)
        return state


class TextClassifier(ClassifierMixin, BaseEstimator):
    """CardVectorizer → linear SVM (SGD, hinge loss) → per-class Platt sigmoids, normalised.

    Rows are taken to be in time order: the SVM learns from the older `1 - calibration_share`, the
    sigmoids from the newest slice (as the model will meet later letters). A fitted `vectorizer` may be
    given to share one across models; `fit(..., features=...)` then skips vectorising again.
    """

    def __init__(
        self,
        max_chars: int = 2000,
        char_chars: int = 300,
        max_features: int = 40_000,
        char_features: int = 10_000,
        alpha: float = 3e-4,
        epochs: int = 5,
        calibration_share: float = 0.1,
        vectorizer: CardVectorizer | None = None,
        random_state: int = 0,
    ):
        self.max_chars = max_chars
        self.char_chars = char_chars
        self.max_features = max_features
        self.char_features = char_features
        self.alpha = alpha
        self.epochs = epochs
        self.calibration_share = calibration_share
        self.vectorizer = vectorizer
        self.random_state = random_state

    def fit(self, X, y, features=None) -> TextClassifier:
        from sklearn.linear_model import SGDClassifier

        y = np.asarray([str(v) for v in y])
        if self.vectorizer is not None:
            self.vectorizer_ = self.vectorizer
            if features is None:
                features = self.vectorizer_.transform(X)
        else:
            self.vectorizer_ = CardVectorizer(**{k: getattr(self, k) for k in _VECTORIZER_PARAMS})
            features = self.vectorizer_.fit_transform(X)
        n_calibration = int(len(y) * self.calibration_share)
        if n_calibration >= MIN_CALIBRATION_ROWS and len(set(y[:-n_calibration])) == len(set(y)):
            train, calibration = slice(0, len(y) - n_calibration), slice(len(y) - n_calibration, len(y))
        else:  # too few rows to hold some out: the sigmoids are fitted on the training margins
            train = calibration = slice(0, len(y))
        svm = SGDClassifier(
            loss="hinge",
            alpha=self.alpha,
            max_iter=self.epochs,
            tol=None,
            random_state=self.random_state,
        )
        svm.fit(features[train], y[train])
        self.model_ = svm
        self.classes_ = svm.classes_
        coef = np.asarray(svm.coef_, dtype=np.float32)
        intercept = np.asarray(svm.intercept_, dtype=np.float64)
        if len(self.classes_) == 2:  # one margin for the second class; the first gets its negation
            coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
        margins = _margins(features[calibration], coef, intercept)
        a, b = _platt(margins, y[calibration][:, None] == self.classes_[None, :])
        self.platt_ = (coef, intercept, a, b)
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        if isinstance(self.vectorizer_, CardVectorizer):
            features = self.vectorizer_.transform(X)
        else:  # a bundle trained before CardVectorizer: its own FeatureUnion over the cut texts
            features = self.vectorizer_.transform([str(t or "")[: self.max_chars] for t in X])
        platt = getattr(self, "platt_", None)
        if platt is None:
            return self.model_.predict_proba(features)
        # a sigmoid per class over the SVM's margin, normalised over the classes (as sklearn's
        # CalibratedClassifierCV does), in one vectorised step
        from scipy.special import expit

        if len(platt) == 3:  # an older bundle's (svm, a, b)
            svm, a, b = platt
            margins = svm.decision_function(features)
        else:
            coef, intercept, a, b = platt
            margins = _margins(features, coef, intercept)
        proba = expit(-(a * margins + b))
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


def _margins(features, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """The SVM's margins, classes x features weights: for one letter only the weight columns of its few
    hundred non-zero features are read (scipy's sparse product would copy the transposed weights)."""
    if features.shape[0] == 1:
        row = features.tocsr()
        return (coef[:, row.indices] @ row.data)[None, :] + intercept
    return np.asarray(features @ coef.T) + intercept


def _platt(margins: np.ndarray, truth: np.ndarray, min_positives: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Platt's sigmoid P(class | margin) = 1 / (1 + exp(a * margin + b)) by logistic regression on the
    held-out margins: one per class with enough held-out examples of its own, and one fitted on all
    classes' margins pooled for the rest (most of the hundreds of topics)."""
    from sklearn.linear_model import LogisticRegression

    def fit(x: np.ndarray, target: np.ndarray) -> tuple[float, float]:
        model = LogisticRegression(C=100.0).fit(x.reshape(-1, 1), target)
        return -float(model.coef_[0, 0]), -float(model.intercept_[0])

    pooled = fit(margins.ravel(), truth.ravel()) if 0 < truth.sum() < truth.size else (-1.0, 0.0)
    a = np.full(margins.shape[1], pooled[0])
    b = np.full(margins.shape[1], pooled[1])
    for k in range(margins.shape[1]):
        positives = int(truth[:, k].sum())
        if positives >= min_positives and len(truth) - positives >= min_positives:
            a[k], b[k] = fit(margins[:, k], truth[:, k])
    return a, b


class TopicClassifier(TextClassifier):
    """A TextClassifier over topic codes that also remembers each code's name from the register."""

    def fit(self, X, y, names=None, features=None) -> TopicClassifier:
        super().fit(X, y, features=features)
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


def fit_card_models(
    register: Any, max_rows: int | None = MAX_ROWS, **params: Any
) -> dict[str, TextClassifier]:
    """Train the card classifiers from a register DataFrame (`text` plus label columns).

    Returns {"doc_kind", "topic", "appeal_kind", "channel"} → fitted estimator, for whichever label
    columns the register holds with at least two classes. Rows are put in registration order (the newest
    calibrate), `max_rows` keeps only the newest (None: all). One vectoriser is fitted and shared by all four.
    `appeal_kind` is learned on appeals only (the rows where it is filled), so it is asked only once the
    document is known to be an appeal.
    """
    frame = register[register["text"].notna()] if "text" in register.columns else register
    if "reg_date" in frame.columns:
        frame = frame.sort_values("reg_date", kind="stable")
    if max_rows:
        frame = frame.iloc[-max_rows:]
    frame = frame.reset_index(drop=True)
    usable = {key: _usable(frame, column) for key, column in LABEL_COLUMNS.items()}
    usable = {key: rows for key, rows in usable.items() if rows is not None}
    if not usable:
        return {}
    vectorizer = CardVectorizer(**{k: params[k] for k in _VECTORIZER_PARAMS if k in params})
    features = vectorizer.fit_transform(frame["text"].astype(str).tolist())
    models: dict[str, TextClassifier] = {}
    for key, rows in usable.items():
        texts = rows["text"].astype(str).tolist()
        labels = rows[LABEL_COLUMNS[key]].astype(str).tolist()
        subset = features[rows.index.to_numpy()]
        if key == "topic":
            names = rows["topic_name"].tolist() if "topic_name" in rows.columns else None
            model = TopicClassifier(vectorizer=vectorizer, **params)
            models[key] = model.fit(texts, labels, names=names, features=subset)
        else:
            models[key] = TextClassifier(vectorizer=vectorizer, **params).fit(texts, labels, features=subset)
    return models
