"""The EASE and kNN kernels against a direct computation."""

import numpy as np
import pytest
import scipy.sparse as sp

from recommender import collaborative
from recommender.collaborative import cosine_knn, ease_weights


def _reference(X, lam):
    G = (X.T @ X).toarray() + lam * np.eye(X.shape[1])
    P = np.linalg.inv(G)
    B = -P / np.diag(P)
    np.fill_diagonal(B, 0)
    return B


@pytest.fixture(scope="module")
def X():
    X = sp.random(300, 120, density=0.08, random_state=0, format="csr")
    X.data[:] = 1.0
    return X


@pytest.mark.parametrize("float64_max", [10**6, 0])
def test_primal_matches_direct_inverse(X, monkeypatch, float64_max):
    monkeypatch.setattr(collaborative, "FLOAT64_MAX_ITEMS", float64_max)
    B = ease_weights(X, 10.0)
    assert np.allclose(B, _reference(X, 10.0), atol=1e-5)
    assert np.all(np.diag(B) == 0)


def test_dual_matches_direct_inverse(X):
    Xs = X[:50].tocsr()  # fewer users than items: the Woodbury path
    assert np.allclose(ease_weights(Xs, 10.0), _reference(Xs, 10.0), atol=1e-5)


def test_lam_must_be_positive(X):
    with pytest.raises(ValueError, match="positive"):
        ease_weights(X, 0.0)


def test_cosine_knn_keeps_k_per_row(X):
    S = cosine_knn(X, 5)
    assert S.shape == (120, 120)
    assert np.all(np.diff(S.indptr) <= 5)
    assert np.all(S.diagonal() == 0)
