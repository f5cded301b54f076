"""The splits of the offline protocol (``../shared/eval/PROTOCOL.md``).

- :func:`temporal_split`: per user with at least 5 interactions, the last 20 %
  (rounded up) by time, ties by item id, are held out.
- :func:`cold_split`: 10 % of the items with at least 5 interactions, drawn
  with seed 42, lose all their interactions.
"""

from __future__ import annotations

import math

import numpy as np

from .data import Interactions

__all__ = ["cold_split", "pairs_of", "temporal_split"]


def temporal_split(
    inter: Interactions, test_fraction: float = 0.2, min_interactions: int = 5
) -> tuple[Interactions, Interactions]:
    """Split each user's history by time: the last ``ceil(test_fraction * n)`` go to test.

    Users with fewer than ``min_interactions`` stay entirely in train. Test rows
    whose item never occurs in train are dropped.

    Returns
    -------
    (train, test) : tuple of Interactions
    """
    order = np.lexsort((inter.item_ids, inter.timestamps, inter.user_ids))
    users = inter.user_ids[order]
    starts = np.flatnonzero(np.r_[True, users[1:] != users[:-1]])
    ends = np.r_[starts[1:], len(users)]
    is_test = np.zeros(len(users), dtype=bool)
    for s, e in zip(starts.tolist(), ends.tolist()):
        n = e - s
        if n >= min_interactions:
            is_test[e - math.ceil(test_fraction * n) : e] = True
    train = inter.subset(order[~is_test])
    test = inter.subset(order[is_test])
    test = test.subset(np.isin(test.item_ids, np.unique(train.item_ids)))
    return train, test


def cold_split(
    inter: Interactions, fraction: float = 0.1, min_interactions: int = 5, seed: int = 42
) -> tuple[Interactions, Interactions, np.ndarray]:
    """Hide every interaction of a random ``fraction`` of the items with enough data.

    Returns
    -------
    (train, held_out, cold_items)
        ``held_out`` holds all interactions with ``cold_items`` (sorted ids).
    """
    items, counts = np.unique(inter.item_ids, return_counts=True)
    eligible = items[counts >= min_interactions]
    n_cold = round(fraction * len(eligible))
    rng = np.random.default_rng(seed)
    cold = np.sort(rng.choice(eligible, size=n_cold, replace=False))
    is_cold = np.isin(inter.item_ids, cold)
    return inter.subset(~is_cold), inter.subset(is_cold), cold


def pairs_of(inter: Interactions) -> set[tuple[int, int]]:
    """The (user, item) pairs of ``inter`` as a set of int tuples."""
    return set(zip(inter.user_ids.tolist(), inter.item_ids.tolist()))
