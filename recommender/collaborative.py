"""Collaborative filtering kernels: EASE and cosine item-kNN on sparse matrices.

EASE (Steck, 2019) learns a dense item-item weight matrix ``B`` with a zero
diagonal in closed form, ``P = (X'X + lam I)^-1``, ``B = I - P / diag(P)``.

Two exact ways to compute ``P`` are used, whichever is cheaper:

- *primal* (``n_items <= n_users``): the Gram matrix ``X'X`` is accumulated
  in column blocks of sparse products (memory ``4 n_items^2`` bytes in
  float32), then inverted in place by Cholesky (LAPACK ``potrf``/``potri``):
  time ``O(nnz * avg_user_len + n_items^3)``;
- *dual* (``n_users < n_items``, small sites): by the Woodbury identity
  ``P = (I - X' (XX' + lam I)^-1 X) / lam``, time ``O(n_users^2 n_items +
  n_users n_items^2)``.

Either way the model is ``n_items^2`` float32 (1.6 GB at 20,000 titles).
:func:`ease_weights` takes ``max_items``: beyond it, only the most watched
titles enter EASE and the rest are scored through the content mapping, which
keeps a catalog of 100,000 titles at the cost of a 20,000-title head.

Scoring a history ``h`` reads ``len(h)`` rows of ``B``: a profile with
thousands of titles reads hundreds of megabytes. Where there are fewer
profiles than titles, :func:`ease_dual` gives the same scores in user space,
``h B = h (1 - 1/d) + X' K^-1 X h / d`` with ``K = XX' + lam I`` and ``d`` the
diagonal of ``I - X' K^-1 X`` (``B = I - P / diag(P)`` with ``P`` from the
Woodbury identity above), at a cost of ``nnz(X) + n_users^2`` whatever the
length of the history.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.linalg as sl
import scipy.sparse as sp

__all__ = [
    "cosine_knn",
    "ease_dual",
    "ease_dual_scores",
    "ease_from_gram",
    "ease_weights",
    "gram_blocks",
    "gram_matrix",
    "spd_inverse",
]

#: Up to this many titles EASE is solved in float64; beyond, in float32 (half the memory).
FLOAT64_MAX_ITEMS = 12000


def gram_matrix(
    X: sp.csr_matrix, block: int = 2048, progress: Callable | None = None
) -> np.ndarray:
    """Dense float32 ``X'X`` built from sparse column blocks (bounded memory)."""
    n = X.shape[1]
    G = np.empty((n, n), dtype=np.float32)
    for start, stop, columns in gram_blocks(X, block):
        G[:, start:stop] = columns
        if progress:
            progress("gram", stop / n)
    return G


def gram_blocks(X: sp.spmatrix, block: int = 2048):
    """``X'X`` a block of columns at a time: ``(start, stop, dense float32 columns)``.

    A cluster sums these over its partitions of profiles (rows of ``X``) and
    only ever holds ``n_items x block`` of the result per partition at once.
    """
    n = X.shape[1]
    Xc = sp.csc_matrix(X, dtype=np.float32)
    Xt = Xc.T.tocsr()
    for start in range(0, n, block):
        stop = min(n, start + block)
        yield start, stop, (Xt @ Xc[:, start:stop]).toarray()


