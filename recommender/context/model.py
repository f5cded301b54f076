"""The context re-ranker: per-profile genre lifts by context cell, fitted, applied and stored.

Chosen approach: per-profile genre affinities by context cell (daypart x
weekday/weekend x device class), shrunk toward the household's and then the
site's with Poisson-gamma empirical Bayes, applied as a lift on top of the
hybrid's scores for its top-N candidates. Not a learned re-ranker: a shared
profile's mornings and nights are a property of that profile and household,
which a global estimator over (score, context) features cannot express
without per-profile features; the affinities are also readable ("weekend
mornings on the TV") and cost one table lookup per request.

A profile is only re-ranked when its own log shows a context pattern (a
permutation G-test of genre against context cell, `tables.has_pattern`); any
other profile keeps the hybrid's order exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .cells import (
    DAYPARTS,
    DEVICE_CLASSES,
    N_CELLS,
    WEEKPARTS,
    cell_key,
    cell_of_request,
    context_cells,
)
from .tables import grouped, has_pattern, shrunk_ratio, summed


@dataclass
class ContextModel:
    """Genre lifts by context cell for the profiles whose log shows a context pattern.

    Parameters
    ----------
    strength : float
        How far one unit of log-lift moves a candidate, in standard deviations
        of the candidates' hybrid scores.
    site_prior, account_prior, profile_prior : float
        Pseudo-counts (expected events) of each shrinkage level: a cell's ratio
        is ``(observed + prior * parent_ratio) / (expected + prior)``.
    alpha : float
        Significance of the permutation G-test a profile's own genre x cell
        table must pass.
    permutations : int
        Shuffles of the profile's context labels the test compares against.
    min_events : int
        Fewer events than this and a profile has no pattern.
    top_n : int
        How many of the hybrid's candidates a request re-weights.
    """

    strength: float = 2.0
    site_prior: float = 5.0
    account_prior: float = 5.0
    profile_prior: float = 3.0
    alpha: float = 0.01
    permutations: int = 199
    min_events: int = 10
    top_n: int = 100
    enabled: bool = False

    def __post_init__(self) -> None:
        self.genres: list[str] = []
        self.item_ids = np.zeros(0, dtype=np.int64)
        self.item_genres = np.zeros((0, 0), dtype=np.float32)
        self.profile_ids = np.zeros(0, dtype=np.int64)
        self.lifts = np.zeros((0, N_CELLS, 0), dtype=np.float32)
        # Genre shares of all choices per cell: what the site as a whole watches when.
        self.site_counts = np.zeros((N_CELLS, 0), dtype=np.float32)
        self.metrics: dict = {}

    # -- fitting -----------------------------------------------------------------------------

    def fit(
        self,
        profile_ids,
        account_ids,
        item_ids,
        hours,
        weekdays,
        devices,
        catalog_ids: Sequence[int],
        catalog_genres: Sequence[Sequence[str]],
    ) -> ContextModel:
        """Fit on one row per viewing choice (e.g. a play start) with its local context.

        ``account_ids`` gives each event's household; ``catalog_ids`` and
        ``catalog_genres`` describe the titles (genre names per title).
        """
        self._set_catalog(catalog_ids, catalog_genres)
        users = np.asarray(profile_ids, dtype=np.int64)
        accounts = np.asarray(account_ids, dtype=np.int64)
        cells = context_cells(hours, weekdays, devices)
        rows = self._item_rows(np.asarray(item_ids, dtype=np.int64))
        keep = (cells >= 0) & (rows >= 0)
        users, accounts, cells, rows = users[keep], accounts[keep], cells[keep], rows[keep]
        n_genres = len(self.genres)
        if not len(users) or not n_genres:
            self.profile_ids = np.zeros(0, dtype=np.int64)
            self.lifts = np.zeros((0, N_CELLS, n_genres), dtype=np.float32)
            return self
        shares = sparse.csr_matrix(self.item_genres[rows].astype(np.float64))

        site = summed(np.arange(len(users)), cells, shares)
        self.site_counts = site.astype(np.float32)
        site_ratio = shrunk_ratio(site, self.site_prior, np.ones_like(site))

        _, account_of_event = np.unique(accounts, return_inverse=True)
        user_keys, user_of_event = np.unique(users, return_inverse=True)
        account_of_user = np.zeros(len(user_keys), dtype=np.int64)
        account_of_user[user_of_event] = account_of_event
        counts = np.bincount(user_of_event, minlength=len(user_keys))
        candidates = np.flatnonzero(counts >= self.min_events)
        by_user = grouped(user_of_event)
        by_account = grouped(account_of_event)

        ids, lifts = [], []
        for u in candidates.tolist():
            rows = by_user(u)
            seed = int(user_keys[u])
            if not has_pattern(cells[rows], shares[rows], seed, self.permutations, self.alpha):
                continue
            own = summed(rows, cells, shares)
            household = summed(by_account(int(account_of_user[u])), cells, shares)
            account_ratio = shrunk_ratio(household, self.account_prior, site_ratio)
            ratio = shrunk_ratio(own, self.profile_prior, account_ratio)
            ids.append(int(user_keys[u]))
            lifts.append(np.log(ratio).astype(np.float32))
        self.profile_ids = np.asarray(ids, dtype=np.int64)
        self.lifts = (
            np.stack(lifts) if lifts else np.zeros((0, N_CELLS, n_genres), dtype=np.float32)
        )
        return self

    def _set_catalog(self, catalog_ids, catalog_genres) -> None:
        ids = np.asarray(catalog_ids, dtype=np.int64)
        self.genres = sorted({g for names in catalog_genres for g in names})
        column = {g: j for j, g in enumerate(self.genres)}
        matrix = np.zeros((len(ids), len(self.genres)), dtype=np.float32)
        for i, names in enumerate(catalog_genres):
            for g in set(names):
                matrix[i, column[g]] = 1.0
        # Each title's choice is shared among its genres, so a title counts once.
        matrix /= np.maximum(matrix.sum(axis=1, keepdims=True), 1.0)
        order = np.argsort(ids, kind="stable")
        self.item_ids, self.item_genres = ids[order], matrix[order]

    def _item_rows(self, ids: np.ndarray) -> np.ndarray:
        """Row of each id in the title table, -1 when unknown or without genres."""
        if not len(self.item_ids):
            return np.full(len(ids), -1)
        pos = np.clip(np.searchsorted(self.item_ids, ids), 0, len(self.item_ids) - 1)
        found = (self.item_ids[pos] == ids) & (self.item_genres[pos].sum(axis=1) > 0)
        return np.where(found, pos, -1)

    # -- serving -----------------------------------------------------------------------------

    def has_pattern(self, profile_id: int) -> bool:
        return self._profile_row(profile_id) >= 0

    def daypart_genres(self, top: int = 3) -> dict[str, list[tuple[str, float]]]:
        """The genres the site's choices lean to in each daypart, strongest lean first.

        Summed over weekday/weekend and device class; a genre's lean is its
        share of the daypart's choices over its share of all choices (1.0:
        no lean). This table is the prior every profile's lifts shrink toward.
        """
        counts = self.site_counts.reshape(len(WEEKPARTS), len(DAYPARTS), len(DEVICE_CLASSES), -1)
        counts = counts.sum(axis=(0, 2)).astype(np.float64)
        total = counts.sum()
        out: dict[str, list[tuple[str, float]]] = {part: [] for part in DAYPARTS}
        if total <= 0:
            return out
        overall = counts.sum(axis=0) / total
        for j, part in enumerate(DAYPARTS):
            n = counts[j].sum()
            if n <= 0:
                continue
            lean = (counts[j] / n) / np.where(overall > 0, overall, 1.0)
            order = np.argsort(-lean, kind="stable")[:top]
            out[part] = [(self.genres[g], float(lean[g])) for g in order if counts[j, g] > 0]
        return out

    def _profile_row(self, profile_id: int) -> int:
        pos = int(np.searchsorted(self.profile_ids, profile_id))
        return pos if pos < len(self.profile_ids) and self.profile_ids[pos] == profile_id else -1

    def rerank(
        self, profile_id: int, candidate_ids, scores, hour, weekday, device_class
    ) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
        """The top-N candidates re-weighted for this context, best first.

        Returns (ids, scores, reason_keys): scores stay in the hybrid's units;
        a reason key (``"weekend-morning-tv"``) marks a title the context
        lifted, None elsewhere. A profile without a pattern, or an unknown
        context, gets its input back unchanged.
        """
        ids = np.asarray(candidate_ids, dtype=np.int64)
        values = np.asarray(scores, dtype=np.float64)
        unchanged = (ids, values, [None] * len(ids))
        row = self._profile_row(profile_id)
        cell = cell_of_request(hour, weekday, device_class)
        if row < 0 or cell < 0 or len(ids) < 2:
            return unchanged
        head = min(self.top_n, len(ids))
        lift = np.zeros(len(ids))
        rows = self._item_rows(ids[:head])
        known = rows >= 0
        lift[:head][known] = self.item_genres[rows[known]] @ self.lifts[row, cell]
        spread = float(values[:head].std()) or 1.0
        adjusted = values.copy()
        adjusted[:head] += self.strength * spread * lift[:head]
        order = np.r_[np.argsort(-adjusted[:head], kind="stable"), np.arange(head, len(ids))]
        key = cell_key(cell)
        # A reason only where the context lifted the title by at least half again.
        reasons = [key if lift[i] >= np.log(1.5) else None for i in order.tolist()]
        return ids[order], adjusted[order], reasons

    # -- storage -----------------------------------------------------------------------------

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "item_ids": self.item_ids,
            "item_genres": self.item_genres,
            "profile_ids": self.profile_ids,
            "lifts": self.lifts,
            "site_counts": self.site_counts,
        }

    def to_meta(self) -> dict:
        return {
            "params": {
                "strength": self.strength,
                "site_prior": self.site_prior,
                "account_prior": self.account_prior,
                "profile_prior": self.profile_prior,
                "alpha": self.alpha,
                "permutations": self.permutations,
                "min_events": self.min_events,
                "top_n": self.top_n,
            },
            "enabled": self.enabled,
            "genres": self.genres,
            "metrics": self.metrics,
        }

    @classmethod
    def from_stored(cls, meta: Mapping, arrays: Mapping[str, np.ndarray]) -> ContextModel:
        model = cls(**meta["params"], enabled=bool(meta.get("enabled", False)))
        model.genres = list(meta.get("genres", []))
        model.metrics = dict(meta.get("metrics", {}))
        model.item_ids = arrays["item_ids"]
        model.item_genres = arrays["item_genres"]
        model.profile_ids = arrays["profile_ids"]
        model.lifts = arrays["lifts"]
        # Versions trained before the site table was kept have none.
        if "site_counts" in arrays:
            model.site_counts = arrays["site_counts"]
        else:
            model.site_counts = np.zeros((N_CELLS, len(model.genres)), dtype=np.float32)
        if model.lifts.shape[1:] != (N_CELLS, len(model.genres)) or len(model.lifts) != len(
            model.profile_ids
        ):
            raise ValueError("context arrays do not match their metadata")
        return model


def context_rerank(
    model_context: ContextModel | None,
    profile_id: int,
    candidate_ids,
    scores,
    hour,
    weekday,
    device_class,
) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
    """What a page calls: the context's order when context is switched on, else the input as is."""
    if model_context is None or not model_context.enabled:
        ids = np.asarray(candidate_ids, dtype=np.int64)
        return ids, np.asarray(scores, dtype=np.float64), [None] * len(ids)
    return model_context.rerank(profile_id, candidate_ids, scores, hour, weekday, device_class)
