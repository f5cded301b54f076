"""One contract, run against every model class (hybrid and baselines)."""

import numpy as np
import pytest

from recommender import (
    HybridRecommender,
    ItemKNNRecommender,
    ModelError,
    PopularityRecommender,
    Recommendation,
    load_model,
    save_model,
)
from recommender.baselines import ContentRecommender

FACTORIES = {
    "hybrid": lambda: HybridRecommender(lam=5.0, history_half_life=None),
    "hybrid-recency": lambda: HybridRecommender(lam=5.0, content_weight=0.2),
    "popularity": PopularityRecommender,
    "itemknn": lambda: ItemKNNRecommender(k=10),
    "content": ContentRecommender,
}


@pytest.fixture(params=sorted(FACTORIES), scope="module")
def fitted(request, planted):
    inter, feats, _ = planted
    return FACTORIES[request.param]().fit(inter, feats)


def _history(inter, user):
    return set(inter.item_ids[inter.user_ids == user].tolist())


def test_recommend_shape_and_seen_excluded(fitted, planted):
    inter, _, _ = planted
    recs = fitted.recommend(3, k=5)
    assert len(recs) == 5
    assert all(isinstance(r, Recommendation) for r in recs)
    assert not {r.item_id for r in recs} & _history(inter, 3)
    scores = [r.score for r in recs]
    assert scores == sorted(scores, reverse=True)
    assert len({r.item_id for r in recs}) == 5


def test_exclude_and_allowed_hold(fitted, planted):
    _inter, feats, _ = planted
    first = fitted.recommend(4, k=3)
    blocked = [r.item_id for r in first]
    again = fitted.recommend(4, k=10, exclude=blocked)
    assert not set(blocked) & {r.item_id for r in again}
    allowed = [i for i in feats.item_ids.tolist() if i >= 300]  # a "kids" subset
    kids = fitted.recommend(4, k=50, allowed=allowed)
    assert kids and {r.item_id for r in kids} <= set(allowed)
    assert fitted.recommend_for_history([100, 101], k=50, allowed=[], exclude=None) == []
    assert {r.item_id for r in fitted.popular(5, allowed=allowed)} <= set(allowed)


def test_unknown_user_and_empty_history_fall_back_to_popular(fitted):
    recs = fitted.recommend(10**9, k=4)
    assert [r.item_id for r in recs] == [r.item_id for r in fitted.popular(4)]
    assert all(r.source == "popularity" for r in recs)
    assert [r.item_id for r in fitted.recommend_for_history([], k=4)] == [r.item_id for r in recs]


def test_rank_orders_exactly_the_candidates(fitted):
    cands = [300, 100, 200, 901, 123456]
    ranked = fitted.rank([100, 101, 102], candidates=cands)
    assert sorted(r.item_id for r in ranked) == sorted(c for c in cands if c != 123456)
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)


def test_order_agrees_with_rank_without_reasons(fitted):
    cands = [300, 100, 200, 901, 123456]
    history = [100, 101, 102]
    assert fitted.order(history, cands) == [r.item_id for r in fitted.rank(history, cands)]


def test_similar_items_excludes_the_anchor(fitted):
    sims = fitted.similar_items(100, k=5)
    assert len(sims) == 5 and 100 not in {s.item_id for s in sims}
    with pytest.raises(ValueError, match="unknown"):
        fitted.similar_items(424242)


def test_save_load_round_trip(fitted, tmp_path):
    path = save_model(fitted, tmp_path)
    loaded = load_model(path)
    assert loaded.version == fitted.version
    assert type(loaded) is type(fitted)
    assert loaded.recommend(7, k=8) == fitted.recommend(7, k=8)
    assert loaded.similar_items(200, k=4) == fitted.similar_items(200, k=4)
    big = max(path.glob("*.npy"), key=lambda p: p.stat().st_size)
    big.write_bytes(big.read_bytes()[:-8])
    with pytest.raises(ModelError, match="truncated"):
        load_model(path)


def test_bad_parameters_raise_value_error():
    with pytest.raises(ValueError, match="lam"):
        HybridRecommender(lam=0)
    with pytest.raises(ValueError, match="k must be"):
        ItemKNNRecommender(k=0)
    with pytest.raises(TypeError, match="Interactions"):
        PopularityRecommender().fit(np.zeros((3, 3)))
