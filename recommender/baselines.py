"""Built-in baselines, with the same API as the hybrid model.

- :class:`PopularityRecommender`: most watched titles first, for everyone.
- :class:`ItemKNNRecommender`: cosine item-item similarity over the feedback
  matrix, ``k`` nearest neighbours kept per title; a profile's score for ``j``
  is the weighted sum of ``j``'s similarities to what it watched.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp

from .base import BaseRecommender, Query
from .collaborative import cosine_knn

__all__ = ["ContentRecommender", "ItemKNNRecommender", "PopularityRecommender"]


class PopularityRecommender(BaseRecommender):
    """Ranks titles by the number of profiles with positive feedback."""

    name = "Popularity"
    param_names = ()

    def __init__(self):
        super().__init__(None)

    def _fit_model(self, X, features, report) -> None:
        pass

    def _score(self, q: Query) -> np.ndarray:
        return self.pop.astype(np.float32)


class ItemKNNRecommender(BaseRecommender):
    """Cosine item-kNN.

    Parameters
    ----------
    k : int
        Neighbours kept per title.
    """

    name = "ItemKNN-cosine"
    param_names = ("k",)

    def __init__(self, k: int = 50):
        super().__init__(None)
        if k < 1:
            raise ValueError("k must be >= 1; try 20-200.")
        self.k = int(k)

    def _fit_model(self, X, features, report) -> None:
        Xpos = X.maximum(0).tocsr()
        self.S = cosine_knn(Xpos, self.k)
        report("knn", 1.0)

    def _score(self, q: Query) -> np.ndarray:
        return np.asarray(self.S[q.idx].T @ q.w, dtype=np.float32).ravel()

    def _reasons(self, top, q: Query):
        idx = q.idx
        if idx.size == 0 or top.size == 0:
            return super()._reasons(top, q)
        contrib = self.S[idx][:, top].toarray() * q.w[:, None]
        anchors = [int(idx[np.argmax(c)]) if c.max() > 0 else None for c in contrib.T]
        return anchors, ["collaborative"] * len(top)

    def _arrays(self) -> dict[str, np.ndarray]:
        arrays = super()._arrays()
        arrays.update(
            {"S_indptr": self.S.indptr, "S_indices": self.S.indices, "S_data": self.S.data}
        )
        return arrays

    def _restore(self, meta: Mapping, arrays: Mapping[str, np.ndarray]) -> None:
        super()._restore(meta, arrays)
        n = len(self.item_ids)
        self.S = sp.csr_matrix(
            (arrays["S_data"], arrays["S_indices"], arrays["S_indptr"]), shape=(n, n)
        )


class ContentRecommender(BaseRecommender):
    """Content only: a profile's TF-IDF taste vector against every title's vector."""

    name = "Content-TFIDF"
    param_names = ()

    def __init__(self):
        super().__init__(None)

    def _fit_model(self, X, features, report) -> None:
        from .content import ContentModel
        from .hybrid import _align_features

        self._content = ContentModel()
        self.F = self._content.fit_transform(_align_features(features, self.item_ids)).tocsr()
        report("content", 1.0)

    def _score(self, q: Query) -> np.ndarray:
        if self.F.shape[1] == 0:
            return np.zeros(self.n_items, dtype=np.float32)
        p = np.asarray(self.F[q.idx].T @ q.w).ravel()
        return np.asarray(self.F @ p, dtype=np.float32).ravel()

    def score_users(self, rows: np.ndarray) -> np.ndarray:
        Q = self._hist[np.asarray(rows)]
        return np.asarray(((Q @ self.F) @ self.F.T).toarray(), dtype=np.float32)

    def _reasons(self, top, q: Query):
        idx = q.idx
        if idx.size == 0 or top.size == 0:
            return super()._reasons(top, q)
        contrib = (self.F[idx] @ self.F[top].T).toarray() * q.w[:, None]
        anchors = [int(idx[np.argmax(c)]) if c.max() > 0 else None for c in contrib.T]
        return anchors, ["content"] * len(top)

    def _arrays(self) -> dict[str, np.ndarray]:
        arrays = super()._arrays()
        arrays.update(
            {"F_indptr": self.F.indptr, "F_indices": self.F.indices, "F_data": self.F.data}
        )
        return arrays

    def _meta(self) -> dict:
        return dict(
            super()._meta(), content=self._content.get_state(), n_features=int(self.F.shape[1])
        )

    def _restore(self, meta: Mapping, arrays: Mapping[str, np.ndarray]) -> None:
        from .content import ContentModel

        super()._restore(meta, arrays)
        self._content = ContentModel.from_state(meta["content"])
        self.F = sp.csr_matrix(
            (arrays["F_data"], arrays["F_indices"], arrays["F_indptr"]),
            shape=(len(self.item_ids), meta["n_features"]),
        )
