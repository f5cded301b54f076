"""Why the hybrid scored a title: per-history-title contributions, anchors and shared features.

Reasons are a step after ranking, taken only for the few titles a page
shows. :func:`contributions` splits a score into the collaborative and
content parts each history title adds; :func:`reasons` names the strongest
one as the anchor, :func:`similar` does the same for "More like this", and
:func:`explain` returns the whole split. No wording here: the site words
the anchor, the source and the shared features.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from ..histories import Query
from ..results import Recommendation, Source
from .cold import year_penalty
from .scoring import QUERY_CUTOFF, csr_rows

if TYPE_CHECKING:
    from .model import HybridRecommender

__all__ = ["contributions", "explain", "reasons", "similar"]

#: Neighbours per title without plays that the reasons look at (explain uses all).
_REASON_NEIGHBOURS = 10
#: Streaming B's rows whole for the reasons pays once the history holds more
#: than one head title in this many (a 64-byte cache line holds 16 values).
_DENSE_PICK = 32
#: Feature kinds a reason may name, most telling first.
_REASON_PREFIX = ("director=", "creator=", "cast=", "genre=", "keyword=")


def _group_sum(a: np.ndarray, grp: np.ndarray, k: int) -> np.ndarray:
    """Sum the columns of ``a`` by their (sorted) group ids ``grp`` into ``k`` columns."""
    out = np.zeros((a.shape[0], k), dtype=np.float64)
    groups, starts = np.unique(grp, return_index=True)
    out[:, groups] = np.add.reduceat(a, starts, axis=1)
    return out


def _union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.union1d`` by a sort: numpy's hashing unique takes five times as long here."""
    s = np.sort(np.concatenate([a, b]))
    return s[np.r_[True, s[1:] != s[:-1]]] if s.size else s


def _first_in_group(grp: np.ndarray, limit: int) -> np.ndarray:
    """Mask of the first ``limit`` entries of each group of a ``grp``-sorted array."""
    return np.arange(len(grp)) - np.searchsorted(grp, grp) < limit


def _add_rows(
    out: np.ndarray, rows: np.ndarray, cols: np.ndarray, values: np.ndarray, unique: bool
) -> None:
    """``out[rows, cols] += values``; unless ``unique``, ``rows`` may repeat (sums them)."""
    if unique:
        if len(cols) == out.shape[1]:  # every column, in order: whole rows
            out[rows] += values
        else:
            out[np.ix_(rows, cols)] += values
        return
    block = np.zeros((out.shape[0], len(cols)), dtype=out.dtype)
    np.add.at(block, rows, values)
    out[:, cols] += block


