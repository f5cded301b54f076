"""The cold-title model: how the hybrid scores titles nobody has played yet.

A title without plays (new, or outside the EASE head) is described by what it
has from its first day (genres, people, era), placed among its ``cold_k``
nearest head titles by that description (the mapping ``M``), given a
content-predicted popularity prior, and penalised when released after every
title of a history (the era cue). :func:`add_items` teaches a fitted or
loaded model titles created after training, without retraining.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from ..content import ContentModel
from ..data import ItemFeatures
from ..metrics import tie_break_ranks

if TYPE_CHECKING:
    from .model import HybridRecommender

__all__ = ["add_items", "cold_mapping", "cold_prior", "fit_cold_content", "year_penalty"]


def cold_blocks(m: HybridRecommender) -> dict[str, float]:
    """Block weights of the description of titles without plays.

    What every title has from its first day (genres, people, era, and genre by
    decade) carries it; keywords and synopsis enter with ``cold_text_weight``:
    where keywords are viewers' tags they pile up with plays, so a new title
    has next to none and its neighbours would be the titles nobody tagged.
    """
    w = m.cold_text_weight
    return {"genre": 1.0, "people": 1.0, "era": 1.0, "genre_era": 1.0, "keyword": w, "text": w}


def fit_cold_content(m: HybridRecommender, aligned: ItemFeatures) -> None:
    """The cold description ``Fc`` of every title and its ridge columns."""
    m._cold_content = ContentModel(cold_blocks(m))
    m.Fc = m._cold_content.fit_transform(aligned).tocsr()
    m.cold_cols = m._frequent_columns(m.Fc)


def cold_mapping(m: HybridRecommender, F_cold: sp.csr_matrix, F_cf: sp.csr_matrix) -> sp.csr_matrix:
    """Rows: titles without plays; columns: head titles; top-``cold_k`` weights.

    A neighbour weighs its cosine similarity to the power ``cold_power``:
    among many partial matches, the few titles that share the genres and the
    era count most.
    """
    n_cold, n_cf = F_cold.shape[0], F_cf.shape[0]
    rows, cols, vals = [], [], []
    k = min(m.cold_k, n_cf)
    F_cf_t = F_cf.T.tocsc()
    for start in range(0, n_cold, 1000):
        block = (F_cold[start : start + 1000] @ F_cf_t).toarray()
        if k == 0 or block.size == 0:
            continue
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        sims = np.maximum(np.take_along_axis(block, top, axis=1), 0.0) ** m.cold_power
        tot = sims.sum(axis=1, keepdims=True)
        sims = np.divide(sims, tot, out=np.zeros_like(sims), where=tot > 0)
        rows.append(np.repeat(np.arange(start, start + block.shape[0]), k))
        cols.append(top.ravel())
        vals.append(sims.ravel())
    if not rows:
        return sp.csr_matrix((n_cold, n_cf), dtype=np.float32)
    M = sp.csr_matrix(
        (np.concatenate(vals).astype(np.float32), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_cold, n_cf),
    )
    M.eliminate_zeros()
    return M


def set_prior(m: HybridRecommender) -> None:
    """Content-predicted popularity of every title, standardised over the head titles."""
    if m.Rc.shape[1] == 0:
        m.prior = np.zeros(len(m.item_ids), dtype=np.float32)
        return
    raw = m.Fcr @ m.pop_coef
    ref = raw[m.cf_items]
    sd = float(ref.std()) or 1.0
    m.prior = ((raw - ref.mean()) / sd).astype(np.float32)


def cold_prior(m: HybridRecommender) -> np.ndarray:
    """Popularity-prior term of the titles without plays."""
    return (m.cold_pop_weight * m.cf_spread) * m.prior[m.noncf_items]


def set_years(m: HybridRecommender) -> None:
    """Release year of every title (0 = unknown), read from its ``year=`` content token."""
    names = m._cold_content.feature_names if m._cold_content is not None else []
    cols = [c for c, n in enumerate(names) if n.startswith("year=") and n[5:].isdigit()]
    m.item_year = np.zeros(len(m.item_ids), dtype=np.float32)
    if cols and m.Fc.shape[1]:
        years = np.array([int(names[c][5:]) for c in cols], dtype=np.float32)
        Fy = (m.Fc[:, cols] != 0).astype(np.float32)
        m.item_year = np.asarray((Fy @ sp.diags(years)).max(axis=1).toarray()).ravel()
        m.item_year = m.item_year.astype(np.float32)
    # Titles newer than every title with plays are genuine new releases: no
    # history predates them for a reason other than the calendar, so they are
    # exempt from the penalty (year treated as unknown).
    head = m.item_year[m.cf_items]
    newest_head = float(head.max()) if head.size else 0.0
    m._penalty_year = np.where(m.item_year > newest_head, 0, m.item_year).astype(np.float32)


def year_penalty(m: HybridRecommender, newest: np.ndarray) -> np.ndarray:
    """(histories x titles without plays) penalty for titles newer than a history's newest.

    ``newest``: the latest release year among each history's liked titles
    (0 = unknown: no penalty).
    """
    y = m._penalty_year[m.noncf_items]
    after = (y[None, :] > newest[:, None]) & (newest[:, None] > 0)
    return (m.cold_year_weight * m.cf_spread) * after.astype(np.float32)


def add_items(m: HybridRecommender, features: ItemFeatures) -> int:
    """Add titles created after training; they are scored by content, no retraining.

    Titles already in the model are skipped. Returns the number added.
    """
    if m._content is None:
        raise ValueError("fit or load the model before adding titles.")
    new = ~np.isin(features.item_ids, m.item_ids)
    if not new.any():
        return 0
    feats = features.take(np.flatnonzero(new))
    old_ids = m.item_ids
    ids = np.union1d(old_ids, feats.item_ids)
    remap = np.searchsorted(ids, old_ids)
    n_new = len(ids)
    # Content rows in the new order.
    F_new = m._content.transform(feats)
    Fc_new = m._cold_content.transform(feats)
    perm_old = sp.csr_matrix(
        (np.ones(len(old_ids), dtype=np.float32), (remap, np.arange(len(old_ids)))),
        shape=(n_new, len(old_ids)),
    )
    new_pos = np.searchsorted(ids, feats.item_ids)
    perm_new = sp.csr_matrix(
        (np.ones(len(new_pos), dtype=np.float32), (new_pos, np.arange(len(new_pos)))),
        shape=(n_new, len(new_pos)),
    )
    m.F = (perm_old @ m.F + perm_new @ F_new).tocsr()
    m.Fc = (perm_old @ m.Fc + perm_new @ Fc_new).tocsr()
    pop = np.zeros(n_new, dtype=np.float32)
    pop[remap] = m.pop
    titles = [""] * n_new
    for p, t in zip(remap.tolist(), m.titles):
        titles[p] = t
    for p, t in zip(new_pos.tolist(), feats.titles):
        titles[p] = t or ""
    for name in ("_hist", "_hist_raw", "_chist"):
        h = getattr(m, name)
        setattr(
            m, name, sp.csr_matrix((h.data, remap[h.indices], h.indptr), shape=(h.shape[0], n_new))
        )
    old_noncf = remap[m.noncf_items]
    cf_items = remap[m.cf_items]
    m.item_ids, m.pop, m.titles = ids, pop, titles
    m._set_cf(cf_items)
    m._set_ridge_features()
    set_prior(m)
    set_years(m)
    # Mapping rows: keep the old ones, compute the new titles' rows.
    M_new = cold_mapping(m, Fc_new, m.Fc[m.cf_items])
    rows = np.searchsorted(m.noncf_items, np.r_[old_noncf, new_pos])
    stacked = sp.vstack([m.M, M_new]).tocsr()
    place = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, np.arange(len(rows)))),
        shape=(len(m.noncf_items), len(rows)),
    )
    m.M = (place @ stacked).tocsr()
    m._tie = tie_break_ranks(n_new)
    return len(new_pos)
