"""One contract, run against every model of ``recommender.registry`` (and a few settings)."""

from collections import Counter

import numpy as np
import pytest

from recommender import (
    MODELS,
    HybridRecommender,
    ItemKNNRecommender,
    ModelError,
    PopularityRecommender,
    Recommendation,
    load_model,
    save_model,
)

from .conftest import CLUSTERS

#: Settings for the tiny planted data set; a registered model absent here runs with its defaults.
PARAMS = {
    "hybrid": {"lam": 5.0, "history_half_life": None},
    "hybrid-recency": {"lam": 5.0, "content_weight": 0.2},
    "itemknn": {"k": 10},
}
#: Models whose scores do not depend on the profile: their known answer is the most watched.
UNPERSONAL = {"popularity"}
CASES = {name: (cls, PARAMS.get(name, {})) for name, cls in MODELS.items()}
CASES["hybrid-recency"] = (MODELS["hybrid"], PARAMS["hybrid-recency"])


@pytest.fixture(params=sorted(CASES), scope="module")
def case(request, planted):
    inter, feats, _ = planted
    cls, params = CASES[request.param]
    return request.param, cls(**params).fit(inter, feats)


@pytest.fixture(scope="module")
def fitted(case):
    return case[1]


def test_the_known_answer_planted_clusters_or_the_most_watched(case, planted):
    name, model = case
    inter, _, cluster_of = planted
    if name in UNPERSONAL:
        counts = Counter(inter.item_ids.tolist())
        top = [r.item_id for r in model.recommend(10**9, k=3, exclude_seen=False)]
        assert [counts[i] for i in top] == sorted(counts.values(), reverse=True)[:3]
        return
    own = total = 0
    for user, c in cluster_of.items():
        for r in model.recommend(user, k=3):
            total += 1
            own += r.item_id in CLUSTERS[c]
    assert own / total >= 0.8, f"{name} recovers {own}/{total} planted picks"


def test_scores_of_a_batch_match_one_history_at_a_time(fitted):
    rows = np.arange(6)
    batch = fitted.score_users(rows)
    assert batch.shape == (6, fitted.n_items) and batch.dtype == np.float32
    for r in rows.tolist():
        one = fitted.score_users(np.array([r]))[0]
        assert one == pytest.approx(batch[r], rel=1e-4, abs=1e-6)


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


def test_scores_then_reasons_equal_recommend_for_history(fitted):
    history = [100, 101, 102, 300]
    recs = fitted.recommend_for_history(history, k=12, exclude=[103])
    ids, scores = fitted.scores_for_history(history, k=12, exclude=[103])
    assert ids.tolist() == [r.item_id for r in recs]
    assert scores.tolist() == pytest.approx([r.score for r in recs])
    # Reasons for a re-ordered few: each title's own, as the full call gives it.
    few = [5, 0, 2]
    explained = fitted.explain_for_history(history, ids[few], scores[few])
    assert explained == [recs[i] for i in few]
    assert fitted.explain_for_history(history, [], []) == []


def test_scores_for_an_empty_history_are_the_most_watched(fitted):
    ids, scores = fitted.scores_for_history([], k=4)
    popular = fitted.popular(4)
    assert ids.tolist() == [r.item_id for r in popular]
    assert fitted.explain_for_history([], ids, scores) == popular


def test_explaining_an_unknown_title_or_a_missing_score_is_refused(fitted):
    with pytest.raises(ValueError, match="unknown"):
        fitted.explain_for_history([100, 101], [100, 424242], [1.0, 0.5])
    with pytest.raises(ValueError, match="one score each"):
        fitted.explain_for_history([100, 101], [100, 200], [1.0])
