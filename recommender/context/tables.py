"""Counting choices per context cell and genre, and testing one profile's table for a pattern.

The significance test is a permutation G-test: the chi-squared approximation
is far too conservative on a profile's sparse table with fractional counts,
while shuffling the profile's own context labels gives the statistic's null
distribution directly.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from .cells import N_CELLS


def cell_table(group: np.ndarray, cells: np.ndarray, shares, n_groups: int) -> np.ndarray:
    """Genre shares summed per (group, cell): array (n_groups, cells, genres)."""
    index = sparse.csr_matrix(
        (np.ones(len(cells)), (group * N_CELLS + cells, np.arange(len(cells)))),
        shape=(n_groups * N_CELLS, len(cells)),
    )
    return (index @ shares).toarray().reshape(n_groups, N_CELLS, -1)


def summed(rows: np.ndarray, cells: np.ndarray, shares) -> np.ndarray:
    """The (cells, genres) table of the events at ``rows``."""
    return cell_table(np.zeros(len(rows), dtype=np.int64), cells[rows], shares[rows], 1)[0]


def grouped(group: np.ndarray):
    """A function: group number -> the rows of its events."""
    order = np.argsort(group, kind="stable")
    starts = np.searchsorted(group[order], np.arange(group.max() + 2))
    return lambda g: order[starts[g] : starts[g + 1]]


def shrunk_ratio(observed: np.ndarray, prior: float, parent: np.ndarray) -> np.ndarray:
    """Observed / expected-without-context, shrunk toward ``parent`` (a gamma prior)."""
    total = observed.sum()
    expected = (
        observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / total
        if total > 0
        else np.zeros_like(observed)
    )
    return (observed + prior * parent) / (expected + prior)


def has_pattern(cells: np.ndarray, shares, seed: int, permutations: int, alpha: float) -> bool:
    """Permutation G-test of independence between context cell and genre, on one profile.

    ``permutations`` shuffles of the profile's context labels make the null
    distribution; the profile has a pattern when the p-value is below ``alpha``.
    """
    n = len(cells)
    if len(np.unique(cells)) < 2:
        return False
    rng = np.random.default_rng([seed, 104729])
    labels = np.vstack([cells, rng.permuted(np.tile(cells, (permutations, 1)), axis=1)])
    copies = len(labels)
    tables = cell_table(
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
    return bool(p_value < alpha)
