"""Calibrated re-ranking (Steck 2018, "Calibrated Recommendations", RecSys).

A list is calibrated when its genre mix matches the genre mix of the
profile's history. Given relevance scores for candidates, the greedy
re-ranker builds a list of k items, at each step adding the item that
maximises

    (1 - lam) * sum(relevance of the list) - lam * KL(p || q~)

where p is the history's genre distribution, q the list's (each item's
genres weighted equally), and q~ = (1 - alpha) * q + alpha * p keeps the
divergence finite. lam = 0 returns the top-k by relevance; larger lam trades
relevance for calibration. Relevance should be on a scale comparable to the
divergence (for example scores in [0, 1]).

Pure numpy: nothing here knows about the web app.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "calibrated_rerank",
    "genre_distributions",
    "history_distribution",
    "kl_divergence",
    "list_distribution",
    "miscalibration",
]


def genre_distributions(item_genres: np.ndarray) -> np.ndarray:
    """Row-normalise an items x genres matrix into p(genre | item).

    Parameters
    ----------
    item_genres : ndarray of shape (n_items, n_genres)
        Non-negative genre memberships (0/1 or weights).

    Returns
    -------
    ndarray of shape (n_items, n_genres)
        Each row sums to 1; items without genres get a zero row.
    """
    matrix = np.asarray(item_genres, dtype=float)
    if matrix.ndim != 2:
        raise ValueError("item_genres must be a 2-D (items x genres) array.")
    if (matrix < 0).any():
        raise ValueError("item_genres must be non-negative.")
    totals = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, totals, out=np.zeros_like(matrix), where=totals > 0)


def history_distribution(
    item_dist: np.ndarray, history: np.ndarray, weights: np.ndarray | None = None
) -> np.ndarray:
    """p(genre | profile): the weighted mean genre distribution of the history's items.

    Parameters
    ----------
    item_dist : ndarray of shape (n_items, n_genres)
        Output of `genre_distributions`.
    history : array of int
        Item indices the profile interacted with.
    weights : array of float, optional
        One weight per history item (for example recency or watched hours).

    Returns
    -------
    ndarray of shape (n_genres,)
        Sums to 1, or all zeros for an empty history.
    """
    history = np.asarray(history, dtype=np.int64)
    if history.size == 0:
        return np.zeros(item_dist.shape[1])
    w = np.ones(history.size) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != history.shape:
        raise ValueError("weights must have one value per history item.")
    mix = (item_dist[history] * w[:, None]).sum(axis=0)
    total = mix.sum()
    return mix / total if total > 0 else mix


def list_distribution(item_dist: np.ndarray, items: np.ndarray) -> np.ndarray:
    """q(genre | list): the mean genre distribution of a list's items."""
    items = np.asarray(items, dtype=np.int64)
    if items.size == 0:
        return np.zeros(item_dist.shape[1])
    return item_dist[items].mean(axis=0)


def kl_divergence(p: np.ndarray, q: np.ndarray, alpha: float = 0.01) -> float | np.ndarray:
    """KL(p || q~) with q~ = (1 - alpha) q + alpha p; q may be a batch (rows)."""
    if not 0 < alpha < 1:
        raise ValueError("alpha must be strictly between 0 and 1 (Steck uses 0.01).")
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    smoothed = (1 - alpha) * q + alpha * p
    mask = p > 0
    terms = np.zeros(np.broadcast(p, smoothed).shape)
    ratio = np.divide(p, smoothed, out=np.ones_like(terms), where=mask & (smoothed > 0))
    terms = np.where(mask, p * np.log(ratio), 0.0)
    return terms.sum(axis=-1)


def miscalibration(
    item_dist: np.ndarray, items: np.ndarray, target: np.ndarray, alpha: float = 0.01
) -> float:
    """KL between the target genre mix and a list's mix (0 = perfectly calibrated)."""
    if np.asarray(target).sum() <= 0:
        return 0.0
    return float(kl_divergence(target, list_distribution(item_dist, items), alpha))


def calibrated_rerank(
    candidates: np.ndarray,
    scores: np.ndarray,
    item_dist: np.ndarray,
    target: np.ndarray,
    k: int = 10,
    lam: float = 0.5,
    alpha: float = 0.01,
) -> np.ndarray:
    """Greedy calibrated top-k (Steck 2018, section 3).

    Parameters
    ----------
    candidates : array of int
        Item indices to choose from (for example a recommender's top 100).
    scores : array of float
        Relevance of each candidate, same length as `candidates`.
    item_dist : ndarray of shape (n_items, n_genres)
        p(genre | item), from `genre_distributions`.
    target : ndarray of shape (n_genres,)
        p(genre | profile), from `history_distribution`.
    k : int
        Length of the list.
    lam : float in [0, 1]
        Weight of calibration against relevance; 0 = plain top-k.
    alpha : float
        Smoothing of the list distribution inside the divergence.

    Returns
    -------
    ndarray of int
        The chosen item indices in list order (at most k, at most len(candidates)).
    """
    candidates = np.asarray(candidates, dtype=np.int64)
    scores = np.asarray(scores, dtype=float)
    if candidates.shape != scores.shape or candidates.ndim != 1:
        raise ValueError("candidates and scores must be 1-D arrays of the same length.")
    if not 0 <= lam <= 1:
        raise ValueError("lam must be between 0 and 1.")
    if k < 1:
        raise ValueError("k must be at least 1.")
    k = min(k, candidates.size)
    target = np.asarray(target, dtype=float)
    if lam == 0 or target.sum() <= 0:
        return candidates[np.argsort(-scores, kind="stable")[:k]]
    dists = item_dist[candidates]
    available = np.ones(candidates.size, dtype=bool)
    chosen: list[int] = []
    mix_sum = np.zeros(target.size)
    relevance = 0.0
    for step in range(k):
        trial = (mix_sum[None, :] + dists) / (step + 1)
        objective = (1 - lam) * (relevance + scores) - lam * kl_divergence(
            target[None, :], trial, alpha
        )
        objective = np.where(available, objective, -np.inf)
        best = int(np.argmax(objective))
        chosen.append(best)
        available[best] = False
        mix_sum += dists[best]
        relevance += scores[best]
    return candidates[np.array(chosen, dtype=np.int64)]
