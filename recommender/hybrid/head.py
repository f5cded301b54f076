"""The EASE head: which titles enter EASE, its Gram matrix from elsewhere, its user-space form.

At most ``max_cf_items`` most watched titles enter EASE (:func:`head_titles`);
a cluster may sum their ``X'X`` and hand it over (:class:`HeadGram`). Where
the site has fewer profiles than head titles, EASE's user-space factors
score long histories at a cost that does not grow with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from ..collaborative import ease_dual
from ..metrics import tie_break_ranks

if TYPE_CHECKING:
    from .model import HybridRecommender

__all__ = ["HeadGram", "check_gram", "fit_dual", "head_titles", "use_dual"]

#: Up to this many profiles (and fewer than head titles) the model keeps
#: EASE's user-space factors (``4 n_users^2`` bytes) for long histories.
_DUAL_MAX_USERS = 4096


@dataclass
class HeadGram:
    """``X'X`` over the head titles, summed outside the library (e.g. on a cluster).

    ``item_ids``: the head titles' external ids, ascending (:func:`head_titles`);
    ``matrix``: the Gram matrix of the positive feedback over them, in that
    order; ``pop``: their popularity (profiles with positive feedback).
    """

    item_ids: np.ndarray
    matrix: np.ndarray
    pop: np.ndarray


def head_titles(pop: np.ndarray, max_items: int) -> np.ndarray:
    """Positions of the titles that enter EASE: the ``max_items`` most popular, ascending.

    ``pop`` is the popularity of every title of the fit (ascending ids, titles
    without plays included); equal popularity is ordered by the protocol's
    fixed permutation of that many titles, never by id.
    """
    pop = np.asarray(pop)
    order = np.lexsort((tie_break_ranks(len(pop)), -pop))
    return np.sort(order[: int(min(max_items, (pop > 0).sum()))])


def check_gram(m: HybridRecommender, gram: HeadGram) -> None:
    """A ``ValueError`` unless ``gram`` covers exactly this fit's head titles."""
    ids = np.asarray(gram.item_ids)
    head = m.item_ids[m.cf_items]
    if ids.shape != head.shape or not np.array_equal(ids, head):
        raise ValueError(
            f"the Gram matrix covers {len(ids)} titles, but this fit's head is {len(head)} "
            "other titles; compute it over head_titles() of the same feedback."
        )
    if not np.array_equal(np.asarray(gram.pop, dtype=np.float32), m.pop[m.cf_items]):
        raise ValueError("the Gram matrix came with another popularity than this feedback's.")
    if np.shape(gram.matrix) != (len(ids), len(ids)):
        raise ValueError(f"the Gram matrix must be {len(ids)} x {len(ids)}.")


def fit_dual(m: HybridRecommender, Xcf: sp.csr_matrix) -> None:
    """EASE's user-space factors (``collaborative.ease_dual``), where they can pay.

    ``Xcf``: the positive feedback over the head titles, as EASE saw it.
    Kept when the site has fewer profiles than head titles, and at most
    ``_DUAL_MAX_USERS``; otherwise empty.
    """
    n_users, n_cf = Xcf.shape
    if 0 < n_users < n_cf and n_users <= _DUAL_MAX_USERS:
        m.dual_kinv, m.dual_d = ease_dual(Xcf, m.lam)
    else:
        m.dual_kinv, m.dual_d = np.zeros((0, 0), np.float32), np.zeros(0)
    use_dual(m, Xcf)


def use_dual(m: HybridRecommender, Xcf: sp.csr_matrix | None = None) -> None:
    """What scoring derives from the factors: ``X'`` and the length past which they pay.

    A loaded model passes no ``Xcf``: it is rebuilt from the stored
    histories, and only when there are factors to use.
    """
    m._dual_rows = np.inf
    if m.dual_kinv.size == 0:
        return
    if Xcf is None:
        Xcf = m._hist_raw.maximum(0).tocsc()[:, m.cf_items].tocsr()
    n_users, n_cf = Xcf.shape
    m._dual_xt = Xcf.T.tocsr().astype(m.dual_kinv.dtype)
    # A history of more head rows than this reads more of B than the
    # user-space form reads: K^-1, X twice (values and indices) and a
    # few passes over a vector of the head titles. In values of 4 bytes.
    m._dual_rows = (n_users**2 + 4 * Xcf.nnz + 6 * n_cf) / n_cf
