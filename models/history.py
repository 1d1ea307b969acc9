"""What the register itself says about a suggestion: usual co-executors, and the most similar past letters
(the reasons shown to the clerk)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted


def split_ids(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and value != value):
        return []
    return [p.strip() for p in str(value).split(";") if p.strip() and p.strip() != "nan"]


class CoexecutorModel(BaseEstimator):
    """Co-executors the register shows with a main executor on a topic, kept when they appear in at least
    `min_share` of those letters (recent letters only: `recent` per key)."""

    def __init__(self, min_share: float = 0.5, max_coexecutors: int = 3, recent: int = 200):
        self.min_share = min_share
        self.max_coexecutors = max_coexecutors
        self.recent = recent

    def fit(self, rows: list[dict]) -> CoexecutorModel:
        seen: dict[tuple, list[list[str]]] = defaultdict(list)
        for row in rows:  # rows in time order
            main = str(row.get("executor_id"))
            co = split_ids(row.get("coexecutor_ids"))
            author = row.get("resolution_author_id")
            for key in self._keys(main, author, row.get("topic_code"), row.get("doc_kind")):
                seen[key].append(co)
        self.table_ = {}
        for key, lists in seen.items():
            lists = lists[-self.recent :]
            counter = Counter(c for co in lists for c in set(co))
            n = len(lists)
            self.table_[key] = (n, [(c, k / n) for c, k in counter.most_common(self.max_coexecutors)])
        return self

    @staticmethod
    def _keys(main, author, topic, kind):
        return (
            ("aet", author, main, topic, kind),
            ("ae", author, main),
            ("et", main, topic, kind),
            ("e", main),
        )

    def predict_one(
        self, main: str, topic: str | None, kind: str | None, author: str | None = None
    ) -> list[tuple[str, float]]:
        check_is_fitted(self, "table_")
        for key in self._keys(main, author, topic, kind):
            if key in self.table_ and self.table_[key][0] >= 3:
                return [(c, s) for c, s in self.table_[key][1] if s >= self.min_share and c != main]
        return []


class SimilarLetters(BaseEstimator):
    """A compact cosine-similarity index over the newest letters' word TF-IDF vectors."""

    def __init__(self, max_letters: int = 8000, terms_per_letter: int = 40):
        self.max_letters = max_letters
        self.terms_per_letter = terms_per_letter

    def fit(self, matrix, labels: list[tuple[str, str, date | None]]) -> SimilarLetters:
        """matrix: L2-normalised rows; labels: (reference, executor id, registration date) per row."""
        from scipy import sparse

        matrix = sparse.csr_matrix(matrix[-self.max_letters :], dtype=np.float32)
        labels = labels[-self.max_letters :]
        rows, cols, vals = [], [], []
        for i in range(matrix.shape[0]):
            start, end = matrix.indptr[i], matrix.indptr[i + 1]
            data, idx = matrix.data[start:end], matrix.indices[start:end]
            keep = np.argsort(-data)[: self.terms_per_letter]
            norm = np.linalg.norm(data[keep]) or 1.0
            rows.extend([i] * len(keep))
            cols.extend(idx[keep])
            vals.extend(data[keep] / norm)
        pruned = sparse.csr_matrix((vals, (rows, cols)), shape=matrix.shape, dtype=np.float32)
        self.index_ = pruned.T.tocsr()
        self.labels_ = labels
        return self

    def query(self, vector, k: int = 3) -> list[tuple[str, str, date | None, float]]:
        check_is_fitted(self, "index_")
        scores = np.asarray((vector @ self.index_).todense()).ravel()
        if not scores.size:
            return []
        top = np.argpartition(-scores, min(k, scores.size - 1))[:k]
        top = top[np.argsort(-scores[top])]
        return [(*self.labels_[i], float(scores[i])) for i in top if scores[i] > 0]
