"""The content ridge: the same taste map whichever dimension it is solved in."""

import numpy as np
import pytest

import recommender.hybrid.model as hybrid_model
from recommender import HybridRecommender, Interactions, ItemFeatures


def _many_people_catalog(seed: int = 3) -> tuple[Interactions, ItemFeatures]:
    """30 titles with five cast members each: more content features than titles."""
    rng = np.random.default_rng(seed)
    ids = np.arange(500, 530)
    users, items = [], []
    for u in range(40):
        lo = 10 * (u % 3)
        for i in rng.choice(np.arange(lo, lo + 12) % 30, size=6, replace=False).tolist():
            users.append(u)
            items.append(int(ids[i]))
    inter = Interactions(users, items, None, np.arange(len(users), dtype=float))
    people = [
        [(f"Director {i % 7}", "director")] + [(f"Actor {i}-{k}", "cast") for k in range(5)]
        for i in range(len(ids))
    ]
    genres = [["Drama", "Crime"] if i % 2 else ["Comedy"] for i in range(len(ids))]
    feats = ItemFeatures(item_ids=ids, genres=genres, people=people, year=[1990] * len(ids))
    return inter, feats


def _expected(Fw, lam: float) -> np.ndarray:
    """Fw (Fw' Fw + lam I)^-1 written out."""
    F = Fw.toarray().astype(np.float64)
    return F @ np.linalg.inv(F.T @ F + lam * np.eye(F.shape[1]))


@pytest.mark.parametrize("max_features", [4, 4096], ids=["fewer-features", "more-features"])
def test_ridge_maps_equal_the_formula_in_either_regime(planted, max_features):
    inter, feats, _ = planted
    model = HybridRecommender(lam=5.0, max_content_features=max_features).fit(inter, feats)
    head = model.Fr[model.cf_items]
    assert (head.shape[0] > head.shape[1]) == (max_features == 4)
    np.testing.assert_allclose(model.R, _expected(head, model.content_lam), atol=1e-6)
    cold = model.Fcr[model.cf_items]
    np.testing.assert_allclose(model.Rc, _expected(cold, model.content_lam), atol=1e-6)


def test_a_small_catalog_never_inverts_a_features_by_features_matrix(monkeypatch):
    """With fewer titles than features the ridge costs titles^2 x features, not features^3."""
    inter, feats = _many_people_catalog()
    sizes = []
    real = hybrid_model.spd_inverse

    def recording(A, error):
        sizes.append(A.shape[0])
        return real(A, error)

    monkeypatch.setattr(hybrid_model, "spd_inverse", recording)
    model = HybridRecommender(lam=5.0).fit(inter, feats)
    n_titles, n_features = model.Fr[model.cf_items].shape
    assert n_features > n_titles
    assert all(size <= n_titles for size in sizes)
    np.testing.assert_allclose(
        model.R, _expected(model.Fr[model.cf_items], model.content_lam), atol=1e-6
    )


def test_a_content_lam_that_cannot_regularise_is_refused_with_a_remedy(planted):
    inter, feats, _ = planted
    model = HybridRecommender(lam=5.0).fit(inter, feats)
    model.content_lam = -1e9
    with pytest.raises(ValueError, match="increase content_lam"):
        model._fit_ridge()
