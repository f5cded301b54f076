"""The model API shared by every recommender (hybrid and baselines).

A model maps external ids to one sorted id index (``item_ids``, ``user_ids``),
keeps each known user's history, and implements one method, ``_score``, which
scores every item for a weighted history. Everything else (recommend for a
user or an ad-hoc history, ranking candidates, exclusions and allowed-item
filters, popularity fallback, ties) is implemented once here, so that the
contract tests in ``tests/recommender`` run against every model.

Ties are broken by a fixed random permutation of the items (seed 42), never by
id.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from .data import Interactions, ItemFeatures
from .metrics import tie_break_ranks

__all__ = ["BaseRecommender", "History", "Query", "Recommendation"]

History = Mapping[int, float] | Sequence[int] | Sequence[tuple[int, float]]

#: Share of a fit's progress reached once the histories are built.
_PREPARED = 0.1


class Query(NamedTuple):
    """A history ready for scoring.

    ``idx``/``w``: item positions and recency-decayed weights (collaborative
    part); ``cidx``/``cw``: the most recent ``content_history`` items with
    their undecayed weights (content part: taste is long-term).
    """

    idx: np.ndarray
    w: np.ndarray
    cidx: np.ndarray
    cw: np.ndarray

    @classmethod
    def empty(cls) -> Query:
        """A query with no items."""
        i, f = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        return cls(i, f, i, f)


@dataclass(frozen=True)
class Recommendation:
    """One recommended title.

    Attributes
    ----------
    item_id : int
    score : float
        Higher is better; comparable within one call.
    reason : str
        Short human-readable reason, e.g. ``Because you watched "Heat"``.
    because : int or None
        The watched title that drove the score most, when there is one.
    source : str
        ``"collaborative"``, ``"content"`` or ``"popularity"``.
    """

    item_id: int
    score: float
    reason: str
    because: int | None
    source: str

    def to_dict(self) -> dict:
        """Plain-dict form (for JSON responses)."""
        return asdict(self)


def _now_version() -> tuple[str, str]:
    now = _dt.datetime.now(_dt.UTC)
    return now.strftime("%Y%m%dT%H%M%S%fZ") + "-" + uuid.uuid4().hex[:6], now.isoformat()


class BaseRecommender:
    """Common machinery; subclasses implement :meth:`_fit_model` and :meth:`_score`.

    Parameters
    ----------
    history_half_life : float or None
        Recency weighting of a history, in number of interactions: the item
        watched ``n`` titles ago counts ``0.5 ** (n / history_half_life)``.
        ``None`` weighs every item alike.
    """

    name = "base"
    #: How many of the most recent titles form the content query.
    content_history: int = 300
    #: Names of constructor parameters (saved with the model, shown by the CLI).
    param_names: tuple[str, ...] = ("history_half_life",)

    def __init__(self, history_half_life: float | None = None):
        if history_half_life is not None and history_half_life <= 0:
            raise ValueError("history_half_life must be positive, or None to disable it.")
        self.history_half_life = history_half_life
        self.version: str | None = None
        self.trained_at: str | None = None
        self.metrics: dict = {}
        self.item_ids = np.empty(0, dtype=np.int64)
        self.user_ids = np.empty(0, dtype=np.int64)
        self.titles: list[str] = []

    # ------------------------------------------------------------------ fit
    def get_params(self) -> dict:
        """Constructor parameters as a dict."""
        return {name: getattr(self, name) for name in self.param_names}

    def fit(
        self,
        interactions: Interactions,
        features: ItemFeatures | None = None,
        progress: Callable[[str, float], None] | None = None,
    ) -> BaseRecommender:
        """Learn from feedback (and item features, used by content-aware models).

        Parameters
        ----------
        interactions : Interactions
            Weighted feedback; negative weights are dislikes.
        features : ItemFeatures, optional
            Catalog metadata. Items listed here but never interacted with
            become candidates too (scored by content where the model can).
        progress : callable, optional
            ``progress(stage, fraction)`` called as fitting advances;
            ``fraction`` is the share of the whole fit done so far (0 to 1,
            never decreasing), ``stage`` names the step, for a progress bar.

        Returns
        -------
        self
        """
        if not isinstance(interactions, Interactions):
            raise TypeError("interactions must be an Interactions; wrap your arrays in one.")
        if len(interactions) == 0:
            raise ValueError("no interactions to learn from; log some plays or ratings first.")
        report = progress or (lambda stage, fraction: None)
        items = np.unique(interactions.item_ids)
        if features is not None:
            items = np.union1d(items, features.item_ids)
        self.item_ids = items
        self.user_ids = np.unique(interactions.user_ids)
        self.titles = [""] * len(items)
        if features is not None:
            pos = np.searchsorted(items, features.item_ids)
            for p, t in zip(pos.tolist(), features.titles):
                self.titles[p] = t or ""
        # Positive feedback counts (popularity) and the per-user history.
        raw = interactions.to_csr(self.user_ids, self.item_ids, dtype=np.float32)
        self.pop = np.asarray((raw > 0).sum(axis=0), dtype=np.float32).ravel()
        self.n_interactions = int(raw.nnz)
        self._hist = self._history_matrix(interactions)
        self._hist_raw = raw
        report("prepare", _PREPARED)
        self._fit_model(raw, features, report)
        self.version, self.trained_at = _now_version()
        self._tie = tie_break_ranks(len(self.item_ids))
        report("done", 1.0)
        return self

    def _history_matrix(self, inter: Interactions) -> sp.csr_matrix:
        """Users x items query weights: feedback weight times recency decay."""
        raw = inter.to_csr(self.user_ids, self.item_ids, dtype=np.float32)
        # Last timestamp per stored pair (aligned with raw.data).
        self._pair_ts = _max_duplicates(inter, self.user_ids, self.item_ids)
        rows = np.repeat(np.arange(raw.shape[0]), np.diff(raw.indptr))
        order = np.lexsort((raw.indices, self._pair_ts, rows))
        rank = np.empty(raw.nnz, dtype=np.int64)
        rank[order] = np.arange(raw.nnz) - raw.indptr[rows[order]]
        self._rank_from_end = (np.diff(raw.indptr)[rows] - 1 - rank).astype(np.float32)
        keep = self._rank_from_end < self.content_history
        self._chist = sp.csr_matrix(
            (raw.data[keep], (rows[keep], raw.indices[keep])), shape=raw.shape
        )
        return self._decay_history(raw)

    def _decay_history(self, raw: sp.csr_matrix) -> sp.csr_matrix:
        """Apply the recency half life (rank from each user's newest title)."""
        if self.history_half_life is None:
            return raw
        data = raw.data * (0.5 ** (self._rank_from_end / self.history_half_life))
        return sp.csr_matrix((data.astype(np.float32), raw.indices, raw.indptr), shape=raw.shape)

    def _fit_model(self, X: sp.csr_matrix, features, report) -> None:
        raise NotImplementedError

    def set_scoring(self, **params) -> BaseRecommender:
        """Change parameters that act at scoring time only, without refitting.

        Only ``history_half_life`` here (subclasses add theirs); used by the
        validation search and usable after loading (needs a fitted model,
        not a loaded one, for ``history_half_life``).
        """
        if "history_half_life" in params:
            hl = params.pop("history_half_life")
            if hl != self.history_half_life:
                if not hasattr(self, "_rank_from_end"):
                    raise ValueError("history_half_life can only change on a freshly fitted model.")
                self.history_half_life = hl
                self._hist = self._decay_history(self._hist_raw)
        if params:
            raise ValueError(f"not scoring-time parameters: {sorted(params)}; refit instead.")
        return self

    def score_users(self, rows: np.ndarray) -> np.ndarray:
        """Dense scores (len(rows) x n_items) for training users at ``rows`` (evaluation)."""
        out = np.empty((len(rows), self.n_items), dtype=np.float32)
        for r, u in enumerate(np.asarray(rows).tolist()):
            out[r] = self._score(self._user_history(u))
        return out

    def _score(self, q: Query) -> np.ndarray:
        """Scores of every item (float32, length ``n_items``) for a history."""
        raise NotImplementedError

    # ------------------------------------------------------------ properties
    @property
    def n_items(self) -> int:
        """Number of candidate titles."""
        return len(self.item_ids)

    @property
    def n_users(self) -> int:
        """Number of profiles seen in training."""
        return len(self.user_ids)

    def _item_index(self, ids: Iterable[int]) -> np.ndarray:
        """Positions of known item ids (unknown ids are dropped)."""
        if isinstance(ids, np.ndarray) and ids.dtype.kind in "iu":
            # Pages pass the visible catalog as an array: no per-id Python conversion.
            ids = ids.astype(np.int64, copy=False).ravel()
        else:
            ids = np.fromiter((int(i) for i in ids), dtype=np.int64)
        if ids.size == 0 or self.n_items == 0:
            return np.empty(0, dtype=np.int64)
        pos = np.searchsorted(self.item_ids, ids)
        pos = np.minimum(pos, self.n_items - 1)
        return pos[self.item_ids[pos] == ids]

    def _user_row(self, user_id: int) -> int | None:
        if self.n_users == 0:
            return None
        p = int(np.searchsorted(self.user_ids, int(user_id)))
        if p < self.n_users and self.user_ids[p] == int(user_id):
            return p
        return None

    def _user_history(self, row: int) -> Query:
        h = self._hist
        a, b = h.indptr[row], h.indptr[row + 1]
        c = self._chist
        ca, cb = c.indptr[row], c.indptr[row + 1]
        return Query(
            h.indices[a:b].astype(np.int64),
            h.data[a:b].astype(np.float32),
            c.indices[ca:cb].astype(np.int64),
            c.data[ca:cb].astype(np.float32),
        )

    def _parse_history(self, history: History) -> Query:
        """(item positions, weights) of an ad-hoc history, recency-weighted by order."""
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
        if self.history_half_life is not None and len(w):
            w = w * (0.5 ** (np.arange(len(w))[::-1] / self.history_half_life)).astype(np.float32)
        ids = np.asarray(ids, dtype=np.int64)
        if ids.size == 0 or self.n_items == 0:
            return Query.empty()
        pos = np.minimum(np.searchsorted(self.item_ids, ids), self.n_items - 1)
        ok = self.item_ids[pos] == ids
        pos, w, raw = pos[ok], w[ok], raw[ok]
        if len(np.unique(pos)) < len(pos):  # a title listed twice: keep its last entry
            last = np.sort(len(pos) - 1 - np.unique(pos[::-1], return_index=True)[1])
            pos, w, raw = pos[last], w[last], raw[last]
        n = self.content_history
        return Query(pos, w, pos[-n:], raw[-n:])

    # ----------------------------------------------------------- selection
    def _select(
        self,
        scores: np.ndarray,
        k: int,
        exclude_idx: np.ndarray,
        allowed: Iterable[int] | None,
    ) -> np.ndarray:
        if k < 0:
            raise ValueError(f"k must be >= 0, got {k}.")
        s = np.asarray(scores, dtype=np.float64).copy()
        if allowed is not None:
            keep = self._item_index(allowed)
            mask = np.full(s.shape, -np.inf)
            mask[keep] = 0.0
            s += mask
        if exclude_idx.size:
            s[exclude_idx] = -np.inf
        from .metrics import top_k_with_ties

        return top_k_with_ties(s, k, self._tie)

    def _wrap(self, top: np.ndarray, scores: np.ndarray, q: Query) -> list[Recommendation]:
        anchors, sources = self._reasons(top, q)
        # Whole-array lookups: an element read from a memory-mapped array costs
        # a Python-level __getitem__, and pages wrap dozens of items.
        item_ids = np.asarray(self.item_ids)
        out = []
        for item, score, a, src in zip(
            item_ids[top].tolist(), scores[top].tolist(), anchors, sources
        ):
            because = int(item_ids[a]) if a is not None else None
            if because is not None:
                reason = f"Because you watched {self._label(a)}"
            elif src == "content":
                reason = "Matches your taste in genres and people"
            else:
                reason = "Popular on Marquee"
            out.append(Recommendation(item, score, reason, because, src))
        return out

    def _reasons(self, top: np.ndarray, q: Query):
        """Per recommended item: (anchor history position or None, source)."""
        return [None] * len(top), ["popularity"] * len(top)

    def _label(self, pos: int) -> str:
        t = self.titles[pos] if pos < len(self.titles) else ""
        return f'"{t}"' if t else f"title {int(self.item_ids[pos])}"

    # ----------------------------------------------------------------- API
    def recommend(
        self,
        user_id: int,
        k: int = 20,
        exclude: Iterable[int] | None = None,
        allowed: Iterable[int] | None = None,
        exclude_seen: bool = True,
    ) -> list[Recommendation]:
        """Top-``k`` titles for a profile known at training time.

        Parameters
        ----------
        user_id : int
        k : int
        exclude : iterable of int, optional
            Item ids never to return (e.g. blocked titles).
        allowed : iterable of int, optional
            If given, only these item ids may be returned (kids profiles,
            maturity limits).
        exclude_seen : bool
            Leave out what the profile already interacted with.

        Returns
        -------
        list of Recommendation
            Best first. An unknown profile gets :meth:`popular`.
        """
        row = self._user_row(user_id)
        if row is None:
            return self.popular(k, allowed=allowed, exclude=exclude)
        return self._recommend(self._user_history(row), k, exclude, allowed, exclude_seen)

    def recommend_for_history(
        self,
        history: History,
        k: int = 20,
        exclude: Iterable[int] | None = None,
        allowed: Iterable[int] | None = None,
        exclude_seen: bool = True,
    ) -> list[Recommendation]:
        """Top-``k`` titles for an ad-hoc history, without retraining (fold-in).

        Parameters
        ----------
        history : mapping item_id -> weight, or sequence of item ids or (id, weight)
            Oldest first (recency weighting follows this order). A negative
            weight is a thumbs down; unknown ids are ignored.
        k, exclude, allowed, exclude_seen
            As in :meth:`recommend`.
        """
        q = self._parse_history(history)
        if q.idx.size == 0:
            return self.popular(k, allowed=allowed, exclude=exclude)
        return self._recommend(q, k, exclude, allowed, exclude_seen)

    def _recommend(self, q: Query, k, exclude, allowed, exclude_seen) -> list[Recommendation]:
        scores = self._score(q)
        excl = self._item_index(exclude) if exclude is not None else np.empty(0, dtype=np.int64)
        if exclude_seen:
            excl = np.concatenate([excl, q.idx])
        top = self._select(scores, k, excl, allowed)
        return self._wrap(top, scores, q)

    def rank(
        self, history_or_user: History | int, candidates: Iterable[int]
    ) -> list[Recommendation]:
        """Order the given candidate ids for a profile id or an ad-hoc history.

        Unknown candidate ids are dropped; seen items are not removed.
        """
        if isinstance(history_or_user, int | np.integer):
            row = self._user_row(int(history_or_user))
            q = Query.empty() if row is None else self._user_history(row)
        else:
            q = self._parse_history(history_or_user)
        cand = self._item_index(candidates)
        scores = self.pop.astype(np.float64) if q.idx.size == 0 else self._score(q)
        return self._wrap(
            self._select(scores, len(cand), np.empty(0, dtype=np.int64), self.item_ids[cand]),
            scores,
            q,
        )

    def order(self, history_or_user: History | int, candidates: Iterable[int]) -> list[int]:
        """The candidate ids best first, like :meth:`rank` but without reasons.

        Computing a reason costs a pass over the history per item; pages that
        order hundreds of titles and show reasons for a few use this.
        """
        if isinstance(history_or_user, int | np.integer):
            row = self._user_row(int(history_or_user))
            q = Query.empty() if row is None else self._user_history(row)
        else:
            q = self._parse_history(history_or_user)
        cand = self._item_index(candidates)
        scores = self.pop.astype(np.float64) if q.idx.size == 0 else self._score(q)
        top = self._select(scores, len(cand), np.empty(0, dtype=np.int64), self.item_ids[cand])
        return np.asarray(self.item_ids)[top].tolist()

    def popular(
        self,
        k: int = 20,
        allowed: Iterable[int] | None = None,
        exclude: Iterable[int] | None = None,
    ) -> list[Recommendation]:
        """Most watched titles (the fallback for unknown or empty profiles)."""
        excl = self._item_index(exclude) if exclude is not None else np.empty(0, dtype=np.int64)
        top = self._select(self.pop, k, excl, allowed)
        return [
            Recommendation(
                int(self.item_ids[j]), float(self.pop[j]), "Popular on Marquee", None, "popularity"
            )
            for j in top.tolist()
        ]

    def similar_items(
        self,
        item_id: int,
        k: int = 20,
        allowed: Iterable[int] | None = None,
        exclude: Iterable[int] | None = None,
    ) -> list[Recommendation]:
        """Titles like ``item_id`` ("More like this", "Because you watched X").

        Raises
        ------
        ValueError
            If ``item_id`` is not in the model.
        """
        pos = self._item_index([item_id])
        if pos.size == 0:
            raise ValueError(f"item {item_id} is unknown to this model; add it with add_items.")
        scores = self._similar_scores(int(pos[0]))
        excl = self._item_index(exclude) if exclude is not None else np.empty(0, dtype=np.int64)
        top = self._select(scores, k, np.concatenate([excl, pos]), allowed)
        return self._similar_wrap(top, scores, int(pos[0]))

    def _similar_scores(self, anchor: int) -> np.ndarray:
        """Scores of every title as a neighbour of the title at position ``anchor``."""
        one = np.ones(1, dtype=np.float32)
        a = np.array([anchor])
        return self._score(Query(a, one, a, one))

    def _similar_wrap(self, top, scores, anchor) -> list[Recommendation]:
        return [
            Recommendation(
                int(self.item_ids[j]),
                float(scores[j]),
                f"Viewers of {self._label(anchor)} also watched this",
                int(self.item_ids[anchor]),
                "collaborative",
            )
            for j in top.tolist()
        ]

    # ------------------------------------------------------ persistence hooks
    def _arrays(self) -> dict[str, np.ndarray]:
        h, r = self._hist, self._hist_raw
        return {
            "item_ids": self.item_ids,
            "user_ids": self.user_ids,
            "pop": self.pop,
            "hist_indptr": h.indptr,
            "hist_indices": h.indices,
            "hist_data": h.data,
            "raw_data": r.data,
            "chist_indptr": self._chist.indptr,
            "chist_indices": self._chist.indices,
            "chist_data": self._chist.data,
        }

    def _meta(self) -> dict:
        return {
            "class": type(self).__name__,
            "params": self.get_params(),
            "version": self.version,
            "trained_at": self.trained_at,
            "metrics": self.metrics,
            "n_interactions": self.n_interactions,
            "titles": self.titles,
        }

    def _restore(self, meta: dict, arrays: Mapping[str, np.ndarray]) -> None:
        self.version, self.trained_at = meta["version"], meta["trained_at"]
        self.metrics = meta.get("metrics", {})
        self.n_interactions = meta["n_interactions"]
        self.titles = meta["titles"]
        self.item_ids, self.user_ids, self.pop = (
            arrays["item_ids"],
            arrays["user_ids"],
            arrays["pop"],
        )
        shape = (len(self.user_ids), len(self.item_ids))
        self._hist = sp.csr_matrix(
            (arrays["hist_data"], arrays["hist_indices"], arrays["hist_indptr"]), shape=shape
        )
        self._hist_raw = sp.csr_matrix(
            (arrays["raw_data"], arrays["hist_indices"], arrays["hist_indptr"]), shape=shape
        )
        self._chist = sp.csr_matrix(
            (arrays["chist_data"], arrays["chist_indices"], arrays["chist_indptr"]), shape=shape
        )
        self._tie = tie_break_ranks(len(self.item_ids))


def _max_duplicates(inter: Interactions, users: np.ndarray, items: np.ndarray) -> np.ndarray:
    """Per stored CSR entry (row-major, sorted indices), the pair's latest timestamp."""
    u = np.searchsorted(users, inter.user_ids)
    i = np.searchsorted(items, inter.item_ids)
    key = u * len(items) + i
    order = np.lexsort((inter.timestamps, key))
    key_s = key[order]
    last = np.r_[key_s[1:] != key_s[:-1], True]
    return inter.timestamps[order][last]
