"""The hybrid recommender the site uses: EASE + content, blended on validation data.

Scoring a history with recency-decayed weights ``h`` and undecayed weights
``r`` (the last ``content_history`` titles)::

    cf(j)      = sum_i h_i * B[i, j] / pop_j ** pop_beta        (EASE, debiased)
    p          = sum_i r_i * R[i]                               (taste vector)
    content(j) = scale * <F_j, p>
    score(j)   = cf(j) + content_weight * content(j)            for titles with plays
    score(j)   = sum_n a_jn cf(n) + cold_content_weight * cold(j)
                 + cold_pop_weight * spread * prior_j
                 - cold_year_weight * spread * [year_j > newest]  for titles without

- ``B``: EASE weights over the titles with positive feedback (the head of at
  most ``max_cf_items`` most watched titles);
- ``pop_j``: number of profiles with positive feedback on ``j``; dividing by
  ``pop ** pop_beta`` removes part of the popularity bias of EASE;
- ``R = F_w (F_w' F_w + content_lam I)^-1``: the taste vector ``p`` is the
  ridge regression of the profile's feedback over the titles with plays on
  their content rows ``F_w`` (``max_content_features`` most frequent
  features), so ``content(j)`` is a content-based estimate of the same
  quantity EASE estimates (will the profile watch ``j``); features that merely
  co-occur with popular ones get no credit, unlike a plain sum of rows;
- ``F``: the content model's unit-length item rows; ``scale`` makes a unit of
  content score comparable with a unit of CF score (ratio of the median
  per-user standard deviations, measured at fit time), so the blend weights
  are unit-free;
- ``cold(j)``: the same ridge taste model over the *cold description* ``Fc``
  of the titles, what a title has from its first day: genres, people, era and
  genre by decade (``era=1980s|horror``), keywords and synopsis only with
  ``cold_text_weight``; scaled like ``content``. Where keywords are viewers'
  tags (MovieLens), they pile up with plays: a new title has next to none, and
  in the item vectors ``F`` it would look like the untagged, little-watched
  titles;
- ``a_jn``: a title without plays (new, or outside the EASE head) takes the
  CF score of its ``cold_k`` nearest head titles by cosine similarity of their
  cold descriptions, weighted by similarity to the power ``cold_power``
  (normalised to sum 1): its column of ``B`` is estimated as the weighted
  mean of its neighbours' columns, which puts cold titles in the same score
  space as warm ones. In a *history* the same title reads as those
  neighbours (its row of ``B`` and of ``R`` is their weighted mean), so a
  fresh like of a title nobody has played yet moves the next
  recommendations too; reasons still name the title itself.

``prior_j``: a ridge regression of ``log(1 + plays)`` on the cold
description, standardised over the head titles, predicts how popular a title
without plays will be; it enters with ``cold_pop_weight`` in units of the
typical per-user CF score spread.

``newest``: the latest release year among the history's positive titles. A
title without plays released after it is one the profile had no chance to
meet while building its history, and drops by ``cold_year_weight`` spreads.
Titles newer than every title with plays (genuine new releases) are exempt.
Years are read back from the ``year=`` tokens of the cold description, so
saved models need no extra array.

All weights are chosen on validation splits by ``recommender.evaluate``
(coordinate search over the grids there). The defaults are the values chosen
on ml-latest-small: ``lam``, ``history_half_life``, ``pop_beta``,
``content_weight`` and ``content_lam`` on the warm split; ``cold_k``,
``cold_power``, ``cold_content_weight``, ``cold_pop_weight`` and
``cold_year_weight`` on the cold-start split.

Only the last part of a history matters: items whose recency weight falls
below ``2 ** -10`` of the newest item's are left out of the score (they are
still excluded from the results), which bounds the time per request.

Long histories (a whole one, without a half life) are summed in EASE's user
space where the site has fewer profiles than head titles
(``collaborative.ease_dual``): the same scores, at a cost that does not grow
with the history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .base import _PREPARED, BaseRecommender, History, Query, Recommendation
from .collaborative import ease_dual, ease_dual_scores, ease_from_gram, ease_weights, spd_inverse
from .content import ContentModel
from .data import Interactions, ItemFeatures

__all__ = ["HeadGram", "HybridRecommender", "head_titles"]

_QUERY_CUTOFF = 2.0**-10
_CF_BLOCK = 256
#: Up to this many profiles (and fewer than head titles) the model keeps
#: EASE's user-space factors (``4 n_users^2`` bytes) for long histories.
_DUAL_MAX_USERS = 4096
#: Neighbours per title without plays that the reasons look at (explain uses all).
_REASON_NEIGHBOURS = 10
#: Streaming B's rows whole for the reasons pays once the history holds more
#: than one head title in this many (a 64-byte cache line holds 16 values).
_DENSE_PICK = 32
_REASON_PREFIX = ("director=", "creator=", "cast=", "genre=", "keyword=")


def _csr_rows(m: sp.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(column, value, position in ``rows``) of every stored entry of the given rows."""
    starts, ends = m.indptr[rows], m.indptr[np.asarray(rows) + 1]
    lens = ends - starts
    if lens.sum() == 0:
        e = np.empty(0, dtype=np.int64)
        return e, np.empty(0, dtype=np.float32), e
    grp = np.repeat(np.arange(len(rows)), lens)
    flat = np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens) + np.repeat(starts, lens)
    return m.indices[flat].astype(np.int64), m.data[flat], grp


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


@dataclass
class HeadGram:
    """``X'X`` over the head titles, summed outside the library (e.g. on a cluster).

    ``item_ids``: the head titles' external ids, ascending (:func:`head_titles`);
    ``matrix``: the Gram matrix of the positive feedback over them, in that
    order; ``pop``: their popularity (profiles with positive feedback).
    """

    item_ids: np.ndarray
    matrix: np.ndarray
    pop: np.ndarray


