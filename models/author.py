"""Who writes the resolution: the addressee often hands a letter to the deputy who supervises its matter,
so the author is predicted from the letter and its card (the ranker's letter vectors, without the author
tokens), not read off the addressee."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted


class AuthorModel(ClassifierMixin, BaseEstimator):
    """fit(X, author_ids) → predict(X); a linear model (SGD, logistic loss) over sparse letter vectors."""

    def __init__(self, alpha: float = 2e-5, epochs: int = 5, random_state: int = 0):
        self.alpha = alpha
        self.epochs = epochs
        self.random_state = random_state

    def fit(self, X: Any, y: Sequence[str]) -> AuthorModel:
        y = np.asarray([str(v) for v in y])
        self.classes_ = np.unique(y)
        if len(self.classes_) == 1:
            self.model_ = None
            return self
        from sklearn.linear_model import SGDClassifier

        model = SGDClassifier(loss="log_loss", alpha=self.alpha, random_state=self.random_state)
        for _ in range(self.epochs):
            model.partial_fit(X, y, classes=self.classes_)
        model.coef_ = np.asfortranarray(model.coef_, dtype=np.float32)
        self.model_ = model
        return self

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "classes_")
        if self.model_ is None:
            return np.repeat(self.classes_[:1], X.shape[0])
        return self.model_.predict(X)
