"""Histories as the models read them: one profile's (:class:`Query`) or a batch (:class:`Histories`).

A history holds three weights per title: the feedback weight decayed by
recency (what collaborative scores read), the undecayed weight (its sign
says liked or disliked), and the undecayed weight of only the most recent
``content_history`` titles (the content taste, which is long-term). Models
score batches; a single profile is a batch of one, so there is one scoring
path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from .data import Interactions

__all__ = ["Histories", "History", "Query", "build_histories", "decay", "parse_history"]

History = Mapping[int, float] | Sequence[int] | Sequence[tuple[int, float]]


class Histories(NamedTuple):
    """A batch of histories, one row each over the model's items (CSR, float32).

    ``weights``: recency-decayed feedback; ``raw``: the same titles undecayed;
    ``recent``: undecayed, the most recent ``content_history`` titles only.
    """

    weights: sp.csr_matrix
    raw: sp.csr_matrix
    recent: sp.csr_matrix


class Query(NamedTuple):
    """One history as item positions and weights (see :class:`Histories`).

    ``idx``/``w``/``raw``: every title, decayed and undecayed weights;
    ``cidx``/``cw``: the most recent ``content_history`` titles, undecayed.
    """

    idx: np.ndarray
    w: np.ndarray
    cidx: np.ndarray
    cw: np.ndarray
    raw: np.ndarray

    @classmethod
    def empty(cls) -> Query:
        """A query with no items."""
        i, f = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        return cls(i, f, i, f, f)

    @classmethod
    def of_item(cls, pos: int) -> Query:
        """A history of one title, weight 1 (what "More like this" scores)."""
        one, a = np.ones(1, dtype=np.float32), np.array([pos], dtype=np.int64)
        return cls(a, one, a, one, one)

    def batch(self, n_items: int) -> Histories:
        """This history as a batch of one."""

        def row(idx: np.ndarray, w: np.ndarray) -> sp.csr_matrix:
            indptr = np.array([0, len(idx)], dtype=np.int64)
            return sp.csr_matrix((w.astype(np.float32), idx, indptr), shape=(1, n_items))

        return Histories(row(self.idx, self.w), row(self.idx, self.raw), row(self.cidx, self.cw))


def parse_history(
    history: History,
    item_ids: np.ndarray,
    half_life: float | None,
    content_history: int,
) -> Query:
    """An ad-hoc history (oldest first) as a :class:`Query`, recency-weighted by order.

    Unknown ids are dropped; a title listed twice keeps its last entry.
    """
    if isinstance(history, Mapping):
        ids, ws = list(history.keys()), [float(v) for v in history.values()]
    else:
        ids, ws = [], []
        for entry in history:
            if isinstance(entry, tuple | list):
                ids.append(int(entry[0]))
                ws.append(float(entry[1]))
            else:
                ids.append(int(entry))
                ws.append(1.0)
    raw = np.asarray(ws, dtype=np.float32)
    w = raw
    if half_life is not None and len(w):
        w = w * (0.5 ** (np.arange(len(w))[::-1] / half_life)).astype(np.float32)
    ids = np.asarray(ids, dtype=np.int64)
    n_items = len(item_ids)
    if ids.size == 0 or n_items == 0:
        return Query.empty()
    pos = np.minimum(np.searchsorted(item_ids, ids), n_items - 1)
    ok = item_ids[pos] == ids
    pos, w, raw = pos[ok], w[ok], raw[ok]
    if len(np.unique(pos)) < len(pos):  # a title listed twice: keep its last entry
        last = np.sort(len(pos) - 1 - np.unique(pos[::-1], return_index=True)[1])
        pos, w, raw = pos[last], w[last], raw[last]
    n = content_history
    return Query(pos, w, pos[-n:], raw[-n:], raw)


def build_histories(
    inter: Interactions, users: np.ndarray, items: np.ndarray, content_history: int
) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
    """Per-user feedback (users x items), its recent part, and each entry's rank from the end.

    Returns ``(raw, recent, rank_from_end)``: ``rank_from_end`` is aligned
    with ``raw.data`` (0 for each user's newest title) and feeds :func:`decay`.
    """
    raw = inter.to_csr(users, items, dtype=np.float32)
    pair_ts = _max_duplicates(inter, users, items)
    rows = np.repeat(np.arange(raw.shape[0]), np.diff(raw.indptr))
    order = np.lexsort((raw.indices, pair_ts, rows))
    rank = np.empty(raw.nnz, dtype=np.int64)
    rank[order] = np.arange(raw.nnz) - raw.indptr[rows[order]]
    rank_from_end = (np.diff(raw.indptr)[rows] - 1 - rank).astype(np.float32)
    keep = rank_from_end < content_history
    recent = sp.csr_matrix((raw.data[keep], (rows[keep], raw.indices[keep])), shape=raw.shape)
    return raw, recent, rank_from_end


def decay(raw: sp.csr_matrix, rank_from_end: np.ndarray, half_life: float | None) -> sp.csr_matrix:
    """Apply the recency half life (in titles, from each user's newest) to ``raw``."""
    if half_life is None:
        return raw
    data = raw.data * (0.5 ** (rank_from_end / half_life))
    return sp.csr_matrix((data.astype(np.float32), raw.indices, raw.indptr), shape=raw.shape)


def _max_duplicates(inter: Interactions, users: np.ndarray, items: np.ndarray) -> np.ndarray:
    """Per stored CSR entry (row-major, sorted indices), the pair's latest timestamp."""
    u = np.searchsorted(users, inter.user_ids)
    i = np.searchsorted(items, inter.item_ids)
    key = u * len(items) + i
    order = np.lexsort((inter.timestamps, key))
    key_s = key[order]
    last = np.r_[key_s[1:] != key_s[:-1], True]
    return inter.timestamps[order][last]