def head_titles(pop: np.ndarray, max_items: int) -> np.ndarray:
    """Positions of the titles that enter EASE: the ``max_items`` most popular, ascending.

    ``pop`` is the popularity of every title of the fit (ascending ids, titles
    without plays included); equal popularity is ordered by the protocol's
    fixed permutation of that many titles, never by id.
    """
    from .metrics import tie_break_ranks

    pop = np.asarray(pop)
    order = np.lexsort((tie_break_ranks(len(pop)), -pop))
    return np.sort(order[: int(min(max_items, (pop > 0).sum()))])


def _align_features(features: ItemFeatures | None, item_ids: np.ndarray) -> ItemFeatures:
    """Features for exactly ``item_ids`` (missing titles get empty metadata)."""
    empty = ItemFeatures(item_ids=item_ids)
    if features is None:
        return empty
    pos = np.searchsorted(item_ids, features.item_ids)
    for src, dst in enumerate(pos.tolist()):
        for name in ("genres", "people", "keywords", "year", "maturity", "text", "titles"):
            getattr(empty, name)[dst] = getattr(features, name)[src]
    return empty


class HybridRecommender(BaseRecommender):
    """EASE collaborative filtering + ridge content model, with cold titles mapped in.

    Parameters
    ----------
    lam : float
        EASE L2 regularisation.
    history_half_life : float or None
        Recency half life of a history (collaborative part), in titles.
    pop_beta : float
        Popularity debiasing exponent (0 = none).
    content_weight : float
        Weight of the content score for titles with plays.
    cold_content_weight : float
        Weight of the content score for titles without plays.
    cold_k : int
        Content neighbours used to place a title without plays.
    cold_pop_weight : float
        Weight of the content-predicted popularity of a title without plays.
    cold_year_weight : float
        Penalty (in units of the per-user CF score spread) on a title without
        plays released after every title of the history (the era cue).
    cold_power : float
        Exponent on the content similarity of a title without plays to its
        neighbours (higher: the closest neighbours dominate).
    cold_text_weight : float
        Weight of keywords and synopsis in the description of titles without
        plays (0 = genres, people and era only).
    content_lam : float
        L2 regularisation of the content ridge regression.
    content_history : int
        Number of most recent titles in the content query.
    max_content_features : int
        Most frequent content features kept for the ridge regression.
    max_cf_items : int
        At most this many (most watched) titles enter EASE.
    """

    name = "Marquee-Hybrid"
    param_names = (
        "lam",
        "history_half_life",
        "pop_beta",
        "content_weight",
        "cold_content_weight",
        "cold_k",
        "cold_pop_weight",
        "cold_year_weight",
        "cold_power",
        "cold_text_weight",
        "content_lam",
        "content_history",
        "max_content_features",
        "max_cf_items",
    )

    def __init__(
        self,
        lam: float = 500.0,
        history_half_life: float | None = 5.0,
        pop_beta: float = 0.1,
        content_weight: float = 0.2,
        cold_content_weight: float = 0.25,
        cold_k: int = 100,
        cold_pop_weight: float = 0.0,
        cold_year_weight: float = 4.0,
        cold_power: float = 1.0,
        cold_text_weight: float = 0.0,
        content_lam: float = 100.0,
        content_history: int = 300,
        max_content_features: int = 4096,
        max_cf_items: int = 20000,
    ):
        super().__init__(history_half_life)
        if lam <= 0 or content_lam <= 0:
            raise ValueError("lam and content_lam must be positive; try 100-1000.")
        if cold_power <= 0 or cold_text_weight < 0:
            raise ValueError("cold_power must be positive and cold_text_weight >= 0.")
        if min(cold_k, max_cf_items, content_history, max_content_features) < 1:
            raise ValueError(
                "cold_k, max_cf_items, content_history and max_content_features must be >= 1."
            )
        self.lam = float(lam)
        self.pop_beta = float(pop_beta)
        self.content_weight = float(content_weight)
        self.cold_content_weight = float(cold_content_weight)
        self.cold_k = int(cold_k)
        self.cold_pop_weight = float(cold_pop_weight)
        self.cold_year_weight = float(cold_year_weight)
        self.cold_power = float(cold_power)
        self.cold_text_weight = float(cold_text_weight)
        self.content_lam = float(content_lam)
        self.content_history = int(content_history)
        self.max_content_features = int(max_content_features)
        self.max_cf_items = int(max_cf_items)
        self._content: ContentModel | None = None
        self._cold_content: ContentModel | None = None

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        interactions: Interactions,
        features: ItemFeatures | None = None,
        progress=None,
        gram: HeadGram | None = None,
    ) -> HybridRecommender:
        """:meth:`BaseRecommender.fit`; with ``gram``, EASE is solved from that ``X'X``.

        ``gram`` must cover this fit's head titles (:func:`head_titles` of the
        popularity in ``interactions``); a ``ValueError`` says when it does not.
        """
        self._given_gram = gram
        try:
            return super().fit(interactions, features, progress)
        finally:
            self._given_gram = None

    def _fit_model(self, X: sp.csr_matrix, features: ItemFeatures | None, report) -> None:
        Xpos = X.maximum(0).tocsr()
        Xpos.eliminate_zeros()
        self._set_cf(head_titles(self.pop, self.max_cf_items))
        # Overall progress: EASE (the bulk of the time) up to 0.8, then content.
        Xcf = Xpos[:, self.cf_items].tocsr()
        del Xpos

        def ease_progress(stage: str, f: float) -> None:
            report(f"ease: {stage}", _PREPARED + (0.8 - _PREPARED) * f)

        gram = getattr(self, "_given_gram", None)
        if gram is None:
            self.B, self.ease_d = ease_weights(
                Xcf, self.lam, progress=ease_progress, return_diag=True
            )
        else:
            self._check_gram(gram)
            self.B, self.ease_d = ease_from_gram(
                gram.matrix, self.lam, progress=ease_progress, return_diag=True
            )
        self._fit_dual(Xcf)
        del Xcf
        report("ease", 0.8)
        aligned = _align_features(features, self.item_ids)
        self._content = ContentModel()
        self.F = self._content.fit_transform(aligned).tocsr()
        self.ridge_cols = self._frequent_columns(self.F)
        self._fit_cold_content(aligned)
        self._set_ridge_features()
        self._fit_ridge()
        report("content", 0.9)
        self.M = self._cold_mapping(self.Fc[self.noncf_items], self.Fc[self.cf_items])
        self._set_years()
        self.content_scale, self.cold_scale = self._calibrate()
        report("calibrate", 0.98)

    def _check_gram(self, gram: HeadGram) -> None:
        ids = np.asarray(gram.item_ids)
        head = self.item_ids[self.cf_items]
        if ids.shape != head.shape or not np.array_equal(ids, head):
            raise ValueError(
                f"the Gram matrix covers {len(ids)} titles, but this fit's head is {len(head)} "
                "other titles; compute it over head_titles() of the same feedback."
            )
        if not np.array_equal(np.asarray(gram.pop, dtype=np.float32), self.pop[self.cf_items]):
            raise ValueError("the Gram matrix came with another popularity than this feedback's.")
        if np.shape(gram.matrix) != (len(ids), len(ids)):
            raise ValueError(f"the Gram matrix must be {len(ids)} x {len(ids)}.")

    def _cold_blocks(self) -> dict[str, float]:
        """Block weights of the description of titles without plays.

        What every title has from its first day (genres, people, era, and
        genre by decade) carries it; keywords and synopsis enter with
        ``cold_text_weight``: where keywords are viewers' tags they pile up
        with plays, so a new title has next to none and its neighbours would
        be the titles nobody tagged.
        """
        w = self.cold_text_weight
        return {"genre": 1.0, "people": 1.0, "era": 1.0, "genre_era": 1.0, "keyword": w, "text": w}

    def _frequent_columns(self, F: sp.csr_matrix) -> np.ndarray:
        """The ``max_content_features`` columns of ``F`` most frequent among head titles."""
        df = np.asarray((F[self.cf_items] != 0).sum(axis=0)).ravel()
        keep = np.flatnonzero(df > 0)
        keep = keep[np.argsort(-df[keep], kind="stable")[: self.max_content_features]]
        return np.sort(keep)

    def _fit_cold_content(self, aligned: ItemFeatures) -> None:
        self._cold_content = ContentModel(self._cold_blocks())
        self.Fc = self._cold_content.fit_transform(aligned).tocsr()
        self.cold_cols = self._frequent_columns(self.Fc)

    def _set_ridge_features(self) -> None:
        self.Fr = self.F[:, self.ridge_cols].tocsr()
        self.Fcr = self.Fc[:, self.cold_cols].tocsr()
        # The rows scored on every request: titles without plays.
        self.Fcr_noncf = self.Fcr[self.noncf_items].tocsr()

    def _ridge(self, Fw: sp.csr_matrix) -> np.ndarray:
        """Fw (Fw' Fw + content_lam I)^-1, one row per head title."""
        d = Fw.shape[1]
        if d == 0:
            return np.zeros((Fw.shape[0], 0), dtype=np.float32)
        G = (Fw.T @ Fw).toarray().astype(np.float64)
        G[np.diag_indices_from(G)] += self.content_lam
        # Invert the small d x d matrix, then one sparse x dense product.
        Ginv = spd_inverse(G, "content ridge system is singular; increase content_lam.")
        return np.asarray(Fw @ Ginv, dtype=np.float32)

    def _fit_ridge(self) -> None:
        """R and Rc: the ridge maps of the item vectors and of the cold description."""
        self.R = self._ridge(self.Fr[self.cf_items])
        self.Rc = self._ridge(self.Fcr[self.cf_items])
        # Popularity prior: the same ridge regression of log(1 + plays) on the
        # description titles without plays have.
        self.pop_coef = (np.log1p(self.pop[self.cf_items]) @ self.Rc).astype(np.float32)
        self._set_prior()

    def _set_prior(self) -> None:
        """Content-predicted popularity of every title, standardised over the head titles."""
        if self.Rc.shape[1] == 0:
            self.prior = np.zeros(len(self.item_ids), dtype=np.float32)
            return
        raw = self.Fcr @ self.pop_coef
        ref = raw[self.cf_items]
        sd = float(ref.std()) or 1.0
        self.prior = ((raw - ref.mean()) / sd).astype(np.float32)

    def _set_years(self) -> None:
        """Release year of every title (0 = unknown), read from its ``year=`` content token."""
        names = self._cold_content.feature_names if self._cold_content is not None else []
        cols = [c for c, n in enumerate(names) if n.startswith("year=") and n[5:].isdigit()]
        self.item_year = np.zeros(len(self.item_ids), dtype=np.float32)
        if cols and self.Fc.shape[1]:
            years = np.array([int(names[c][5:]) for c in cols], dtype=np.float32)
            Fy = (self.Fc[:, cols] != 0).astype(np.float32)
            self.item_year = np.asarray((Fy @ sp.diags(years)).max(axis=1).toarray()).ravel()
            self.item_year = self.item_year.astype(np.float32)
        # Titles newer than every title with plays are genuine new releases:
        # no history predates them for a reason other than the calendar, so
        # they are exempt from the penalty (year treated as unknown).
        head = self.item_year[self.cf_items]
        newest_head = float(head.max()) if head.size else 0.0
        self._penalty_year = np.where(self.item_year > newest_head, 0, self.item_year).astype(
            np.float32
        )

    def _year_penalty(self, newest: np.ndarray) -> np.ndarray:
        """(users x titles without plays) penalty for titles newer than a history's newest title.

        ``newest``: the latest release year among each history's positive
        titles (0 = unknown: no penalty).
        """
        y = self._penalty_year[self.noncf_items]
        after = (y[None, :] > newest[:, None]) & (newest[:, None] > 0)
        return (self.cold_year_weight * self.cf_spread) * after.astype(np.float32)

    def _newest_year(self, idx: np.ndarray, w: np.ndarray) -> float:
        pos = idx[w > 0]
        return float(self.item_year[pos].max()) if pos.size else 0.0

    def _fit_dual(self, Xcf: sp.csr_matrix) -> None:
        """EASE's user-space factors (``collaborative.ease_dual``), where they can pay.

        ``Xcf``: the positive feedback over the head titles, as EASE saw it.
        Kept when the site has fewer profiles than head titles, and at most
        ``_DUAL_MAX_USERS``; otherwise empty.
        """
        n_users, n_cf = Xcf.shape
        if 0 < n_users < n_cf and n_users <= _DUAL_MAX_USERS:
            self.dual_kinv, self.dual_d = ease_dual(Xcf, self.lam)
        else:
            self.dual_kinv, self.dual_d = np.zeros((0, 0), np.float32), np.zeros(0)
        self._use_dual(Xcf)

    def _use_dual(self, Xcf: sp.csr_matrix | None = None) -> None:
        """What scoring derives from the factors: ``X'`` and the length past which they pay.

        A loaded model passes no ``Xcf``: it is rebuilt from the stored
        histories, and only when there are factors to use.
        """
        self._dual_rows = np.inf
        if self.dual_kinv.size == 0:
            return
        if Xcf is None:
            Xcf = self._hist_raw.maximum(0).tocsc()[:, self.cf_items].tocsr()
        n_users, n_cf = Xcf.shape
        self._dual_xt = Xcf.T.tocsr().astype(self.dual_kinv.dtype)
        # A history of more head rows than this reads more of B than the
        # user-space form reads: K^-1, X twice (values and indices) and a
        # few passes over a vector of the head titles. In values of 4 bytes.
        self._dual_rows = (n_users**2 + 4 * Xcf.nnz + 6 * n_cf) / n_cf

    def _set_cf(self, cf_items: np.ndarray) -> None:
        self.cf_items = cf_items.astype(np.int64)
        self.cf_of = np.full(len(self.item_ids), -1, dtype=np.int64)
        self.cf_of[self.cf_items] = np.arange(len(self.cf_items))
        self.noncf_items = np.flatnonzero(self.cf_of < 0)
        self.debias = (np.maximum(self.pop[self.cf_items], 1.0) ** -self.pop_beta).astype(
            np.float32
        )

    def _cold_mapping(self, F_cold: sp.csr_matrix, F_cf: sp.csr_matrix) -> sp.csr_matrix:
        """Rows: titles without plays; columns: head titles; top-``cold_k`` weights.

        A neighbour weighs its cosine similarity to the power ``cold_power``:
        among many partial matches, the few titles that share the genres and
        the era count most.
        """
        n_cold, n_cf = F_cold.shape[0], F_cf.shape[0]
        rows, cols, vals = [], [], []
        k = min(self.cold_k, n_cf)
        F_cf_t = F_cf.T.tocsc()
        for start in range(0, n_cold, 1000):
            block = (F_cold[start : start + 1000] @ F_cf_t).toarray()
            if k == 0 or block.size == 0:
                continue
            top = np.argpartition(-block, k - 1, axis=1)[:, :k]
            sims = np.maximum(np.take_along_axis(block, top, axis=1), 0.0) ** self.cold_power
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

    def _calibrate(self) -> tuple[float, float]:
        """Ratios of median per-user score spreads, CF over content and over cold content.

        Each is 1.0 where undefined. Also sets ``cf_spread``, the median
        per-user standard deviation of the CF scores: the unit of the
        popularity prior of titles without plays.
        """
        self.cf_spread = 0.0
        if self.n_users == 0:
            return 1.0, 1.0
        rng = np.random.default_rng(42)
        users = rng.choice(self.n_users, size=min(200, self.n_users), replace=False)
        cf_sd, ct_sd, cc_sd = [], [], []
        for u in users.tolist():
            q = self._user_history(u)
            if q.idx.size == 0:
                continue
            cf, ct = self._parts(q)
            cf_sd.append(np.std(cf))
            ct_sd.append(np.std(ct))
            cc_sd.append(np.std(self.Fcr @ self._taste(q, self.Rc)))
        self.cf_spread = float(np.median(cf_sd)) if cf_sd else 0.0

        def ratio(sd: list) -> float:
            if not sd or np.median(sd) == 0 or self.cf_spread == 0:
                return 1.0
            return float(self.cf_spread / np.median(sd))

        return ratio(ct_sd), ratio(cc_sd)

    def set_scoring(self, **params) -> HybridRecommender:
        """Change scoring-time parameters without refitting EASE.

        Accepts ``pop_beta``, ``content_weight``, ``cold_content_weight``,
        ``cold_pop_weight``, ``cold_year_weight``, ``cold_k``, ``cold_power``,
        ``content_lam`` and ``history_half_life``.
        """
        for name in (
            "content_weight",
            "cold_content_weight",
            "cold_pop_weight",
            "cold_year_weight",
        ):
            if name in params:
                setattr(self, name, float(params.pop(name)))
        # The blend's units are measured on the CF scores, which the
        # debiasing exponent and the half life change: measure them again.
        stale = (
            float(params.get("pop_beta", self.pop_beta)) != self.pop_beta
            or params.get("history_half_life", self.history_half_life) != self.history_half_life
            or float(params.get("content_lam", self.content_lam)) != self.content_lam
        )
        if "pop_beta" in params:
            self.pop_beta = float(params.pop("pop_beta"))
            self._set_cf(self.cf_items)
        k = int(params.pop("cold_k", self.cold_k))
        power = float(params.pop("cold_power", self.cold_power))
        if (k, power) != (self.cold_k, self.cold_power):
            self.cold_k, self.cold_power = k, power
            self.M = self._cold_mapping(self.Fc[self.noncf_items], self.Fc[self.cf_items])
        if "content_lam" in params:
            lam = float(params.pop("content_lam"))
            if lam != self.content_lam:
                self.content_lam = lam
                self._fit_ridge()
        super().set_scoring(**params)
        if stale:
            self.content_scale, self.cold_scale = self._calibrate()
        return self

    # -------------------------------------------------------------- scoring
    def _truncate(self, idx: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if idx.size == 0:
            return idx, w
        a = np.abs(w)
        keep = a >= a.max() * _QUERY_CUTOFF
        return idx[keep], w[keep]

    def _taste(self, q: Query, R: np.ndarray | None = None) -> np.ndarray:
        """The taste vector ``p`` (ridge feature weights) of a history, over ``R`` (default R)."""
        R = self.R if R is None else R
        rows, w, _ = self._history_rows(q.cidx, q.cw)
        if not rows.size or R.shape[1] == 0:
            return np.zeros(R.shape[1], dtype=np.float32)
        return np.einsum("i,ij->j", w, R[rows])

    def _history_rows(
        self, idx: np.ndarray, w: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(head rows, weights, history position each row stands for) of a history.

        A title with plays is its own row. A title without plays stands for
        its neighbours of the cold mapping, each with the title's weight times
        the neighbour's share: without this, liking a new title would change
        nothing until the next training.
        """
        c = self.cf_of[idx]
        warm = c >= 0
        if warm.all():
            return c, w, idx
        cold = np.flatnonzero(~warm)
        cols, shares, grp = _csr_rows(self.M, np.searchsorted(self.noncf_items, idx[cold]))
        return (
            np.concatenate([c[warm], cols]),
            np.concatenate([w[warm], (w[cold][grp] * shares).astype(w.dtype)]),
            np.concatenate([idx[warm], idx[cold][grp]]),
        )

    def _parts(self, q: Query) -> tuple[np.ndarray, np.ndarray]:
        """(debiased CF scores of head titles, unscaled content scores of all titles)."""
        rows, w, _ = self._history_rows(*self._truncate(q.idx, q.w))
        s_cf = self._cf_sum(rows, w.astype(np.float32)) * self.debias
        if self.R.shape[1]:
            ct = (self.Fr @ self._taste(q)).astype(np.float32)
        else:
            ct = np.zeros(len(self.item_ids), dtype=np.float32)
        return s_cf, ct

    def _cf_sum(self, rows: np.ndarray, w: np.ndarray) -> np.ndarray:
        """``sum_i w_i B[rows_i]``, in blocks of rows, or in user space for long histories.

        A whole history (thousands of titles) would otherwise copy that many
        rows of ``B`` at once, and the fresh pages cost more than the sum.
        Past ``_dual_rows`` rows the same sum costs less through EASE's
        user-space factors, whose size does not grow with the history.
        """
        if len(rows) > self._dual_rows:
            h = np.bincount(rows, weights=w, minlength=len(self.cf_items))
            return ease_dual_scores(h, self._dual_xt, self.dual_kinv, self.dual_d)
        out = np.zeros(self.B.shape[1], dtype=np.float32)
        for start in range(0, len(rows), _CF_BLOCK):
            end = start + _CF_BLOCK
            out += w[start:end] @ self.B[rows[start:end]]
        return out

    def _b_times(self, rows: np.ndarray, cols: np.ndarray, W: np.ndarray) -> np.ndarray:
        """``B[rows][:, cols] @ W`` for a few ``cols``, read along the rows of ``B``.

        Picking a few columns out of thousands of history rows touches one
        cache line per value. ``B[i, j] = B[j, i] d_i / d_j`` (see
        ``ease_weights``) reads the same values from ``len(cols)`` rows, as
        ``diag(d_rows) (W' diag(1/d_cols) B[cols])'`` restricted to ``rows``:
        the scaling goes into ``W``, which is small. Past one history title in
        ``_DENSE_PICK`` head titles, a sparse product streams each of those
        rows once, where picking the history's values out of them costs
        several times as much.
        """
        if self.ease_d.size == 0:  # files written before the diagonal was kept
            return self.B[np.ix_(rows, cols)] @ W
        d = self.ease_d
        Wd = W / d[cols][:, None]
        if len(rows) * _DENSE_PICK > self.B.shape[1]:
            S = sp.csr_matrix(Wd.T)
            S = sp.csr_matrix((S.data, cols[S.indices], S.indptr), shape=(W.shape[1], len(d)))
            return d[rows][:, None] * np.asarray(S @ self.B)[:, rows].T
        return d[rows][:, None] * (self.B[np.ix_(cols, rows)].T @ Wd)

    def _score(self, q: Query) -> np.ndarray:
        s_cf, ct = self._parts(q)
        out = np.empty(len(self.item_ids), dtype=np.float32)
        out[self.cf_items] = s_cf
        if self.content_weight:
            out[self.cf_items] += (self.content_weight * self.content_scale) * ct[self.cf_items]
        if self.noncf_items.size:
            out[self.noncf_items] = (
                self.M @ s_cf
                + (self.cold_content_weight * self.cold_scale)
                * (self.Fcr_noncf @ self._taste(q, self.Rc))
                + self._cold_prior()
            )
            if self.cold_year_weight:
                newest = np.array([self._newest_year(q.idx, q.w)], dtype=np.float32)
                out[self.noncf_items] -= self._year_penalty(newest)[0]
        return out

    def _cold_prior(self) -> np.ndarray:
        """Popularity-prior term of the titles without plays."""
        return (self.cold_pop_weight * self.cf_spread) * self.prior[self.noncf_items]

    def score_users(self, rows: np.ndarray) -> np.ndarray:
        """Dense scores for training users at ``rows``, computed as matrix products."""
        rows = np.asarray(rows)
        Q = self._hist[rows].tocsr().astype(np.float32)
        nz = np.diff(Q.indptr) > 0
        if Q.nnz:  # the same truncation as _truncate, row by row
            rowmax = np.zeros(Q.shape[0], dtype=np.float32)
            rowmax[nz] = np.maximum.reduceat(np.abs(Q.data), Q.indptr[:-1][nz])
            thr = np.repeat(rowmax, np.diff(Q.indptr)) * _QUERY_CUTOFF
            Q.data[np.abs(Q.data) < thr] = 0
            Q.eliminate_zeros()
        s_cf = np.asarray(self._head_columns(Q) @ self.B) * self.debias[None, :]
        out = np.empty((Q.shape[0], len(self.item_ids)), dtype=np.float32)
        out[:, self.cf_items] = s_cf
        C = self._head_columns(self._chist[rows].tocsr())
        if self.R.shape[1]:
            P = np.asarray(C @ self.R)
            ct = np.asarray(self.Fr @ P.T).T.astype(np.float32)
        else:
            ct = np.zeros_like(out)
        if self.content_weight:
            out[:, self.cf_items] += (self.content_weight * self.content_scale) * ct[
                :, self.cf_items
            ]
        if self.noncf_items.size:
            cc = np.asarray(self.Fcr_noncf @ np.asarray(C @ self.Rc).T).T
            out[:, self.noncf_items] = (
                np.asarray(self.M @ s_cf.T).T
                + (self.cold_content_weight * self.cold_scale) * cc
                + self._cold_prior()[None, :]
            )
            if self.cold_year_weight:
                H = self._hist_raw[rows].tocsr()
                H.data = np.where(H.data > 0, self.item_year[H.indices], 0).astype(np.float32)
                newest = np.asarray(H.max(axis=1).toarray()).ravel()
                out[:, self.noncf_items] -= self._year_penalty(newest)
        return out

    def _head_columns(self, Q: sp.csr_matrix) -> sp.csr_matrix:
        """Histories as weights over the head titles (see ``_history_rows``)."""
        head = Q[:, self.cf_items]
        if not self.noncf_items.size or not self.M.nnz:
            return head
        return (head + Q[:, self.noncf_items] @ self.M).tocsr()

    def _contributions(self, q: Query, items: np.ndarray, exact: bool = True):
        """Per history title and target title: CF and content parts of the score.

        Rows follow ``np.union1d`` of the truncated CF query and the content
        query; returns (history positions, cf part, content part). Works on
        the raw CSR arrays: this runs on every request (for the reasons).
        With ``exact=False`` a title without plays reads only its
        ``_REASON_NEIGHBOURS`` heaviest neighbours: enough to name the title
        that drove it, at a tenth of the reads for a long history.
        """
        idx, w = self._truncate(q.idx, q.w)
        hist = _union(idx, q.cidx)
        k = len(items)
        cf_part = np.zeros((len(hist), k), dtype=np.float64)
        h_rows, h_w, src = self._history_rows(idx, w)
        # Rows repeat only where a title without plays stands for its neighbours.
        unique = bool((self.cf_of[idx] >= 0).all())
        if h_rows.size:
            at = np.searchsorted(hist, src)
            t_cf = self.cf_of[items]
            warm = np.flatnonzero(t_cf >= 0)
            if warm.size:
                sub = self._b_times(h_rows, t_cf[warm], np.diag(self.debias[t_cf[warm]]))
                _add_rows(cf_part, at, warm, sub * h_w[:, None], unique)
            cold = np.flatnonzero(t_cf < 0)
            if cold.size:
                rows = np.searchsorted(self.noncf_items, items[cold])
                cols, vals, grp = _csr_rows(self.M, rows)
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
                    np.add.at(W, (at_col.ravel(), grp), vals * self.debias[cols])
                    v = self._b_times(h_rows, ucols, W)
                    _add_rows(cf_part, at, cold, v * h_w[:, None], unique)
        ct_part = np.zeros_like(cf_part)
        c, c_w, src = self._history_rows(q.cidx, q.cw)
        c_unique = bool((self.cf_of[q.cidx] >= 0).all())
        if c.size:
            at = np.searchsorted(hist, src)
            warm = self.cf_of[items] >= 0
            sides = (
                (warm, self.Fr, self.R, self.content_weight * self.content_scale),
                (~warm, self.Fcr, self.Rc, self.cold_content_weight * self.cold_scale),
            )
            for targets, F, R, gamma in sides:
                t = np.flatnonzero(targets)
                if not t.size or not R.shape[1]:
                    continue
                cols, vals, grp = _csr_rows(F, items[t])
                if cols.size:
                    # Items share most features (genres, frequent people): read each
                    # column of R once from the mapped file, then repeat it in memory.
                    ucols, at_col = np.unique(cols, return_inverse=True)
                    r = R[np.ix_(c, ucols)][:, at_col.ravel()]
                    sims = _group_sum(r * vals[None, :], grp, t.size)
                    _add_rows(ct_part, at, t, sims * c_w[:, None] * gamma, c_unique)
        return hist, cf_part, ct_part

    def _reasons(self, top: np.ndarray, q: Query):
        if top.size == 0 or q.idx.size == 0:
            return [None] * len(top), ["popularity"] * len(top)
        hist, cf_part, ct_part = self._contributions(q, top, exact=False)
        total = cf_part + ct_part
        # One pass for all columns. Column sums are taken over contiguous rows
        # of the transposes: the same pairwise sums, in the same order, as
        # summing each column on its own.
        best = np.argmax(total, axis=0)
        positive = total[best, np.arange(len(top))] > 0
        is_cf = (
            np.ascontiguousarray(cf_part.T).sum(axis=1)
            >= np.ascontiguousarray(ct_part.T).sum(axis=1)
        ) & (self.cf_of[top] >= 0)
        anchors = [int(h) if ok else None for h, ok in zip(hist[best].tolist(), positive.tolist())]
        sources = ["collaborative" if cf else "content" for cf in is_cf.tolist()]
        return anchors, sources

    def _shared_features(self, a: int, items: np.ndarray, limit: int = 3) -> list[list[str]]:
        """Per title of ``items``: up to ``limit`` reason features it shares with title ``a``.

        People first, then genres, then keywords; within a kind, by feature
        column. All titles at once, straight from the CSR arrays: a call per
        title (and indexing the sparse matrix) dominated "More like this".
        """
        if not self.F.shape[1] or not len(items):
            return [[] for _ in range(len(items))]
        ptr, ind = self.F.indptr, self.F.indices
        in_anchor = np.zeros(self.F.shape[1], dtype=bool)
        in_anchor[ind[ptr[a] : ptr[a + 1]]] = True
        cols, _, grp = _csr_rows(self.F, np.asarray(items))
        rank = self._reason_rank()[cols]
        keep = in_anchor[cols] & (rank >= 0)
        cols, grp, rank = cols[keep], grp[keep], rank[keep]
        order = np.lexsort((cols, rank, grp))
        cols, grp = cols[order], grp[order]
        keep = _first_in_group(grp, limit)
        names = self._content.feature_names
        out: list[list[str]] = [[] for _ in range(len(items))]
        for g, c in zip(grp[keep].tolist(), cols[keep].tolist()):
            out[g].append(names[c])
        return out

    def _reason_rank(self) -> np.ndarray:
        """Per content feature, the index of its kind in _REASON_PREFIX (-1: never named).

        Worked out once per vocabulary rather than by string tests on every reason.
        """
        names = self._content.feature_names
        cached = getattr(self, "_reason_rank_cache", None)
        if cached is None or cached[0] is not names:
            rank = np.full(len(names), -1, dtype=np.int64)
            for c, name in enumerate(names):
                if name.startswith(_REASON_PREFIX):
                    rank[c] = [name.startswith(p) for p in _REASON_PREFIX].index(True)
            cached = self._reason_rank_cache = (names, rank)
        return cached[1]

    @staticmethod
    def _pretty(feature: str) -> str:
        kind, _, value = feature.partition("=")
        value = value.title() if kind in ("director", "creator", "cast") else value
        return value if kind in ("genre", "keyword") else f"{kind} {value}"

    def _similar_scores(self, anchor: int) -> np.ndarray:
        """Co-watching for a title with plays; its description for one without.

        Nobody has watched a title without plays, so what viewers of similar
        titles also watched says little about it: "More like this" is the
        titles whose description (genres, people, era) is closest to its own.
        """
        if self.cf_of[anchor] >= 0 or self.Fc[anchor].nnz == 0:
            return super()._similar_scores(anchor)
        return (self.Fc @ self.Fc[anchor].T).toarray().ravel().astype(np.float32)

    def _similar_wrap(self, top, scores, anchor) -> list[Recommendation]:
        if top.size == 0:
            return []
        one = np.ones(1, dtype=np.float32)
        a = np.array([anchor])
        _, cf_part, ct_part = self._contributions(Query(a, one, a, one), top)
        item_ids = np.asarray(self.item_ids)
        anchor_id = int(item_ids[anchor])
        out = []
        for col, (j, item, score, shared) in enumerate(
            zip(
                top.tolist(),
                item_ids[top].tolist(),
                scores[top].tolist(),
                self._shared_features(anchor, top),
            )
        ):
            co = (
                cf_part[0, col] > 0
                and self.cf_of[j] >= 0
                and self.cf_of[anchor] >= 0  # nobody has watched a cold anchor yet
                and cf_part[0, col] >= ct_part[0, col]
            )
            if co:
                reason = f"Viewers of {self._label(anchor)} also watched this"
                if shared:
                    reason += "; shares " + ", ".join(self._pretty(s) for s in shared)
                source = "collaborative"
            elif shared:
                reason = (
                    "Shares "
                    + ", ".join(self._pretty(s) for s in shared)
                    + f" with {self._label(anchor)}"
                )
                source = "content"
            else:
                reason = f"Similar to {self._label(anchor)}"
                source = "content"
            out.append(Recommendation(item, score, reason, anchor_id, source))
        return out

    def explain(self, history: History | int, item_id: int, top: int = 5) -> dict:
        """Which history titles and which features drove ``item_id``'s score.

        Parameters
        ----------
        history : history (see ``recommend_for_history``) or a known profile id
        item_id : int
        top : int
            How many titles and features to list.

        Returns
        -------
        dict
            ``{"item_id", "score", "popularity_prior", "collaborative",
            "content", "because": [{"item_id", "contribution"}...],
            "features": [{"feature", "weight"}...]}``. ``score`` equals the
            recommendation score: the contributions of all history titles plus
            the popularity prior (non-zero only for titles without plays; it
            includes their era penalty, see ``cold_year_weight``).
        """
        pos = self._item_index([item_id])
        if pos.size == 0:
            raise ValueError(f"item {item_id} is unknown to this model; add it with add_items.")
        if isinstance(history, int | np.integer):
            row = self._user_row(int(history))
            if row is None:
                raise ValueError(f"profile {history} is unknown; pass its history instead.")
            q = self._user_history(row)
        else:
            q = self._parse_history(history)
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
        hist, cf_part, ct_part = self._contributions(q, pos)
        total = (cf_part + ct_part)[:, 0]
        prior = 0.0
        if self.cf_of[int(pos[0])] < 0:
            prior = float(self.cold_pop_weight * self.cf_spread * self.prior[int(pos[0])])
            if self.cold_year_weight:
                col = int(np.searchsorted(self.noncf_items, pos[0]))
                newest = np.array([self._newest_year(q.idx, q.w)], dtype=np.float32)
                prior -= float(self._year_penalty(newest)[0, col])
        order = np.argsort(-total)[:top]
        feats = []
        if self.cf_of[int(pos[0])] >= 0:
            F, R, cols, names = self.Fr, self.R, self.ridge_cols, self._content.feature_names
        else:
            F, R, cols = self.Fcr, self.Rc, self.cold_cols
            names = self._cold_content.feature_names
        if R.shape[1]:
            p = self._taste(q, R)
            row = F[int(pos[0])]
            contrib = row.data * p[row.indices]
            for c in np.argsort(-contrib)[:top].tolist():
                if contrib[c] > 0:
                    feats.append(
                        {"feature": names[cols[row.indices[c]]], "weight": float(contrib[c])}
                    )
        return {
            "item_id": int(item_id),
            "score": float(total.sum() + prior),
            "popularity_prior": float(prior),
            "collaborative": float(cf_part.sum()),
            "content": float(ct_part.sum()),
            "because": [
                {"item_id": int(self.item_ids[hist[i]]), "contribution": float(total[i])}
                for i in order.tolist()
            ],
            "features": feats,
        }

    # ------------------------------------------------------------ new titles
    def add_items(self, features: ItemFeatures) -> int:
        """Add titles created after training; they are scored by content, no retraining.

        Titles already in the model are skipped. Returns the number added.
        """
        if self._content is None:
            raise ValueError("fit or load the model before adding titles.")
        new = ~np.isin(features.item_ids, self.item_ids)
        if not new.any():
            return 0
        feats = features.take(np.flatnonzero(new))
        old_ids = self.item_ids
        ids = np.union1d(old_ids, feats.item_ids)
        remap = np.searchsorted(ids, old_ids)
        n_new = len(ids)
        # Content rows in the new order.
        F_new = self._content.transform(feats)
        Fc_new = self._cold_content.transform(feats)
        perm_old = sp.csr_matrix(
            (np.ones(len(old_ids), dtype=np.float32), (remap, np.arange(len(old_ids)))),
            shape=(n_new, len(old_ids)),
        )
        new_pos = np.searchsorted(ids, feats.item_ids)
        perm_new = sp.csr_matrix(
            (np.ones(len(new_pos), dtype=np.float32), (new_pos, np.arange(len(new_pos)))),
            shape=(n_new, len(new_pos)),
        )
        self.F = (perm_old @ self.F + perm_new @ F_new).tocsr()
        self.Fc = (perm_old @ self.Fc + perm_new @ Fc_new).tocsr()
        pop = np.zeros(n_new, dtype=np.float32)
        pop[remap] = self.pop
        titles = [""] * n_new
        for p, t in zip(remap.tolist(), self.titles):
            titles[p] = t
        for p, t in zip(new_pos.tolist(), feats.titles):
            titles[p] = t or ""
        for name in ("_hist", "_hist_raw", "_chist"):
            h = getattr(self, name)
            setattr(
                self,
                name,
                sp.csr_matrix((h.data, remap[h.indices], h.indptr), shape=(h.shape[0], n_new)),
            )
        old_noncf = remap[self.noncf_items]
        cf_items = remap[self.cf_items]
        self.item_ids, self.pop, self.titles = ids, pop, titles
        self._set_cf(cf_items)
        self._set_ridge_features()
        self._set_prior()
        self._set_years()
        # Mapping rows: keep the old ones, compute the new titles' rows.
        M_new = self._cold_mapping(Fc_new, self.Fc[self.cf_items])
        rows = np.searchsorted(self.noncf_items, np.r_[old_noncf, new_pos])
        stacked = sp.vstack([self.M, M_new]).tocsr()
        place = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, np.arange(len(rows)))),
            shape=(len(self.noncf_items), len(rows)),
        )
        self.M = (place @ stacked).tocsr()
        from .metrics import tie_break_ranks

        self._tie = tie_break_ranks(n_new)
        return len(new_pos)

    # ------------------------------------------------------------ persistence
    def _arrays(self) -> dict[str, np.ndarray]:
        arrays = super()._arrays()
        arrays.update(
            {
                "B": self.B,
                "ease_d": self.ease_d,
                "dual_kinv": self.dual_kinv,
                "dual_d": self.dual_d,
                "cf_items": self.cf_items,
                "R": self.R,
                "ridge_cols": self.ridge_cols,
                "pop_coef": self.pop_coef,
                "F_indptr": self.F.indptr,
                "F_indices": self.F.indices,
                "F_data": self.F.data,
                "M_indptr": self.M.indptr,
                "M_indices": self.M.indices,
                "M_data": self.M.data,
                "Rc": self.Rc,
                "cold_cols": self.cold_cols,
                "Fc_indptr": self.Fc.indptr,
                "Fc_indices": self.Fc.indices,
                "Fc_data": self.Fc.data,
            }
        )
        return arrays

    def _meta(self) -> dict:
        meta = super()._meta()
        meta.update(
            {
                "content": self._content.get_state(),
                "cold_content": self._cold_content.get_state(),
                "n_cold_features": int(self.Fc.shape[1]),
                "content_scale": self.content_scale,
                "cold_scale": self.cold_scale,
                "cf_spread": self.cf_spread,
                "n_features": int(self.F.shape[1]),
            }
        )
        return meta

    def _restore(self, meta: Mapping, arrays: Mapping[str, np.ndarray]) -> None:
        super()._restore(meta, arrays)
        self.B = arrays["B"]
        self._set_cf(np.asarray(arrays["cf_items"]))
        # Files written before the diagonal and the user-space form have
        # neither: B's columns are then read directly, histories as rows of B.
        self.ease_d = arrays.get("ease_d", np.zeros(0, np.float32))
        self.dual_kinv = arrays.get("dual_kinv", np.zeros((0, 0), np.float32))
        self.dual_d = arrays.get("dual_d", np.zeros(0))
        self._use_dual()
        self.F = sp.csr_matrix(
            (arrays["F_data"], arrays["F_indices"], arrays["F_indptr"]),
            shape=(len(self.item_ids), meta["n_features"]),
        )
        self.M = sp.csr_matrix(
            (arrays["M_data"], arrays["M_indices"], arrays["M_indptr"]),
            shape=(len(self.noncf_items), len(self.cf_items)),
        )
        self._content = ContentModel.from_state(meta["content"])
        self.R = arrays["R"]
        self.ridge_cols = np.asarray(arrays["ridge_cols"])
        if "cold_content" in meta:
            self._cold_content = ContentModel.from_state(meta["cold_content"])
            self.Fc = sp.csr_matrix(
                (arrays["Fc_data"], arrays["Fc_indices"], arrays["Fc_indptr"]),
                shape=(len(self.item_ids), meta["n_cold_features"]),
            )
            self.Rc, self.cold_cols = arrays["Rc"], np.asarray(arrays["cold_cols"])
            self.cold_scale = float(meta["cold_scale"])
        else:
            # Files written before titles without plays had a description of
            # their own: they were described by the item vectors.
            self._cold_content, self.Fc = self._content, self.F
            self.Rc, self.cold_cols = self.R, self.ridge_cols
            self.cold_scale = float(meta["content_scale"])
        self.pop_coef = arrays["pop_coef"]
        self.cf_spread = float(meta["cf_spread"])
        self._set_ridge_features()
        self._set_prior()
        self._set_years()
        self.content_scale = float(meta["content_scale"])
