"""Built-in baselines, with the same API as the hybrid model.

- :class:`PopularityRecommender`: most watched titles first, for everyone.
- :class:`ItemKNNRecommender`: cosine item-item similarity over the feedback
  matrix, ``k`` nearest neighbours kept per title; a profile's score for ``j``
  is the weighted sum of ``j``'s similarities to what it watched.
- :class:`ContentRecommender`: a profile's TF-IDF taste vector against every
  title's vector.

Each is also the shortest example of the four methods a model implements.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp

from .base import BaseRecommender
from .collaborative import cosine_knn
from .content import ContentModel, align_features
from .histories import Histories, Query
from .results import Source

__all__ = ["ContentRecommender", "ItemKNNRecommender", "PopularityRecommender"]


def _csr(meta_shape: tuple[int, int], arrays: Mapping[str, np.ndarray], name: str):
    return sp.csr_matrix(
        (arrays[f"{name}_data"], arrays[f"{name}_indices"], arrays[f"{name}_indptr"]),
        shape=meta_shape,
    )


def _strongest(contrib: np.ndarray, idx: np.ndarray) -> list[int | None]:
    """Per column of (history x targets) ``contrib``: the history position that adds most."""
    return [int(idx[np.argmax(c)]) if c.max() > 0 else None for c in contrib.T]


class PopularityRecommender(BaseRecommender):
    """Ranks titles by the number of profiles with positive feedback."""

    name = "Popularity"
    param_names = ()

    def __init__(self):
        super().__init__(None)

    def fit(self, interactions, features=None, progress=None) -> PopularityRecommender:
        _, report = self._prepare(interactions, features, progress)
        return self._fitted(report)

    def score(self, histories: Histories) -> np.ndarray:
        n = histories.weights.shape[0]
        return np.tile(self.pop.astype(np.float32), (n, 1))

    def to_arrays(self):
        return self._index_arrays()

    @classmethod
    def from_arrays(cls, meta, arrays) -> PopularityRecommender:
        return cls._from_index(meta, arrays)


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

    def fit(self, interactions, features=None, progress=None) -> ItemKNNRecommender:
        X, report = self._prepare(interactions, features, progress)
        self.S = cosine_knn(X.maximum(0).tocsr(), self.k)
        report("knn", 0.9)
        return self._fitted(report)

    def score(self, histories: Histories) -> np.ndarray:
        return np.asarray((histories.weights @ self.S).toarray(), dtype=np.float32)

    def reasons(self, top, q: Query):
        if q.idx.size == 0 or top.size == 0:
            return super().reasons(top, q)
        contrib = self.S[q.idx][:, top].toarray() * q.w[:, None]
        return _strongest(contrib, q.idx), [Source.COLLABORATIVE] * len(top)

    def to_arrays(self):
        meta, arrays = self._index_arrays()
        arrays.update(S_indptr=self.S.indptr, S_indices=self.S.indices, S_data=self.S.data)
        return meta, arrays

    @classmethod
    def from_arrays(cls, meta, arrays) -> ItemKNNRecommender:
        model = cls._from_index(meta, arrays)
        model.S = _csr((model.n_items, model.n_items), arrays, "S")
        return model


class ContentRecommender(BaseRecommender):
    """Content only: a profile's TF-IDF taste vector against every title's vector."""

    name = "Content-TFIDF"
    param_names = ()

    def __init__(self):
        super().__init__(None)

    def fit(self, interactions, features=None, progress=None) -> ContentRecommender:
        _, report = self._prepare(interactions, features, progress)
        self._content = ContentModel()
        self.F = self._content.fit_transform(align_features(features, self.item_ids)).tocsr()
        report("content", 0.9)
        return self._fitted(report)

    def score(self, histories: Histories) -> np.ndarray:
        if self.F.shape[1] == 0:
            return np.zeros((histories.weights.shape[0], self.n_items), dtype=np.float32)
        return np.asarray(((histories.weights @ self.F) @ self.F.T).toarray(), dtype=np.float32)

    def reasons(self, top, q: Query):
        if q.idx.size == 0 or top.size == 0:
            return super().reasons(top, q)
        contrib = (self.F[q.idx] @ self.F[top].T).toarray() * q.w[:, None]
        return _strongest(contrib, q.idx), [Source.CONTENT] * len(top)

    def to_arrays(self):
        meta, arrays = self._index_arrays()
        meta.update(content=self._content.get_state(), n_features=int(self.F.shape[1]))
        arrays.update(F_indptr=self.F.indptr, F_indices=self.F.indices, F_data=self.F.data)
        return meta, arrays

    @classmethod
    def from_arrays(cls, meta, arrays) -> ContentRecommender:
        model = cls._from_index(meta, arrays)
        model._content = ContentModel.from_state(meta["content"])
        model.F = _csr((model.n_items, meta["n_features"]), arrays, "F")
        return model