def ease_weights(
    X: sp.csr_matrix, lam: float, progress: Callable | None = None, return_diag: bool = False
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """EASE item-item weights for a users x items matrix ``X``.

    Parameters
    ----------
    X : scipy.sparse matrix, shape (n_users, n_items)
        Non-negative feedback weights.
    lam : float
        L2 regularisation (larger: smoother, more popular recommendations).
    progress : callable, optional
        ``progress(stage, fraction)`` hook; ``fraction`` is the share of this
        call done (the Gram matrix is the first half where it is built).

    return_diag : bool
        Also return ``diag(P)`` (up to a common factor). ``P`` is symmetric,
        so ``B[i, j] = B[j, i] * d[i] / d[j]`` off the diagonal: a column of
        ``B`` can be read from its row, which is contiguous in memory.

    Returns
    -------
    ndarray of float32, shape (n_items, n_items)
        ``B`` with a zero diagonal; scores of a user are ``x_u @ B``.
        With ``return_diag``, ``(B, d)``.
    """
    if lam <= 0:
        raise ValueError(f"lam must be positive, got {lam}; try 100-1000.")
    n_users, n_items = X.shape
    if n_items == 0:
        empty = np.zeros((0, 0), dtype=np.float32)
        return (empty, np.zeros(0, dtype=np.float32)) if return_diag else empty
    if n_users < n_items:
        Xd = X.toarray().astype(np.float32)
        K = (Xd @ Xd.T).astype(np.float64)
        K[np.diag_indices_from(K)] += lam
        KinvX = sl.solve(K, Xd.astype(np.float64), assume_a="pos").astype(np.float32)
        if progress:
            progress("solve", 1.0)
        P = Xd.T @ KinvX  # = X' K^-1 X ; P_true = (I - P) / lam
        del KinvX, Xd
        P *= -1.0
        P[np.diag_indices_from(P)] += 1.0
    else:
        P = gram_matrix(X, progress=progress and (lambda stage, f: progress(stage, 0.5 * f)))
        P = _regularised_inverse(P, lam, progress)
    return _weights_from_inverse(P, return_diag)


def ease_from_gram(
    G: np.ndarray, lam: float, progress: Callable | None = None, return_diag: bool = False
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """EASE weights from a precomputed dense Gram matrix ``X'X`` (left unchanged).

    For a ``X'X`` summed elsewhere, e.g. on a cluster from a log too large for
    one machine: the solve needs only the items x items matrix. Same result as
    :func:`ease_weights` on ``X`` (its primal form), to float32 rounding.
    """
    if lam <= 0:
        raise ValueError(f"lam must be positive, got {lam}; try 100-1000.")
    G = np.asarray(G)
    if G.ndim != 2 or G.shape[0] != G.shape[1]:
        raise ValueError(f"the Gram matrix must be square, got shape {G.shape}.")
    if G.shape[0] == 0:
        empty = np.zeros((0, 0), dtype=np.float32)
        return (empty, np.zeros(0, dtype=np.float32)) if return_diag else empty
    P = _regularised_inverse(np.array(G, dtype=np.float32, order="C"), lam, progress)
    return _weights_from_inverse(P, return_diag)


def _regularised_inverse(P: np.ndarray, lam: float, progress: Callable | None) -> np.ndarray:
    """``(P + lam I)^-1`` for a dense float32 Gram matrix ``P`` (reused in place)."""
    n_items = P.shape[0]
    P[np.diag_indices_from(P)] += lam
    if n_items <= FLOAT64_MAX_ITEMS:  # float64 where it is cheap, float32 beyond
        P = P.astype(np.float64)
        potrf, potri = sl.lapack.dpotrf, sl.lapack.dpotri
    else:
        potrf, potri = sl.lapack.spotrf, sl.lapack.spotri
    # P is symmetric: its transpose is a Fortran-ordered view of the same
    # memory, so LAPACK works in place (no copy of an n^2 matrix).
    A = P.T
    c, info = potrf(A, lower=True, overwrite_a=True, clean=False)
    if info != 0:
        raise ValueError(f"Cholesky failed (info={info}); increase lam.")
    inv, info = potri(c, lower=True, overwrite_c=True)
    del c
    if info != 0:
        raise ValueError(f"Inversion failed (info={info}); increase lam.")
    # The lower triangle of the Fortran view is the upper triangle of P.
    P = np.ascontiguousarray(inv.T) if not np.shares_memory(inv, P) else P
    del inv, A
    _symmetrize_upper(P)
    P = P.astype(np.float32, copy=False)
    if progress:
        progress("solve", 1.0)
    return P


def _weights_from_inverse(P: np.ndarray, return_diag: bool):
    """``B = I - P / diag(P)`` in place, with ``diag(P)`` when asked for."""
    d = np.diag(P).copy()
    P /= -d[None, :]
    P[np.diag_indices_from(P)] = 0.0
    return (P, d) if return_diag else P  # now B


def spd_inverse(A: np.ndarray, error: str) -> np.ndarray:
    """Inverse of a symmetric positive definite float64 matrix (overwrites ``A``).

    Cholesky (LAPACK ``potrf``/``potri``): half the work of a general
    inverse. Raises ``ValueError(error)`` when ``A`` is not positive definite.
    """
    c, info = sl.lapack.dpotrf(A, lower=True, overwrite_a=True, clean=True)
    inv, info2 = sl.lapack.dpotri(c, lower=True, overwrite_c=True)
    if info or info2:
        raise ValueError(error)
    return np.tril(inv) + np.tril(inv, -1).T


def ease_dual(X: sp.csr_matrix, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """``(K^-1, d)`` of :func:`ease_dual_scores` for a users x items matrix ``X``.

    ``K = XX' + lam I`` (users x users, float32) and ``d = diag(I - X' K^-1 X)``
    (one per item, float64). Meant for ``n_users < n_items``: time
    ``O(n_users^3 + nnz(X) n_users)``, memory ``4 n_users^2`` bytes.
    """
    if lam <= 0:
        raise ValueError(f"lam must be positive, got {lam}; try 100-1000.")
    X = sp.csr_matrix(X, dtype=np.float64)
    K = (X @ X.T).toarray()
    K[np.diag_indices_from(K)] += lam
    Kinv = spd_inverse(K, "XX' + lam I is singular; increase lam.")
    # d_j = 1 - x_j' K^-1 x_j over the columns x_j of X.
    d = 1.0 - np.asarray(X.multiply(sp.csr_matrix(X.T @ Kinv).T).sum(axis=0)).ravel()
    return Kinv.astype(np.float32), d


def ease_dual_scores(
    h: np.ndarray, Xt: sp.csr_matrix, Kinv: np.ndarray, d: np.ndarray
) -> np.ndarray:
    """``h @ B`` for a dense history ``h`` over the items, from :func:`ease_dual`'s factors.

    ``Xt`` is ``X'`` (items x users, CSR). Equal to the rows-of-``B`` sum up
    to float32 rounding.
    """
    # One dtype throughout: a mixed product would copy K^-1 or X on every call.
    h = np.asarray(h, dtype=Xt.dtype)
    v = Kinv @ (Xt.T @ h).astype(Kinv.dtype, copy=False)
    return (h * (1.0 - 1.0 / d) + (Xt @ v.astype(Xt.dtype, copy=False)) / d).astype(np.float32)


def _symmetrize_upper(P: np.ndarray, block: int = 2048) -> None:
    """Copy the upper triangle of ``P`` onto its lower triangle, block by block."""
    n = P.shape[0]
    for s in range(0, n, block):
        e = min(n, s + block)
        D = P[s:e, s:e]
        D[:] = np.triu(D) + np.triu(D, 1).T
        P[e:, s:e] = P[s:e, e:].T


def cosine_knn(X: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Item-item cosine similarities keeping the ``k`` largest per item row.

    Returns a CSR ``n_items x n_items`` matrix with zero diagonal; a user's
    scores are ``x_u @ S``.
    """
    if k < 1:
        raise ValueError("k must be >= 1; try 20-200.")
    # Imported here, as in recommender.content: importing the library loads no scikit-learn.
    from sklearn.preprocessing import normalize

    Xn = normalize(X.tocsc().astype(np.float32), axis=0)
    S = (Xn.T @ Xn).tocsr()
    S.setdiag(0)
    S.eliminate_zeros()
    rows, cols, vals = [], [], []
    for i in range(S.shape[0]):
        a, b = S.indptr[i], S.indptr[i + 1]
        if b == a:
            continue
        d, c = S.data[a:b], S.indices[a:b]
        if b - a > k:
            top = np.argpartition(-d, k - 1)[:k]
            d, c = d[top], c[top]
        rows.append(np.full(len(c), i))
        cols.append(c)
        vals.append(d)
    if not rows:
        return sp.csr_matrix(S.shape, dtype=np.float32)
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=S.shape,
        dtype=np.float32,
    )
