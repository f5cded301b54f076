"""The hybrid model's score, for a batch of histories: the one scoring path.

``recommend`` scores a batch of one, the offline evaluation a few hundred
profiles at once, calibration two hundred; all go through :func:`score`.
The formula is in the docstring of :mod:`recommender.hybrid.model`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from ..collaborative import ease_dual_scores
from ..histories import Histories
from .cold import cold_prior, year_penalty

if TYPE_CHECKING:
    from .model import HybridRecommender

__all__ = ["QUERY_CUTOFF", "csr_rows", "parts", "score"]

#: Titles whose recency weight falls below this share of the newest title's are
#: left out of the collaborative score: it bounds the time per request.
QUERY_CUTOFF = 2.0**-10
#: Rows of ``B`` read at once for one history.
_CF_BLOCK = 256


def csr_rows(m: sp.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(column, value, position in ``rows``) of every stored entry of the given rows."""
    starts, ends = m.indptr[rows], m.indptr[np.asarray(rows) + 1]
    lens = ends - starts
    if lens.sum() == 0:
        e = np.empty(0, dtype=np.int64)
        return e, np.empty(0, dtype=np.float32), e
    grp = np.repeat(np.arange(len(rows)), lens)
    flat = np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens) + np.repeat(starts, lens)
    return m.indices[flat].astype(np.int64), m.data[flat], grp


def _row_of_entries(W: sp.csr_matrix) -> np.ndarray:
    return np.repeat(np.arange(W.shape[0]), np.diff(W.indptr))


def _row_max(values: np.ndarray, W: sp.csr_matrix) -> np.ndarray:
    """Per row of ``W``, the largest of ``values`` (aligned with ``W.data``); 0 for empty rows."""
    out = np.zeros(W.shape[0], dtype=values.dtype)
    nz = np.diff(W.indptr) > 0
    if values.size:
        out[nz] = np.maximum.reduceat(values, W.indptr[:-1][nz])
    return out


def truncate(W: sp.csr_matrix) -> sp.csr_matrix:
    """``W`` without the entries below ``QUERY_CUTOFF`` of their row's largest weight."""
    if not W.nnz:
        return W
    a = np.abs(W.data)
    if W.shape[0] == 1:  # one history: no per-row bookkeeping
        keep = a >= a.max() * QUERY_CUTOFF
        if keep.all():
            return W
        indptr = np.array([0, int(keep.sum())], dtype=W.indptr.dtype)
        return sp.csr_matrix((W.data[keep], W.indices[keep], indptr), shape=W.shape)
    keep = a >= np.repeat(_row_max(a, W), np.diff(W.indptr)) * QUERY_CUTOFF
    if keep.all():
        return W
    counts = np.bincount(_row_of_entries(W)[keep], minlength=W.shape[0])
    indptr = np.r_[0, np.cumsum(counts)]
    return sp.csr_matrix((W.data[keep], W.indices[keep], indptr), shape=W.shape)


def head_columns(m: HybridRecommender, W: sp.csr_matrix) -> sp.csr_matrix:
    """Histories as weights over the head titles (the columns of ``B``).

    A title with plays is its own column. A title without plays stands for
    its neighbours of the cold mapping, each with the title's weight times
    the neighbour's share: without this, liking a new title would change
    nothing until the next training.
    """
    n_cf = len(m.cf_items)
    c = m.cf_of[W.indices]
    warm = c >= 0
    if warm.all():  # the usual case: no mapping, same entries
        return sp.csr_matrix((W.data, c, W.indptr), shape=(W.shape[0], n_cf))
    rows = _row_of_entries(W)
    cold = np.flatnonzero(~warm)
    cols, shares, grp = csr_rows(m.M, np.searchsorted(m.noncf_items, W.indices[cold]))
    return sp.csr_matrix(
        (
            np.concatenate([W.data[warm], (W.data[cold][grp] * shares).astype(np.float32)]),
            (np.concatenate([rows[warm], rows[cold][grp]]), np.concatenate([c[warm], cols])),
        ),
        shape=(W.shape[0], n_cf),
    )


