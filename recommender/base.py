"""The model API shared by every recommender, and the four methods a model implements.

A model maps external ids to one sorted id index (``item_ids``, ``user_ids``)
and keeps each known user's history. A new model subclasses
:class:`BaseRecommender` and implements the abstract methods:

- :meth:`~BaseRecommender.fit`: call :meth:`~BaseRecommender._prepare`, learn,
  return :meth:`~BaseRecommender._fitted`;
- :meth:`~BaseRecommender.score`: scores of every item for a batch of
  histories (:class:`~recommender.histories.Histories`);
- :meth:`~BaseRecommender.to_arrays` / :meth:`~BaseRecommender.from_arrays`:
  the model as JSON metadata plus named arrays, and back (no pickle);

and registers itself in :mod:`recommender.registry`. Everything else is
implemented once here: recommend for a user or an ad-hoc history, ranking
candidates, exclusions and allowed-item filters, popularity fallback, ties
(a fixed random permutation of the items, seed 42, never by id). The core
(:meth:`~BaseRecommender.top`) returns positions and scores; reasons
(:meth:`~BaseRecommender.reasons`) are a separate step that only the calls
returning :class:`~recommender.results.Recommendation` take.

The module runs past 400 lines on purpose: it is one class, the API every
model shares, and most of it is that API's documentation.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import scipy.sparse as sp

from .data import Interactions, ItemFeatures
from .histories import Histories, History, Query, build_histories, decay, parse_history
from .metrics import tie_break_ranks, top_k_with_ties
from .results import Recommendation, Source

__all__ = ["BaseRecommender", "History", "Recommendation"]

#: Share of a fit's progress reached once the histories are built.
PREPARED = 0.1

Progress = Callable[[str, float], None]


def _now_version() -> tuple[str, str]:
    now = _dt.datetime.now(_dt.UTC)
    return now.strftime("%Y%m%dT%H%M%S%fZ") + "-" + uuid.uuid4().hex[:6], now.isoformat()


class BaseRecommender(ABC):
    """Common machinery; subclasses implement ``fit``, ``score``, ``to_arrays``, ``from_arrays``.

    Parameters
    ----------
    history_half_life : float or None
        Recency weighting of a history, in number of interactions: the item
        watched ``n`` titles ago counts ``0.5 ** (n / history_half_life)``.
        ``None`` weighs every item alike.
    """

    #: Display name (tables of results).
    name: str = "base"
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

    # ------------------------------------------------- what a model implements
    @abstractmethod
    def fit(
        self,
        interactions: Interactions,
        features: ItemFeatures | None = None,
        progress: Progress | None = None,
    ) -> BaseRecommender:
        """Learn from feedback (and item features, used by content-aware models).

        Implementations start with ``X, report = self._prepare(interactions,
        features, progress)`` and end with ``return self._fitted(report)``.

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

    @abstractmethod
    def score(self, histories: Histories) -> np.ndarray:
        """Scores of every item for each history: float32, ``(n_histories, n_items)``."""

    @abstractmethod
    def to_arrays(self) -> tuple[dict, dict[str, np.ndarray]]:
        """The fitted model as (JSON-able metadata, named arrays); start from ``_index_arrays``."""

    @classmethod
    @abstractmethod
    def from_arrays(cls, meta: Mapping, arrays: Mapping[str, np.ndarray]) -> BaseRecommender:
        """The model :meth:`to_arrays` describes; start from ``cls._from_index``."""

    def reasons(self, top: np.ndarray, q: Query) -> tuple[list[int | None], list[Source]]:
        """Per recommended position: (anchor history position or None, source).

        The default names no anchor and popularity; models that can tell
        which watched title drove a score override it.
        """
        return [None] * len(top), [Source.POPULARITY] * len(top)

    # ------------------------------------------------------------ fit helpers
    def get_params(self) -> dict:
        """Constructor parameters as a dict."""
        return {name: getattr(self, name) for name in self.param_names}

    def _prepare(
        self,
        interactions: Interactions,
        features: ItemFeatures | None,
        progress: Progress | None,
    ) -> tuple[sp.csr_matrix, Progress]:
        """Build the id maps, popularity and histories; return (users x items feedback, report)."""
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
        raw, self._chist, self._rank_from_end = build_histories(
            interactions, self.user_ids, self.item_ids, self.content_history
        )
        self.pop = np.asarray((raw > 0).sum(axis=0), dtype=np.float32).ravel()
        self.n_interactions = int(raw.nnz)
        self._hist_raw = raw
        self._hist = decay(raw, self._rank_from_end, self.history_half_life)
        report("prepare", PREPARED)
        return raw, report

    def _fitted(self, report: Progress) -> BaseRecommender:
        """Stamp a new version once the model has learnt."""
        self.version, self.trained_at = _now_version()
        self._tie = tie_break_ranks(len(self.item_ids))
        report("done", 1.0)
        return self

    def set_scoring(self, **params) -> BaseRecommender:
        """Change parameters that act at scoring time only, without refitting.

        Only ``history_half_life`` here (subclasses add theirs); used by the
        validation search (needs a freshly fitted model, not a loaded one).
        """
        if "history_half_life" in params:
            hl = params.pop("history_half_life")
            if hl != self.history_half_life:
                if not hasattr(self, "_rank_from_end"):
                    raise ValueError("history_half_life can only change on a freshly fitted model.")
                self.history_half_life = hl
                self._hist = decay(self._hist_raw, self._rank_from_end, hl)
        if params:
            raise ValueError(f"not scoring-time parameters: {sorted(params)}; refit instead.")
        return self

    # ------------------------------------------------------------ persistence
    def _index_arrays(self) -> tuple[dict, dict[str, np.ndarray]]:
        """What every model saves: ids, popularity, histories, titles, version."""
        h, r, c = self._hist, self._hist_raw, self._chist
        meta = {
            "params": self.get_params(),
            "version": self.version,
            "trained_at": self.trained_at,
            "metrics": self.metrics,
            "n_interactions": self.n_interactions,
            "titles": self.titles,
        }
        arrays = {
            "item_ids": self.item_ids,
            "user_ids": self.user_ids,
            "pop": self.pop,
            "hist_indptr": h.indptr,
            "hist_indices": h.indices,
            "hist_data": h.data,
            "raw_data": r.data,
            "chist_indptr": c.indptr,
            "chist_indices": c.indices,
            "chist_data": c.data,
        }
        return meta, arrays

    @classmethod
    def _from_index(cls, meta: Mapping, arrays: Mapping[str, np.ndarray]) -> BaseRecommender:
        """A model built from its parameters with the state of :meth:`_index_arrays` restored."""
        model = cls(**meta["params"])
        model.version, model.trained_at = meta["version"], meta["trained_at"]
        model.metrics = meta["metrics"]
        model.n_interactions = meta["n_interactions"]
        model.titles = meta["titles"]
        model.item_ids, model.user_ids = arrays["item_ids"], arrays["user_ids"]
        model.pop = arrays["pop"]
        shape = (len(model.user_ids), len(model.item_ids))
        ind, ptr = arrays["hist_indices"], arrays["hist_indptr"]
        model._hist = sp.csr_matrix((arrays["hist_data"], ind, ptr), shape=shape)
        model._hist_raw = sp.csr_matrix((arrays["raw_data"], ind, ptr), shape=shape)
        model._chist = sp.csr_matrix(
            (arrays["chist_data"], arrays["chist_indices"], arrays["chist_indptr"]), shape=shape
        )
        model._tie = tie_break_ranks(len(model.item_ids))
        return model

    # ------------------------------------------------------------- ids, rows
    @property
    def n_items(self) -> int:
        """Number of candidate titles."""
        return len(self.item_ids)

    @property
    def n_users(self) -> int:
        """Number of profiles seen in training."""
        return len(self.user_ids)

    def title_of(self, item_id: int) -> str:
        """The title's name as given at fit time ("" when unknown or unnamed)."""
        pos = self._item_index([item_id])
        return self.titles[int(pos[0])] if pos.size and pos[0] < len(self.titles) else ""

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
        h, r, c = self._hist, self._hist_raw, self._chist
        a, b = h.indptr[row], h.indptr[row + 1]
        ca, cb = c.indptr[row], c.indptr[row + 1]
        return Query(
            h.indices[a:b].astype(np.int64),
            h.data[a:b].astype(np.float32),
            c.indices[ca:cb].astype(np.int64),
            c.data[ca:cb].astype(np.float32),
            r.data[a:b].astype(np.float32),
        )

    def _query(self, history_or_user: History | int) -> Query:
        """A known profile's history (empty when unknown) or an ad-hoc one."""
        if isinstance(history_or_user, int | np.integer):
            row = self._user_row(int(history_or_user))
            return Query.empty() if row is None else self._user_history(row)
        return self._parse_history(history_or_user)

    def _parse_history(self, history: History) -> Query:
        return parse_history(history, self.item_ids, self.history_half_life, self.content_history)

    # --------------------------------------------------------------- scoring
    def _histories(self, rows: np.ndarray) -> Histories:
        """The histories of the training users at ``rows``, as one batch."""
        rows = np.asarray(rows)
        return Histories(
            self._hist[rows].tocsr(), self._hist_raw[rows].tocsr(), self._chist[rows].tocsr()
        )

    def score_users(self, rows: np.ndarray) -> np.ndarray:
        """Dense scores (len(rows) x n_items) for training users at ``rows`` (evaluation)."""
        return self.score(self._histories(rows))

    def _score_one(self, q: Query) -> np.ndarray:
        """Scores of every item for one history (a batch of one)."""
        return self.score(q.batch(self.n_items))[0]

    def _similar_scores(self, anchor: int) -> np.ndarray:
        """Scores of every title as a neighbour of the title at position ``anchor``."""
        return self._score_one(Query.of_item(anchor))

    def top(
        self,
        scores: np.ndarray,
        k: int,
        exclude: np.ndarray | None = None,
        allowed: Iterable[int] | None = None,
    ) -> np.ndarray:
        """Positions of the ``k`` best items by ``scores``, best first (the core).

        ``exclude``: item positions never returned; ``allowed``: if given, the
        only item ids that may be returned. Ties follow the fixed permutation.
        """
        if k < 0:
            raise ValueError(f"k must be >= 0, got {k}.")
        s = np.asarray(scores, dtype=np.float64).copy()
        if allowed is not None:
            mask = np.full(s.shape, -np.inf)
            mask[self._item_index(allowed)] = 0.0
            s += mask
        if exclude is not None and exclude.size:
            s[exclude] = -np.inf
        return top_k_with_ties(s, k, self._tie)

    def _explained(self, top: np.ndarray, scores: np.ndarray, q: Query) -> list[Recommendation]:
        """The reasons step: :class:`Recommendation` for each position of ``top``."""
        anchors, sources = self.reasons(top, q)
        # Whole-array lookups: an element read from a memory-mapped array costs
        # a Python-level __getitem__, and pages wrap dozens of items.
        item_ids = np.asarray(self.item_ids)
        return [
            Recommendation(item, score, src, int(item_ids[a]) if a is not None else None)
            for item, score, a, src in zip(
                item_ids[top].tolist(), scores[top].tolist(), anchors, sources
            )
        ]

    def _excluded(self, exclude: Iterable[int] | None) -> np.ndarray:
        return self._item_index(exclude) if exclude is not None else np.empty(0, dtype=np.int64)

    # ------------------------------------------------------------------- API
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

    def scores_for_history(
        self,
        history: History,
        k: int = 20,
        exclude: Iterable[int] | None = None,
        allowed: Iterable[int] | None = None,
        exclude_seen: bool = True,
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`recommend_for_history` without the reasons step: (item ids, scores), best first.

        The same titles and scores, as two arrays. A reason costs a pass over
        the history per title: a caller that re-orders a wider pool (by time
        of day, say) takes this, then :meth:`explain_for_history` for the few
        titles it keeps. An empty history gets :meth:`popular`'s titles and
        scores.
        """
        q = self._parse_history(history)
        if q.idx.size == 0:
            top = self.top(self.pop, k, self._excluded(exclude), allowed)
            scores = self.pop
        else:
            scores = self._score_one(q)
            top = self.top(scores, k, self._seen_excluded(q, exclude, exclude_seen), allowed)
        ids = np.asarray(self.item_ids)[top]
        return ids, np.asarray(scores)[top].astype(np.float64)

    def explain_for_history(
        self, history: History, item_ids: Iterable[int], scores: Iterable[float]
    ) -> list[Recommendation]:
        """The reasons step for chosen titles of a history: one :class:`Recommendation` each.

        In the order given and with the scores given (e.g. from
        :meth:`scores_for_history`, re-ordered); a title's reason does not
        depend on the others. With an empty history every source is popularity.

        Raises
        ------
        ValueError
            If a title is unknown to the model or the two lengths differ.
        """
        ids = np.asarray(list(item_ids), dtype=np.int64)
        values = np.asarray(list(scores), dtype=np.float64)
        if len(ids) != len(values):
            raise ValueError(f"{len(ids)} titles but {len(values)} scores; give one score each.")
        top = self._item_index(ids)
        if len(top) != len(ids):
            raise ValueError("a title is unknown to this model; explain only titles it returned.")
        full = np.zeros(self.n_items, dtype=np.float64)
        full[top] = values
        q = self._parse_history(history)
        if q.idx.size == 0:
            return [
                Recommendation(int(i), float(v), Source.POPULARITY)
                for i, v in zip(ids.tolist(), values.tolist(), strict=True)
            ]
        return self._explained(top, full, q)

    def _seen_excluded(self, q: Query, exclude, exclude_seen: bool) -> np.ndarray:
        excl = self._excluded(exclude)
        return np.concatenate([excl, q.idx]) if exclude_seen else excl

    def _recommend(self, q: Query, k, exclude, allowed, exclude_seen) -> list[Recommendation]:
        scores = self._score_one(q)
        excl = self._seen_excluded(q, exclude, exclude_seen)
        return self._explained(self.top(scores, k, excl, allowed), scores, q)

    def _ranked(self, q: Query, candidates: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
        """(candidate positions best first, scores of every item) for a history."""
        cand = self._item_index(candidates)
        scores = self.pop.astype(np.float64) if q.idx.size == 0 else self._score_one(q)
        return self.top(scores, len(cand), allowed=self.item_ids[cand]), scores

    def rank(
        self, history_or_user: History | int, candidates: Iterable[int]
    ) -> list[Recommendation]:
        """Order the given candidate ids for a profile id or an ad-hoc history, with reasons.

        Unknown candidate ids are dropped; seen items are not removed.
        """
        q = self._query(history_or_user)
        top, scores = self._ranked(q, candidates)
        return self._explained(top, scores, q)

    def order(self, history_or_user: History | int, candidates: Iterable[int]) -> list[int]:
        """The candidate ids best first: :meth:`rank` without the reasons step.

        A reason costs a pass over the history per item; pages that order
        hundreds of titles and show reasons for a few use this.
        """
        top, _ = self._ranked(self._query(history_or_user), candidates)
        return np.asarray(self.item_ids)[top].tolist()

    def popular(
        self,
        k: int = 20,
        allowed: Iterable[int] | None = None,
        exclude: Iterable[int] | None = None,
    ) -> list[Recommendation]:
        """Most watched titles (the fallback for unknown or empty profiles)."""
        top = self.top(self.pop, k, self._excluded(exclude), allowed)
        return [
            Recommendation(int(self.item_ids[j]), float(self.pop[j]), Source.POPULARITY)
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
        top = self.top(scores, k, np.concatenate([self._excluded(exclude), pos]), allowed)
        return self._similar_explained(top, scores, int(pos[0]))

    def _similar_explained(self, top, scores, anchor) -> list[Recommendation]:
        """The reasons step of :meth:`similar_items` (co-watching, by default)."""
        anchor_id = int(self.item_ids[anchor])
        return [
            Recommendation(
                int(self.item_ids[j]), float(scores[j]), Source.COLLABORATIVE, anchor_id, True
            )
            for j in top.tolist()
        ]
