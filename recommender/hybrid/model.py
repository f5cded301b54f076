"""The hybrid recommender the site uses: EASE + content, blended on validation data.

This module holds the model and its fitting; the other modules of the
package hold the cold-title model (``cold``), the one batched scoring path
(``scoring``), reasons (``reasons``) and persistence (``persist``).

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
saved models need no extra array. ``newest`` counts every liked title of the
history, however old (the recency decay weighs scores, not the calendar).

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

import numpy as np
import scipy.linalg as sl
import scipy.sparse as sp

from ..base import PREPARED, BaseRecommender, Progress
from ..collaborative import ease_from_gram, ease_weights, spd_inverse
from ..content import ContentModel, align_features
from ..data import Interactions, ItemFeatures
from ..histories import Histories, History, Query
from ..results import Recommendation
from . import persist, reasons, scoring
from .cold import add_items, cold_mapping, fit_cold_content, set_prior, set_years
from .head import HeadGram, check_gram, fit_dual, head_titles

__all__ = ["HeadGram", "HybridRecommender", "head_titles"]


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
        progress: Progress | None = None,
        gram: HeadGram | None = None,
    ) -> HybridRecommender:
        """:meth:`BaseRecommender.fit`; with ``gram``, EASE is solved from that ``X'X``.

        ``gram`` must cover this fit's head titles (:func:`head_titles` of the
        popularity in ``interactions``); a ``ValueError`` says when it does not.
        """
        X, report = self._prepare(interactions, features, progress)
        Xpos = X.maximum(0).tocsr()
        Xpos.eliminate_zeros()
        self._set_cf(head_titles(self.pop, self.max_cf_items))
        # Overall progress: EASE (the bulk of the time) up to 0.8, then content.
        Xcf = Xpos[:, self.cf_items].tocsr()
        del Xpos

        def ease_progress(stage: str, f: float) -> None:
            report(f"ease: {stage}", PREPARED + (0.8 - PREPARED) * f)

        if gram is None:
            self.B, self.ease_d = ease_weights(
                Xcf, self.lam, progress=ease_progress, return_diag=True
            )
        else:
            check_gram(self, gram)
            self.B, self.ease_d = ease_from_gram(
                gram.matrix, self.lam, progress=ease_progress, return_diag=True
            )
        fit_dual(self, Xcf)
        del Xcf
        report("ease", 0.8)
        aligned = align_features(features, self.item_ids)
        self._content = ContentModel()
        self.F = self._content.fit_transform(aligned).tocsr()
        self.ridge_cols = self._frequent_columns(self.F)
        fit_cold_content(self, aligned)
        self._set_ridge_features()
        self._fit_ridge()
        report("content", 0.9)
        self.M = cold_mapping(self, self.Fc[self.noncf_items], self.Fc[self.cf_items])
        set_years(self)
        self.content_scale, self.cold_scale = self._calibrate()
        report("calibrate", 0.98)
        return self._fitted(report)

    def _frequent_columns(self, F: sp.csr_matrix) -> np.ndarray:
        """The ``max_content_features`` columns of ``F`` most frequent among head titles."""
        df = np.asarray((F[self.cf_items] != 0).sum(axis=0)).ravel()
        keep = np.flatnonzero(df > 0)
        keep = keep[np.argsort(-df[keep], kind="stable")[: self.max_content_features]]
        return np.sort(keep)

    def _set_ridge_features(self) -> None:
        self.Fr = self.F[:, self.ridge_cols].tocsr()
        self.Fcr = self.Fc[:, self.cold_cols].tocsr()
        # The rows scored on every request: titles without plays.
        self.Fcr_noncf = self.Fcr[self.noncf_items].tocsr()

    def _ridge(self, Fw: sp.csr_matrix) -> np.ndarray:
        """Fw (Fw' Fw + content_lam I)^-1, one row per head title.

        Solved in the smaller dimension: with fewer head titles than features
        (a small site), ``(Fw Fw' + content_lam I)^-1 Fw``, the same matrix by
        the push-through identity, through a titles x titles Cholesky solve.
        """
        n, d = Fw.shape
        if d == 0:
            return np.zeros((n, 0), dtype=np.float32)
        if n < d:
            K = (Fw @ Fw.T).toarray().astype(np.float64)
            K[np.diag_indices_from(K)] += self.content_lam
            try:
                factor = sl.cho_factor(K, lower=True, overwrite_a=True)
            except np.linalg.LinAlgError as exc:
                raise ValueError("content ridge system is singular; increase content_lam.") from exc
            return sl.cho_solve(factor, Fw.toarray(), overwrite_b=True).astype(np.float32)
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
        set_prior(self)

    def _set_cf(self, cf_items: np.ndarray) -> None:
        self.cf_items = cf_items.astype(np.int64)
        self.cf_of = np.full(len(self.item_ids), -1, dtype=np.int64)
        self.cf_of[self.cf_items] = np.arange(len(self.cf_items))
        self.noncf_items = np.flatnonzero(self.cf_of < 0)
        self.debias = (np.maximum(self.pop[self.cf_items], 1.0) ** -self.pop_beta).astype(
            np.float32
        )

    def _calibrate(self) -> tuple[float, float]:
        """Ratios of median per-user score spreads, CF over content and over cold content.

        Each is 1.0 where undefined. Also sets ``cf_spread``, the median
        per-user standard deviation of the CF scores: the unit of the
        popularity prior of titles without plays. Measured on up to 200
        profiles drawn with seed 42.
        """
        self.cf_spread = 0.0
        if self.n_users == 0:
            return 1.0, 1.0
        rng = np.random.default_rng(42)
        users = rng.choice(self.n_users, size=min(200, self.n_users), replace=False)
        cf_sd, ct_sd, cc_sd = [], [], []
        for u in users.tolist():
            if self._hist.indptr[u + 1] == self._hist.indptr[u]:
                continue
            s_cf, ct, C = scoring.parts(self, self._histories(np.array([u])))
            cf_sd.append(np.std(s_cf[0]))
            ct_sd.append(np.std(ct[0]))
            cc_sd.append(np.std(scoring.per_item(self.Fcr, scoring.taste(C, self.Rc))[0]))
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
            self.M = cold_mapping(self, self.Fc[self.noncf_items], self.Fc[self.cf_items])
        if "content_lam" in params:
            lam = float(params.pop("content_lam"))
            if lam != self.content_lam:
                self.content_lam = lam
                self._fit_ridge()
        super().set_scoring(**params)
        if stale:
            self.content_scale, self.cold_scale = self._calibrate()
        return self

    # ------------------------------------------------------------ scoring
    def score(self, histories: Histories) -> np.ndarray:
        """Scores of every title for each history (:func:`scoring.score`)."""
        return scoring.score(self, histories)

    def _similar_scores(self, anchor: int) -> np.ndarray:
        """Co-watching for a title with plays; its description for one without.

        Nobody has watched a title without plays, so what viewers of similar
        titles also watched says little about it: "More like this" is the
        titles whose description (genres, people, era) is closest to its own.
        """
        if self.cf_of[anchor] >= 0 or self.Fc[anchor].nnz == 0:
            return super()._similar_scores(anchor)
        return (self.Fc @ self.Fc[anchor].T).toarray().ravel().astype(np.float32)

    # ------------------------------------------------------------ reasons
    def reasons(self, top: np.ndarray, q: Query):
        """Per position: the history title that added most, and co-watching or content."""
        return reasons.reasons(self, top, q)

    def _similar_explained(self, top, scores, anchor) -> list[Recommendation]:
        return reasons.similar(self, top, scores, anchor)

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
        if isinstance(history, int | np.integer) and self._user_row(int(history)) is None:
            raise ValueError(f"profile {history} is unknown; pass its history instead.")
        return reasons.explain(self, self._query(history), int(pos[0]), int(item_id), top)

    # --------------------------------------------------------- new titles
    def add_items(self, features: ItemFeatures) -> int:
        """Add titles created after training; they are scored by content, no retraining.

        Titles already in the model are skipped. Returns the number added.
        """
        return add_items(self, features)

    # -------------------------------------------------------- persistence
    def to_arrays(self) -> tuple[dict, dict[str, np.ndarray]]:
        return persist.to_arrays(self)

    @classmethod
    def from_arrays(cls, meta, arrays) -> HybridRecommender:
        return persist.from_arrays(cls, meta, arrays)