def _cf_sum(m: HybridRecommender, H: sp.csr_matrix) -> np.ndarray:
    """``H @ B``; rows longer than ``m._dual_rows`` through EASE's user-space factors.

    A whole history (thousands of titles) reads that many rows of ``B``; past
    ``_dual_rows`` the same sum costs less in user space, whose size does
    not grow with the history (``collaborative.ease_dual``).
    """
    long = np.diff(H.indptr) > m._dual_rows
    if H.shape[0] == 1 and not long[0]:
        # One history: BLAS over the rows it reads, in blocks (a whole history
        # would otherwise copy that many rows of B at once).
        out = np.zeros((1, m.B.shape[1]), dtype=np.float32)
        rows, w = H.indices, H.data
        for start in range(0, len(rows), _CF_BLOCK):
            out[0] += w[start : start + _CF_BLOCK] @ m.B[rows[start : start + _CF_BLOCK]]
        return out
    if not long.any():
        return np.asarray(H @ m.B, dtype=np.float32)
    out = np.empty((H.shape[0], m.B.shape[1]), dtype=np.float32)
    short = np.flatnonzero(~long)
    if short.size:
        out[short] = np.asarray(H[short] @ m.B)
    for r in np.flatnonzero(long).tolist():
        h = H[r].toarray().ravel()
        out[r] = ease_dual_scores(h, m._dual_xt, m.dual_kinv, m.dual_d)
    return out


def taste(C: sp.csr_matrix, R: np.ndarray) -> np.ndarray:
    """``C @ R``: the taste vectors (ridge feature weights) of the histories."""
    if C.shape[0] == 1:  # one history: only the rows of R it reads
        return np.einsum("i,ij->j", C.data, R[C.indices])[None, :]
    return np.asarray(C @ R)


def per_item(F: sp.csr_matrix, P: np.ndarray) -> np.ndarray:
    """``(F @ P.T).T``: per history, a score for every row of ``F``."""
    if P.shape[0] == 1:  # a sparse matrix-vector product, not a one-column matrix
        return np.asarray(F @ P[0])[None, :]
    return np.asarray(F @ P.T).T


def parts(m: HybridRecommender, hs: Histories) -> tuple[np.ndarray, np.ndarray, sp.csr_matrix]:
    """(debiased CF scores of the head titles, unscaled content scores of all titles,
    content histories over the head titles)."""
    s_cf = _cf_sum(m, head_columns(m, truncate(hs.weights))) * m.debias[None, :]
    C = head_columns(m, hs.recent)
    if m.R.shape[1]:
        ct = per_item(m.Fr, taste(C, m.R)).astype(np.float32)
    else:
        ct = np.zeros((C.shape[0], m.n_items), dtype=np.float32)
    return s_cf, ct, C


def newest_years(m: HybridRecommender, raw: sp.csr_matrix) -> np.ndarray:
    """Per history, the latest release year among its liked titles (0: none known)."""
    years = np.where(raw.data > 0, m.item_year[raw.indices], 0).astype(np.float32)
    return _row_max(years, raw)


def score(m: HybridRecommender, hs: Histories) -> np.ndarray:
    """Scores of every title for each history, ``(n_histories, n_items)`` float32."""
    s_cf, ct, C = parts(m, hs)
    out = np.empty((s_cf.shape[0], m.n_items), dtype=np.float32)
    out[:, m.cf_items] = s_cf
    if m.content_weight:
        out[:, m.cf_items] += (m.content_weight * m.content_scale) * ct[:, m.cf_items]
    if m.noncf_items.size:
        cc = per_item(m.Fcr_noncf, taste(C, m.Rc))
        out[:, m.noncf_items] = (
            per_item(m.M, s_cf)
            + (m.cold_content_weight * m.cold_scale) * cc
            + cold_prior(m)[None, :]
        )
        if m.cold_year_weight:
            out[:, m.noncf_items] -= year_penalty(m, newest_years(m, hs.raw))
    return out
