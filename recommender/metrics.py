"""Ranking metrics of the offline protocol (``../shared/eval/PROTOCOL.md``).

All functions take a ranked list of item ids (best first) and the set of
relevant (held-out) item ids of one user, except the catalog-level metrics
which take the top-k lists of all users.

Definitions
-----------
- NDCG@K: binary gain, ``1 / log2(rank + 1)`` discount (rank from 1), divided
  by the ideal DCG of ``min(K, |relevant|)`` hits.
- Recall@K: hits in the top K divided by ``min(K, |relevant|)``.
- HitRate@K: 1 if at least one hit in the top K, else 0.
- Coverage@K: share of the candidate catalog that appears in at least one
  user's top K.
- Popularity percentile: mean, over all recommended items, of the item's
  training popularity percentile (``100 * average rank / n_items``, ties
  averaged; the most popular item is near 100).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

__all__ = [
    "catalog_coverage",
    "hit_at_k",
    "mean_popularity_percentile",
    "ndcg_at_k",
    "popularity_percentiles",
    "recall_at_k",
    "tie_break_ranks",
    "top_k_with_ties",
]


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}; pass k=10 for example.")


def ndcg_at_k(ranked: Sequence[int], relevant: Iterable[int], k: int = 10) -> float:
    """Binary-gain NDCG@k of one ranked list.

    Parameters
    ----------
    ranked : sequence of int
        Recommended item ids, best first (only the first ``k`` are used).
    relevant : iterable of int
        Held-out item ids of the user.
    k : int
        Cut-off.

    Returns
    -------
    float
        NDCG in [0, 1]; 0.0 when ``relevant`` is empty.
    """
    _check_k(k)
    rel = set(relevant)
    if not rel:
        return 0.0
    dcg = sum(1.0 / np.log2(r + 2) for r, item in enumerate(list(ranked)[:k]) if item in rel)
    ideal = sum(1.0 / np.log2(r + 2) for r in range(min(k, len(rel))))
    return float(dcg / ideal)


def recall_at_k(ranked: Sequence[int], relevant: Iterable[int], k: int = 10) -> float:
    """Hits in the top ``k`` divided by ``min(k, |relevant|)``; 0.0 if none relevant."""
    _check_k(k)
    rel = set(relevant)
    if not rel:
        return 0.0
    hits = sum(1 for item in list(ranked)[:k] if item in rel)
    return hits / min(k, len(rel))


def hit_at_k(ranked: Sequence[int], relevant: Iterable[int], k: int = 10) -> float:
    """1.0 if any of the top ``k`` items is relevant, else 0.0."""
    _check_k(k)
    rel = set(relevant)
    return float(any(item in rel for item in list(ranked)[:k]))


def catalog_coverage(top_lists: Iterable[Sequence[int]], n_catalog: int, k: int = 10) -> float:
    """Share of a catalog of ``n_catalog`` items found in at least one top-``k`` list."""
    _check_k(k)
    if n_catalog <= 0:
        raise ValueError("n_catalog must be positive; pass the number of candidate items.")
    seen: set[int] = set()
    for lst in top_lists:
        seen.update(list(lst)[:k])
    return len(seen) / n_catalog


def popularity_percentiles(item_ids: np.ndarray, counts: np.ndarray) -> dict[int, float]:
    """Map each item id to its popularity percentile (0-100, ties averaged).

    Parameters
    ----------
    item_ids : ndarray of int
        Candidate catalog.
    counts : ndarray
        Training interaction count of each item, aligned with ``item_ids``.
    """
    from scipy.stats import rankdata

    item_ids = np.asarray(item_ids)
    counts = np.asarray(counts, dtype=np.float64)
    if item_ids.shape != counts.shape:
        raise ValueError("item_ids and counts must have the same length; align them first.")
    pct = 100.0 * rankdata(counts, method="average") / max(len(counts), 1)
    return dict(zip(item_ids.tolist(), pct.tolist()))


def mean_popularity_percentile(
    top_lists: Iterable[Sequence[int]], percentiles: dict[int, float], k: int = 10
) -> float:
    """Mean popularity percentile over every item in every top-``k`` list."""
    _check_k(k)
    vals = [percentiles[i] for lst in top_lists for i in list(lst)[:k]]
    return float(np.mean(vals)) if vals else float("nan")


def tie_break_ranks(n: int, seed: int = 42) -> np.ndarray:
    """Position of each of ``n`` candidates in a fixed random permutation.

    Equal scores are ordered by this permutation (protocol: never by id).
    """
    perm = np.random.default_rng(seed).permutation(n)
    ranks = np.empty(n, dtype=np.int64)
    ranks[perm] = np.arange(n)
    return ranks


def top_k_with_ties(scores: np.ndarray, k: int, tie_ranks: np.ndarray) -> np.ndarray:
    """Indices of the ``k`` best scores, equal scores ordered by ``tie_ranks``.

    ``-inf`` marks excluded candidates; they are never returned.

    Parameters
    ----------
    scores : ndarray of float, shape (n,)
    k : int
    tie_ranks : ndarray of int, shape (n,)
        Smaller rank wins a tie (see :func:`tie_break_ranks`).

    Returns
    -------
    ndarray of int
        Up to ``k`` indices, best first.
    """
    scores = np.asarray(scores)
    n = scores.shape[0]
    valid = np.isfinite(scores) | (scores == np.inf)
    n_valid = int(valid.sum())
    k = min(k, n_valid)
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    if k < n_valid:
        kth = np.partition(np.where(valid, scores, -np.inf), n - k)[n - k]
        cand = np.flatnonzero(valid & (scores >= kth))
    else:
        cand = np.flatnonzero(valid)
    order = np.lexsort((tie_ranks[cand], -scores[cand]))
    return cand[order[:k]]
