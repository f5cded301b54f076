"""Input data types and the event-log to implicit-feedback conversion.

``Interactions`` holds one row per (user, item) pair with a weight and the
time of the last event; ``ItemFeatures`` holds the catalog metadata used by the
content model. ``events_to_feedback`` turns Marquee's append-only event log
into ``Interactions``.

Feedback weighting (``events_to_feedback``)
-------------------------------------------
For each (profile, title) pair, the evidence of its events is combined as::

    play    = 0.25 + 0.75 * max_progress      if the title was started
            = 1.0                             if a 'complete' event exists
            = 0.05                            if the last playback event is
                                              an 'abandon' and the title never
                                              got past 10 % progress
    rating  = +1.0 for thumbs up (rate value 1), +2.0 for "love it" (value 2)
              (the latest 'rate'/'unrate' event wins; 'unrate' clears it)
    list    = +0.5 while the title is on the list ('list_add' not undone)
    click   = +0.1 once if the title detail page was clicked
    weight  = (play + rating + list + click) * 0.5 ** (age_days / half_life)

A thumbs down (rate value -1) overrides everything: the weight is
``-1.0 * decay``. Impressions carry no weight. ``age_days`` is measured from
the last event of the pair to ``now``. The default half life is 180 days:
tastes drift over seasons, not weeks, and a year-old completion still counts
a quarter. Pairs whose weight is exactly zero are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

__all__ = ["FEEDBACK_WEIGHTS", "Interactions", "ItemFeatures", "events_to_feedback"]

#: The constants of the feedback weighting (documented in the module docstring).
FEEDBACK_WEIGHTS = {
    "start": 0.25,
    "progress": 0.75,
    "complete": 1.0,
    "early_abandon": 0.05,
    "early_abandon_progress": 0.10,
    "thumbs_up": 1.0,
    "love": 2.0,
    "thumbs_down": -1.0,
    "list": 0.5,
    "click": 0.1,
}
DEFAULT_HALF_LIFE_DAYS = 180.0


@dataclass
class Interactions:
    """Implicit feedback, one row per (user, item) pair.

    Parameters
    ----------
    user_ids, item_ids : array-like of int
        External ids (profiles and titles).
    weights : array-like of float, optional
        Strength of the evidence; negative means disliked. Default 1.0.
    timestamps : array-like of float, optional
        Unix seconds of the last event of the pair. Default 0.0.

    Notes
    -----
    Duplicate pairs are allowed; :meth:`to_csr` sums their weights.
    """

    user_ids: np.ndarray
    item_ids: np.ndarray
    weights: np.ndarray | None = None
    timestamps: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.user_ids = np.asarray(self.user_ids, dtype=np.int64).ravel()
        self.item_ids = np.asarray(self.item_ids, dtype=np.int64).ravel()
        n = self.user_ids.shape[0]
        if self.item_ids.shape[0] != n:
            raise ValueError(
                f"user_ids has {n} rows but item_ids has {self.item_ids.shape[0]}; "
                "pass parallel arrays of equal length."
            )
        if self.weights is None:
            self.weights = np.ones(n, dtype=np.float32)
        else:
            self.weights = np.asarray(self.weights, dtype=np.float32).ravel()
        if self.timestamps is None:
            self.timestamps = np.zeros(n, dtype=np.float64)
        else:
            self.timestamps = np.asarray(self.timestamps, dtype=np.float64).ravel()
        for name in ("weights", "timestamps"):
            if getattr(self, name).shape[0] != n:
                raise ValueError(f"{name} must have one entry per interaction ({n}).")
        if n and not np.all(np.isfinite(self.weights)):
            raise ValueError("weights contain NaN or inf; drop or fill those rows first.")

    def __len__(self) -> int:
        return int(self.user_ids.shape[0])

    def subset(self, mask: np.ndarray) -> Interactions:
        """Rows where ``mask`` is true (a boolean array or an index array)."""
        return Interactions(
            self.user_ids[mask], self.item_ids[mask], self.weights[mask], self.timestamps[mask]
        )

    def to_csr(
        self, user_index: np.ndarray, item_index: np.ndarray, dtype=np.float32
    ) -> sp.csr_matrix:
        """Sum weights into a ``len(user_index) x len(item_index)`` CSR matrix.

        ``user_index`` and ``item_index`` are sorted arrays of external ids; rows
        whose ids are absent from them are dropped.
        """
        u = np.searchsorted(user_index, self.user_ids)
        i = np.searchsorted(item_index, self.item_ids)
        u_ok = (u < len(user_index)) & (
            user_index[np.minimum(u, len(user_index) - 1)] == self.user_ids
        )
        i_ok = (i < len(item_index)) & (
            item_index[np.minimum(i, len(item_index) - 1)] == self.item_ids
        )
        ok = u_ok & i_ok
        m = sp.csr_matrix(
            (self.weights[ok].astype(dtype), (u[ok], i[ok])),
            shape=(len(user_index), len(item_index)),
        )
        m.sum_duplicates()
        return m


@dataclass
class ItemFeatures:
    """Catalog metadata, parallel lists with one entry per item.

    Parameters
    ----------
    item_ids : sequence of int
    genres : sequence of list of str, optional
    people : sequence of list of (name, role), optional
        Roles: ``"director"``, ``"cast"``, ``"creator"`` (others are kept as is).
    keywords : sequence of list of str, optional
    year : sequence of int or None, optional
    maturity : sequence of int or None, optional
        Minimum viewer age.
    text : sequence of str, optional
        Synopsis (or, for MovieLens, the tag text).
    """

    item_ids: Sequence[int]
    genres: Sequence[Sequence[str]] | None = None
    people: Sequence[Sequence[tuple[str, str]]] | None = None
    keywords: Sequence[Sequence[str]] | None = None
    year: Sequence[int | None] | None = None
    maturity: Sequence[int | None] | None = None
    text: Sequence[str] | None = None
    titles: Sequence[str] | None = field(default=None)

    def __post_init__(self) -> None:
        self.item_ids = np.asarray(self.item_ids, dtype=np.int64).ravel()
        n = len(self.item_ids)
        if len(np.unique(self.item_ids)) != n:
            raise ValueError("item_ids must be unique; merge duplicate catalog rows first.")
        defaults = {
            "genres": lambda: [[] for _ in range(n)],
            "people": lambda: [[] for _ in range(n)],
            "keywords": lambda: [[] for _ in range(n)],
            "year": lambda: [None] * n,
            "maturity": lambda: [None] * n,
            "text": lambda: [""] * n,
            "titles": lambda: [""] * n,
        }
        for name, make in defaults.items():
            value = getattr(self, name)
            if value is None:
                setattr(self, name, make())
            else:
                value = list(value)
                if len(value) != n:
                    raise ValueError(
                        f"ItemFeatures.{name} has {len(value)} entries for {n} item_ids; "
                        "pass one entry per item (an empty list or None when unknown)."
                    )
                setattr(self, name, value)

    def __len__(self) -> int:
        return len(self.item_ids)

    def take(self, index: Sequence[int] | np.ndarray) -> ItemFeatures:
        """A new ``ItemFeatures`` with the rows at positions ``index``."""
        idx = np.asarray(index, dtype=np.int64)
        pick = lambda xs: [xs[j] for j in idx]
        return ItemFeatures(
            item_ids=self.item_ids[idx],
            genres=pick(self.genres),
            people=pick(self.people),
            keywords=pick(self.keywords),
            year=pick(self.year),
            maturity=pick(self.maturity),
            text=pick(self.text),
            titles=pick(self.titles),
        )


def events_to_feedback(
    user_ids,
    item_ids,
    timestamps,
    event_types,
    values=None,
    now: float | None = None,
    half_life_days: float | None = DEFAULT_HALF_LIFE_DAYS,
) -> Interactions:
    """Turn a Marquee event log into weighted implicit feedback.

    Parameters
    ----------
    user_ids, item_ids : array-like of int
        Profile and title of each event.
    timestamps : array-like of float
        Unix seconds.
    event_types : array-like of str
        ``play_start``, ``heartbeat``, ``complete``, ``abandon``, ``rate``,
        ``unrate``, ``list_add``, ``list_remove``, ``click``, ``impression``;
        unknown types are ignored.
    values : array-like of float, optional
        Progress fraction (0..1) for play events, rating (-1, 1, 2) for
        ``rate``, NaN otherwise.
    now : float, optional
        Reference time for the decay; default: the latest timestamp.
    half_life_days : float or None
        Half life of the recency decay; ``None`` disables it.

    Returns
    -------
    Interactions
        One row per pair with a non-zero weight; ``timestamps`` is the pair's
        last event time.

    See the module docstring for the weighting rules.
    """
    uid = np.asarray(user_ids, dtype=np.int64).ravel()
    iid = np.asarray(item_ids, dtype=np.int64).ravel()
    ts = np.asarray(timestamps, dtype=np.float64).ravel()
    et = np.asarray(event_types).astype(str).ravel()
    n = uid.shape[0]
    val = np.full(n, np.nan) if values is None else np.asarray(values, dtype=np.float64).ravel()
    if not (iid.shape[0] == ts.shape[0] == et.shape[0] == val.shape[0] == n):
        raise ValueError("all event arrays must have the same length; pass one entry per event.")
    if half_life_days is not None and half_life_days <= 0:
        raise ValueError("half_life_days must be positive, or None to disable the decay.")
    if n == 0:
        return Interactions(uid, iid)

    w = FEEDBACK_WEIGHTS
    order = np.argsort(ts, kind="stable")
    uid, iid, ts, et, val = uid[order], iid[order], ts[order], et[order], val[order]
    pairs, inv = np.unique(np.stack([uid, iid], axis=1), axis=0, return_inverse=True)
    inv = inv.ravel()
    m = len(pairs)

    last_ts = np.full(m, -np.inf)
    np.maximum.at(last_ts, inv, ts)

    is_play = np.isin(et, ["play_start", "heartbeat", "abandon", "complete"])
    progress = np.where(np.isnan(val), 0.0, np.clip(val, 0.0, 1.0))
    max_prog = np.full(m, -1.0)  # -1: never played
    np.maximum.at(max_prog, inv[is_play], progress[is_play])
    completed = np.zeros(m, dtype=bool)
    completed[inv[et == "complete"]] = True
    played = max_prog >= 0
    play = np.where(played, w["start"] + w["progress"] * np.maximum(max_prog, 0.0), 0.0)
    # Early abandon: the last playback event is an abandon below the threshold.
    last_play = np.full(m, -1, dtype=np.int64)
    play_idx = np.flatnonzero(is_play)
    last_play[inv[play_idx]] = play_idx  # events are time-sorted: later writes win
    lp = np.maximum(last_play, 0)
    early = played & ~completed & (et[lp] == "abandon") & (max_prog < w["early_abandon_progress"])
    play = np.where(early, w["early_abandon"], play)
    play = np.where(completed, w["complete"], play)

    def latest(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Index of each pair's last event among ``mask`` (or -1)."""
        idx = np.flatnonzero(mask)
        last = np.full(m, -1, dtype=np.int64)
        last[inv[idx]] = idx  # events are time-sorted: later writes win
        return last, last >= 0

    r_last, has_r = latest(np.isin(et, ["rate", "unrate"]))
    r_val = np.where(has_r, val[np.maximum(r_last, 0)], np.nan)
    r_val = np.where(has_r & (et[np.maximum(r_last, 0)] == "unrate"), np.nan, r_val)
    rating = np.select([r_val >= 2, r_val > 0], [w["love"], w["thumbs_up"]], 0.0)
    disliked = r_val < 0

    l_last, has_l = latest(np.isin(et, ["list_add", "list_remove"]))
    on_list = has_l & (et[np.maximum(l_last, 0)] == "list_add")
    clicked = np.zeros(m, dtype=bool)
    clicked[inv[et == "click"]] = True

    weight = play + rating + w["list"] * on_list + w["click"] * clicked
    weight = np.where(disliked, w["thumbs_down"], weight)
    if half_life_days is not None:
        ref = float(ts.max()) if now is None else float(now)
        age_days = np.maximum(ref - last_ts, 0.0) / 86400.0
        weight = weight * 0.5 ** (age_days / half_life_days)
    keep = weight != 0
    return Interactions(pairs[keep, 0], pairs[keep, 1], weight[keep], last_ts[keep])
