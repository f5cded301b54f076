"""Time of day and device: re-weighting the hybrid's top candidates by when and where.

Chosen approach: per-profile genre affinities by context cell (daypart x
weekday/weekend x device class), shrunk toward the household's and then the
site's with Poisson-gamma empirical Bayes, applied as a lift on top of the
hybrid's scores for its top-N candidates. Not a learned re-ranker: a shared
profile's mornings and nights are a property of that profile and household,
which a global estimator over (score, context) features cannot express
without per-profile features; the affinities are also readable ("weekend
mornings on the TV") and cost one table lookup per request.

A profile is only re-ranked when its own log shows a context pattern (a
permutation G-test of genre against context cell); any other profile keeps
the hybrid's order exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .metrics import ndcg_at_k, recall_at_k

__all__ = [
    "DAYPARTS",
    "DEVICE_CLASSES",
    "WEEKPARTS",
    "ContextModel",
    "compare_with_context",
    "context_cells",
    "context_rerank",
    "decide",
    "reason_text",
]

DAYPARTS = ("morning", "afternoon", "evening", "night")
WEEKPARTS = ("weekday", "weekend")
DEVICE_CLASSES = ("tv", "desktop", "mobile", "tablet")
N_CELLS = len(DAYPARTS) * len(WEEKPARTS) * len(DEVICE_CLASSES)
DEVICE_WORDS = {"tv": "the TV", "desktop": "a computer", "mobile": "a phone", "tablet": "a tablet"}


def daypart_of(hours) -> np.ndarray:
    """Local hour -> 0 morning (5-11), 1 afternoon (12-16), 2 evening (17-21), 3 night (22-4)."""
    h = np.asarray(hours, dtype=np.int64) % 24
    return np.select(
        [(h >= 5) & (h <= 11), (h >= 12) & (h <= 16), (h >= 17) & (h <= 21)], [0, 1, 2], 3
    )


def context_cells(hours, weekdays, devices) -> np.ndarray:
    """Cell index per event (-1 when a part is missing or unknown); weekday 0 = Monday."""
    hours = np.asarray(hours, dtype=np.float64)
    weekdays = np.asarray(weekdays, dtype=np.float64)
    device_codes = np.array(
        [DEVICE_CLASSES.index(d) if d in DEVICE_CLASSES else -1 for d in devices]
    )
    valid = np.isfinite(hours) & np.isfinite(weekdays) & (device_codes >= 0)
    h = np.where(valid, hours, 0).astype(np.int64)
    w = np.where(valid, weekdays, 0).astype(np.int64)
    weekend = (w % 7 >= 5).astype(np.int64)
    cells = (weekend * len(DAYPARTS) + daypart_of(h)) * len(DEVICE_CLASSES) + device_codes
    return np.where(valid, cells, -1)


def cell_key(cell: int) -> str:
    """'weekend-morning-tv' for a cell index."""
    rest, device = divmod(int(cell), len(DEVICE_CLASSES))
    weekpart, daypart = divmod(rest, len(DAYPARTS))
    return f"{WEEKPARTS[weekpart]}-{DAYPARTS[daypart]}-{DEVICE_CLASSES[device]}"


def reason_text(key: str) -> str:
    """'weekend-morning-tv' -> 'weekend mornings on the TV'."""
    weekpart, daypart, device = key.split("-")
    return f"{weekpart} {daypart}s on {DEVICE_WORDS[device]}"


def _cell_of_request(hour, weekday, device_class) -> int:
    try:
        return int(context_cells([hour], [weekday], [device_class])[0])
    except (TypeError, ValueError):
        return -1


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

        site = self._table(np.zeros(len(users), dtype=np.int64), cells, shares, 1)[0]
        site_ratio = self._ratio(site, self.site_prior, np.ones_like(site))

        _, account_of_event = np.unique(accounts, return_inverse=True)
        user_keys, user_of_event = np.unique(users, return_inverse=True)
        account_of_user = np.zeros(len(user_keys), dtype=np.int64)
        account_of_user[user_of_event] = account_of_event
        counts = np.bincount(user_of_event, minlength=len(user_keys))
        candidates = np.flatnonzero(counts >= self.min_events)
        by_user = self._grouped(user_of_event)
        by_account = self._grouped(account_of_event)

        ids, lifts = [], []
        for u in candidates.tolist():
            rows = by_user(u)
            if not self._has_pattern(cells[rows], shares[rows], int(user_keys[u])):
                continue
            own = self._table(np.zeros(len(rows), dtype=np.int64), cells[rows], shares[rows], 1)[0]
            household = self._sum(by_account(int(account_of_user[u])), cells, shares)
            account_ratio = self._ratio(household, self.account_prior, site_ratio)
            ratio = self._ratio(own, self.profile_prior, account_ratio)
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

    @staticmethod
    def _table(group: np.ndarray, cells: np.ndarray, shares, n_groups: int) -> np.ndarray:
        """Genre shares summed per (group, cell): array (n_groups, cells, genres)."""
        index = sparse.csr_matrix(
            (np.ones(len(cells)), (group * N_CELLS + cells, np.arange(len(cells)))),
            shape=(n_groups * N_CELLS, len(cells)),
        )
        return (index @ shares).toarray().reshape(n_groups, N_CELLS, -1)

    @staticmethod
    def _grouped(group: np.ndarray):
        """A function: group number -> the rows of its events."""
        order = np.argsort(group, kind="stable")
        starts = np.searchsorted(group[order], np.arange(group.max() + 2))
        return lambda g: order[starts[g] : starts[g + 1]]

    def _sum(self, rows: np.ndarray, cells: np.ndarray, shares) -> np.ndarray:
        return self._table(np.zeros(len(rows), dtype=np.int64), cells[rows], shares[rows], 1)[0]

    @staticmethod
    def _ratio(observed: np.ndarray, prior: float, parent: np.ndarray) -> np.ndarray:
        """Observed / expected-without-context, shrunk toward ``parent`` (a gamma prior)."""
        total = observed.sum()
        expected = (
            observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / total
            if total > 0
            else np.zeros_like(observed)
        )
        return (observed + prior * parent) / (expected + prior)

    def _has_pattern(self, cells: np.ndarray, shares, seed: int) -> bool:
        """Permutation G-test of independence between context cell and genre, on one profile.

        The chi-squared approximation is far too conservative on a profile's
        sparse table with fractional counts; shuffling the profile's own
        context labels gives the statistic's null distribution directly.
        """
        n = len(cells)
        if len(np.unique(cells)) < 2:
            return False
        rng = np.random.default_rng([seed, 104729])
        labels = np.vstack([cells, rng.permuted(np.tile(cells, (self.permutations, 1)), axis=1)])
        copies = len(labels)
        tables = self._table(
            np.repeat(np.arange(copies), n),
            labels.ravel(),
            sparse.vstack([shares] * copies),
            copies,
        )
        # Shuffling keeps every cell's and every genre's total, so one expectation serves all.
        expected = tables[0].sum(axis=1, keepdims=True) * tables[0].sum(axis=0, keepdims=True)
        expected = expected / n
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(tables > 0, tables * np.log(tables / expected), 0.0)
        g = 2.0 * terms.sum(axis=(1, 2))
        p_value = (1 + np.sum(g[1:] >= g[0] - 1e-9)) / copies
        return bool(p_value < self.alpha)

    # -- serving -----------------------------------------------------------------------------

    def has_pattern(self, profile_id: int) -> bool:
        return self._profile_row(profile_id) >= 0

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
        cell = _cell_of_request(hour, weekday, device_class)
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


# -- measuring ---------------------------------------------------------------------------------


def compare_with_context(
    context: ContextModel,
    candidates: Mapping[int, tuple[np.ndarray, np.ndarray]],
    requests: Sequence[tuple[int, int, int, str, set[int]]],
    k: int = 10,
) -> dict:
    """NDCG@k and recall@k with and without context, overall and by device class and daypart.

    ``candidates`` maps a profile to its hybrid (ids, scores), best first;
    each request is (profile, hour, weekday, device class, relevant ids):
    the held-out titles a profile chose in that context, with that context
    as the request's.
    """
    slices: dict[str, dict[str, list[float]]] = {}

    def add(name: str, plain: tuple[float, float], ctx: tuple[float, float]) -> None:
        s = slices.setdefault(name, {"ndcg": [], "ndcg_ctx": [], "recall": [], "recall_ctx": []})
        s["ndcg"].append(plain[0])
        s["recall"].append(plain[1])
        s["ndcg_ctx"].append(ctx[0])
        s["recall_ctx"].append(ctx[1])

    for profile, hour, weekday, device, relevant in requests:
        if profile not in candidates or not relevant:
            continue
        ids, scores = candidates[profile]
        plain = ids[:k].tolist()
        ranked = context.rerank(profile, ids, scores, hour, weekday, device)[0][:k].tolist()
        before = (ndcg_at_k(plain, relevant, k), recall_at_k(plain, relevant, k))
        after = (ndcg_at_k(ranked, relevant, k), recall_at_k(ranked, relevant, k))
        add("overall", before, after)
        add(f"device:{device}", before, after)
        add(f"daypart:{DAYPARTS[int(daypart_of([hour])[0])]}", before, after)
    order = ["overall", *(f"device:{d}" for d in DEVICE_CLASSES)]
    order += [f"daypart:{d}" for d in DAYPARTS]
    figures = {}
    for name, s in sorted(slices.items(), key=lambda kv: order.index(kv[0])):
        figures[name] = {
            "requests": len(s["ndcg"]),
            f"ndcg@{k}": float(np.mean(s["ndcg"])),
            f"ndcg@{k}_context": float(np.mean(s["ndcg_ctx"])),
            f"recall@{k}": float(np.mean(s["recall"])),
            f"recall@{k}_context": float(np.mean(s["recall_ctx"])),
        }
    return figures


def decide(figures: Mapping, margin: float = 0.02, min_requests: int = 50, k: int = 10) -> dict:
    """Switch context on when it wins overall by ``margin`` and loses on no slice with enough data.

    The rule: relative NDCG@k gain overall >= ``margin``, and on every device
    class and daypart slice with at least ``min_requests`` held-out requests,
    NDCG@k with context is not below NDCG@k without.
    """
    overall = figures.get("overall")
    if not overall or overall["requests"] == 0:
        return {"enabled": False, "gain": None, "why": "no held-out requests with a context"}
    base, with_ctx = overall[f"ndcg@{k}"], overall[f"ndcg@{k}_context"]
    gain = (with_ctx - base) / base if base > 0 else (np.inf if with_ctx > 0 else 0.0)
    losing = sorted(
        name
        for name, s in figures.items()
        if name != "overall"
        and s["requests"] >= min_requests
        and s[f"ndcg@{k}_context"] < s[f"ndcg@{k}"]
    )
    rule = f"gain >= {margin:.0%} and no slice of {min_requests}+ requests worse"
    if gain < margin:
        why = f"NDCG@{k} gain {gain:+.1%} is below {margin:.0%}"
    elif losing:
        why = "worse on " + ", ".join(losing)
    else:
        why = f"NDCG@{k} gain {gain:+.1%}, no slice worse"
    enabled = bool(gain >= margin and not losing)
    stored_gain = float(gain) if np.isfinite(gain) else None
    return {"enabled": enabled, "gain": stored_gain, "why": why, "rule": rule}
