"""The EASE and kNN kernels against a direct computation."""

import numpy as np
import pytest
import scipy.sparse as sp

from recommender import collaborative
from recommender.collaborative import cosine_knn, ease_dual, ease_dual_scores, ease_weights


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


@pytest.mark.parametrize("users", [50, 300])  # dual and primal paths
def test_a_column_of_B_reads_from_its_row(X, users):
    B, d = ease_weights(X[:users].tocsr(), 10.0, return_diag=True)
    assert np.allclose(B, B.T * d[:, None] / d[None, :], atol=1e-6)


def test_user_space_scores_equal_the_rows_of_B(X):
    Xs = X[:50].tocsr()
    Kinv, d = ease_dual(Xs, 10.0)
    rng = np.random.default_rng(3)
    h = np.zeros(Xs.shape[1])
    picked = rng.choice(Xs.shape[1], size=40, replace=False)
    h[picked] = rng.uniform(-1.0, 2.0, size=40)  # dislikes are negative weights
    got = ease_dual_scores(h, Xs.T.tocsr().astype(np.float32), Kinv, d)
    assert np.allclose(got, h @ _reference(Xs, 10.0), atol=1e-5)


def test_lam_must_be_positive(X):
    with pytest.raises(ValueError, match="positive"):
        ease_weights(X, 0.0)


def test_cosine_knn_keeps_k_per_row(X):
    S = cosine_knn(X, 5)
    assert S.shape == (120, 120)
    assert np.all(np.diff(S.indptr) <= 5)
    assert np.all(S.diagonal() == 0)


def test_weights_from_a_precomputed_gram_matrix_match(X):
    from recommender.collaborative import ease_from_gram

    G = (X.T @ X).toarray().astype(np.float32)
    kept = G.copy()
    B, d = ease_from_gram(G, 10.0, return_diag=True)
    assert np.allclose(B, _reference(X, 10.0), atol=1e-5)
    B2, d2 = ease_weights(X, 10.0, return_diag=True)
    assert np.allclose(B, B2, atol=1e-6) and np.allclose(d, d2)
    assert np.array_equal(G, kept), "the caller's Gram matrix was overwritten"
    with pytest.raises(ValueError, match="square"):
        ease_from_gram(G[:, :5], 10.0)


def test_hybrid_fit_takes_the_gram_matrix_of_its_head_only():
    from recommender import HeadGram, HybridRecommender, Interactions, head_titles

    rng = np.random.default_rng(3)
    inter = Interactions(rng.integers(0, 200, 2500), rng.integers(0, 80, 2500), rng.random(2500))
    items, users = np.unique(inter.item_ids), np.unique(inter.user_ids)
    raw = inter.to_csr(users, items)
    pop = np.asarray((raw > 0).sum(axis=0), dtype=np.float32).ravel()
    head = head_titles(pop, 60)
    Xh = raw.maximum(0).tocsc()[:, head]
    G = (Xh.T @ Xh).toarray()
    given = HybridRecommender(lam=20.0, max_cf_items=60).fit(
        inter, gram=HeadGram(items[head], G, pop[head])
    )
    own = HybridRecommender(lam=20.0, max_cf_items=60).fit(inter)
    assert np.allclose(given.B, own.B, atol=1e-6)
    other = head_titles(pop, 59)
    with pytest.raises(ValueError, match="head"):
        HybridRecommender(lam=20.0, max_cf_items=60).fit(
            inter, gram=HeadGram(items[other], G[:59, :59], pop[other])
        )