def _truncate(idx: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The titles of one history that enter the CF score (see ``scoring.truncate``)."""
    if idx.size == 0:
        return idx, w
    a = np.abs(w)
    keep = a >= a.max() * QUERY_CUTOFF
    return idx[keep], w[keep]


def history_rows(
    m: HybridRecommender, idx: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(head rows, weights, history position each row stands for) of one history.

    The per-title form of ``scoring.head_columns``: a title without plays
    stands for its neighbours of the cold mapping.
    """
    c = m.cf_of[idx]
    warm = c >= 0
    if warm.all():
        return c, w, idx
    cold = np.flatnonzero(~warm)
    cols, shares, grp = csr_rows(m.M, np.searchsorted(m.noncf_items, idx[cold]))
    return (
        np.concatenate([c[warm], cols]),
        np.concatenate([w[warm], (w[cold][grp] * shares).astype(w.dtype)]),
        np.concatenate([idx[warm], idx[cold][grp]]),
    )


def taste(m: HybridRecommender, q: Query, R: np.ndarray) -> np.ndarray:
    """The taste vector ``p`` (ridge feature weights) of one history over ``R``."""
    rows, w, _ = history_rows(m, q.cidx, q.cw)
    if not rows.size or R.shape[1] == 0:
        return np.zeros(R.shape[1], dtype=np.float32)
    return np.einsum("i,ij->j", w, R[rows])


def _b_times(m: HybridRecommender, rows: np.ndarray, cols: np.ndarray, W: np.ndarray):
    """``B[rows][:, cols] @ W`` for a few ``cols``, read along the rows of ``B``.

    Picking a few columns out of thousands of history rows touches one cache
    line per value. ``B[i, j] = B[j, i] d_i / d_j`` (see ``ease_weights``)
    reads the same values from ``len(cols)`` rows, as ``diag(d_rows) (W'
    diag(1/d_cols) B[cols])'`` restricted to ``rows``: the scaling goes into
    ``W``, which is small. Past one history title in ``_DENSE_PICK`` head
    titles, a sparse product streams each of those rows once, where picking
    the history's values out of them costs several times as much.
    """
    d = m.ease_d
    Wd = W / d[cols][:, None]
    if len(rows) * _DENSE_PICK > m.B.shape[1]:
        S = sp.csr_matrix(Wd.T)
        S = sp.csr_matrix((S.data, cols[S.indices], S.indptr), shape=(W.shape[1], len(d)))
        return d[rows][:, None] * np.asarray(S @ m.B)[:, rows].T
    return d[rows][:, None] * (m.B[np.ix_(cols, rows)].T @ Wd)


def contributions(m: HybridRecommender, q: Query, items: np.ndarray, exact: bool = True):
    """Per history title and target title: CF and content parts of the score.

    Rows follow the union of the truncated CF query and the content query;
    returns (history positions, cf part, content part). Works on the raw CSR
    arrays: this runs on every request. With ``exact=False`` a title without
    plays reads only its ``_REASON_NEIGHBOURS`` heaviest neighbours: enough to
    name the title that drove it, at a tenth of the reads for a long history.
    """
    idx, w = _truncate(q.idx, q.w)
    hist = _union(idx, q.cidx)
    k = len(items)
    cf_part = np.zeros((len(hist), k), dtype=np.float64)
    h_rows, h_w, src = history_rows(m, idx, w)
    # Rows repeat only where a title without plays stands for its neighbours.
    unique = bool((m.cf_of[idx] >= 0).all())
    if h_rows.size:
        at = np.searchsorted(hist, src)
        t_cf = m.cf_of[items]
        warm = np.flatnonzero(t_cf >= 0)
        if warm.size:
            sub = _b_times(m, h_rows, t_cf[warm], np.diag(m.debias[t_cf[warm]]))
            _add_rows(cf_part, at, warm, sub * h_w[:, None], unique)
        cold = np.flatnonzero(t_cf < 0)
        if cold.size:
            rows = np.searchsorted(m.noncf_items, items[cold])
            cols, vals, grp = csr_rows(m.M, rows)
            if not exact and cols.size:
                order = np.lexsort((-vals, grp))
                cols, vals, grp = cols[order], vals[order], grp[order]
                keep = _first_in_group(grp, _REASON_NEIGHBOURS)
                cols, vals, grp = cols[keep], vals[keep], grp[keep]
            if cols.size:
                # Neighbour shares as a (neighbours x targets) matrix: one
                # product instead of a copy per (neighbour, target) pair.
                ucols, at_col = np.unique(cols, return_inverse=True)
                W = np.zeros((len(ucols), cold.size), dtype=np.float32)
                np.add.at(W, (at_col.ravel(), grp), vals * m.debias[cols])
                v = _b_times(m, h_rows, ucols, W)
                _add_rows(cf_part, at, cold, v * h_w[:, None], unique)
    ct_part = np.zeros_like(cf_part)
    c, c_w, src = history_rows(m, q.cidx, q.cw)
    c_unique = bool((m.cf_of[q.cidx] >= 0).all())
    if c.size:
        at = np.searchsorted(hist, src)
        warm = m.cf_of[items] >= 0
        sides = (
            (warm, m.Fr, m.R, m.content_weight * m.content_scale),
            (~warm, m.Fcr, m.Rc, m.cold_content_weight * m.cold_scale),
        )
        for targets, F, R, gamma in sides:
            t = np.flatnonzero(targets)
            if not t.size or not R.shape[1]:
                continue
            cols, vals, grp = csr_rows(F, items[t])
            if cols.size:
                # Items share most features (genres, frequent people): read each
                # column of R once from the mapped file, then repeat it in memory.
                ucols, at_col = np.unique(cols, return_inverse=True)
                r = R[np.ix_(c, ucols)][:, at_col.ravel()]
                sims = _group_sum(r * vals[None, :], grp, t.size)
                _add_rows(ct_part, at, t, sims * c_w[:, None] * gamma, c_unique)
    return hist, cf_part, ct_part


def reasons(m: HybridRecommender, top: np.ndarray, q: Query):
    """Per recommended position: (anchor history position or None, source)."""
    if top.size == 0 or q.idx.size == 0:
        return [None] * len(top), [Source.POPULARITY] * len(top)
    hist, cf_part, ct_part = contributions(m, q, top, exact=False)
    total = cf_part + ct_part
    # One pass for all columns. Column sums are taken over contiguous rows of
    # the transposes: the same pairwise sums, in the same order, as summing
    # each column on its own.
    best = np.argmax(total, axis=0)
    positive = total[best, np.arange(len(top))] > 0
    is_cf = (
        np.ascontiguousarray(cf_part.T).sum(axis=1) >= np.ascontiguousarray(ct_part.T).sum(axis=1)
    ) & (m.cf_of[top] >= 0)
    anchors = [int(h) if ok else None for h, ok in zip(hist[best].tolist(), positive.tolist())]
    sources = [Source.COLLABORATIVE if cf else Source.CONTENT for cf in is_cf.tolist()]
    return anchors, sources


def _reason_rank(m: HybridRecommender) -> np.ndarray:
    """Per content feature, the index of its kind in _REASON_PREFIX (-1: never named).

    Worked out once per vocabulary rather than by string tests on every reason.
    """
    names = m._content.feature_names
    cached = getattr(m, "_reason_rank_cache", None)
    if cached is None or cached[0] is not names:
        rank = np.full(len(names), -1, dtype=np.int64)
        for c, name in enumerate(names):
            if name.startswith(_REASON_PREFIX):
                rank[c] = [name.startswith(p) for p in _REASON_PREFIX].index(True)
        cached = m._reason_rank_cache = (names, rank)
    return cached[1]


def shared_features(
    m: HybridRecommender, a: int, items: np.ndarray, limit: int = 3
) -> list[tuple[str, ...]]:
    """Per title of ``items``: up to ``limit`` reason features it shares with title ``a``.

    People first, then genres, then keywords; within a kind, by feature
    column. All titles at once, straight from the CSR arrays.
    """
    if not m.F.shape[1] or not len(items):
        return [() for _ in range(len(items))]
    ptr, ind = m.F.indptr, m.F.indices
    in_anchor = np.zeros(m.F.shape[1], dtype=bool)
    in_anchor[ind[ptr[a] : ptr[a + 1]]] = True
    cols, _, grp = csr_rows(m.F, np.asarray(items))
    rank = _reason_rank(m)[cols]
    keep = in_anchor[cols] & (rank >= 0)
    cols, grp, rank = cols[keep], grp[keep], rank[keep]
    order = np.lexsort((cols, rank, grp))
    cols, grp = cols[order], grp[order]
    keep = _first_in_group(grp, limit)
    names = m._content.feature_names
    out: list[list[str]] = [[] for _ in range(len(items))]
    for g, c in zip(grp[keep].tolist(), cols[keep].tolist()):
        out[g].append(names[c])
    return [tuple(o) for o in out]


def similar(m: HybridRecommender, top: np.ndarray, scores: np.ndarray, anchor: int):
    """The reasons step of ``similar_items``: co-watching or shared features."""
    if top.size == 0:
        return []
    _, cf_part, ct_part = contributions(m, Query.of_item(anchor), top)
    item_ids = np.asarray(m.item_ids)
    anchor_id = int(item_ids[anchor])
    out = []
    for col, (j, item, score, shared) in enumerate(
        zip(
            top.tolist(),
            item_ids[top].tolist(),
            scores[top].tolist(),
            shared_features(m, anchor, top),
        )
    ):
        co = (
            cf_part[0, col] > 0
            and m.cf_of[j] >= 0
            and m.cf_of[anchor] >= 0  # nobody has watched a cold anchor yet
            and cf_part[0, col] >= ct_part[0, col]
        )
        source = Source.COLLABORATIVE if co else Source.CONTENT
        out.append(Recommendation(item, score, source, anchor_id, True, shared))
    return out


def explain(m: HybridRecommender, q: Query, pos: int, item_id: int, top: int) -> dict:
    """See ``HybridRecommender.explain``."""
    if q.idx.size == 0:
        return {
            "item_id": int(item_id),
            "score": 0.0,
            "popularity_prior": 0.0,
            "collaborative": 0.0,
            "content": 0.0,
            "because": [],
            "features": [],
        }
    hist, cf_part, ct_part = contributions(m, q, np.array([pos]))
    total = (cf_part + ct_part)[:, 0]
    prior = 0.0
    if m.cf_of[pos] < 0:
        prior = float(m.cold_pop_weight * m.cf_spread * m.prior[pos])
        if m.cold_year_weight:
            col = int(np.searchsorted(m.noncf_items, pos))
            liked = q.idx[q.raw > 0]
            newest = float(m.item_year[liked].max()) if liked.size else 0.0
            prior -= float(year_penalty(m, np.array([newest], dtype=np.float32))[0, col])
    order = np.argsort(-total)[:top]
    feats = []
    if m.cf_of[pos] >= 0:
        F, R, cols, names = m.Fr, m.R, m.ridge_cols, m._content.feature_names
    else:
        F, R, cols, names = m.Fcr, m.Rc, m.cold_cols, m._cold_content.feature_names
    if R.shape[1]:
        p = taste(m, q, R)
        row = F[pos]
        contrib = row.data * p[row.indices]
        for c in np.argsort(-contrib)[:top].tolist():
            if contrib[c] > 0:
                feats.append({"feature": names[cols[row.indices[c]]], "weight": float(contrib[c])})
    return {
        "item_id": int(item_id),
        "score": float(total.sum() + prior),
        "popularity_prior": float(prior),
        "collaborative": float(cf_part.sum()),
        "content": float(ct_part.sum()),
        "because": [
            {"item_id": int(m.item_ids[hist[i]]), "contribution": float(total[i])}
            for i in order.tolist()
        ],
        "features": feats,
    }
