"""Small statistics shared by the reports: intervals, inequality, shares."""

import math

import numpy as np

Z95 = 1.959963984540054


def wilson_interval(successes: float, trials: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion; (0, 0) when there are no trials."""
    if trials <= 0:
        return 0.0, 0.0
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(values: np.ndarray, z: float = Z95) -> tuple[float, float, float]:
    """Mean and its normal-approximation interval (mean, low, high)."""
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return 0.0, 0.0, 0.0
    mean = float(values.mean())
    if values.size < 2:
        return mean, mean, mean
    half = z * float(values.std(ddof=1)) / math.sqrt(values.size)
    return mean, mean - half, mean + half


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative amounts: 0 = equal, towards 1 = concentrated."""
    values = np.sort(np.asarray(values, dtype=float))
    n, total = values.size, values.sum()
    if n == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float((2 * (ranks * values).sum()) / (n * total) - (n + 1) / n)


def share(part: float, whole: float) -> float:
    """part / whole, 0 when the whole is empty."""
    return float(part) / float(whole) if whole else 0.0


def growth(recent: float, before: float) -> float | None:
    """Relative change recent vs before; None when there was nothing before."""
    if before <= 0:
        return None
    return recent / before - 1.0
