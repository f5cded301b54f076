"""Behaviour of the hybrid model on data where the right answer is known."""

import numpy as np
import pytest

from recommender import HybridRecommender, Interactions, ItemFeatures

from .conftest import CLUSTERS, PAIR


@pytest.fixture(scope="module")
def model(planted):
    inter, feats, _ = planted
    return HybridRecommender(lam=5.0, content_weight=0.1).fit(inter, feats)


def test_planted_clusters_are_recovered(model, planted):
    _inter, _, cluster_of = planted
    own = total = 0
    for user, c in cluster_of.items():
        for r in model.recommend(user, k=3):
            total += 1
            own += r.item_id in CLUSTERS[c]
    assert own / total >= 0.9


def test_co_watched_pair_are_neighbours(model):
    a, b = PAIR
    assert model.similar_items(a, k=1)[0].item_id == b
    top = model.similar_items(b, k=1)[0]
    assert top.item_id == a and top.because == b
    assert top.source == "collaborative" and "also watched" in top.reason


def test_similar_items_reason_names_shared_features(model):
    recs = model.similar_items(100, k=5)
    assert all(r.item_id in CLUSTERS[0] for r in recs)
    assert any("michael mann" in r.reason.lower() or "crime" in r.reason.lower() for r in recs)


def test_cold_title_like_a_liked_one_ranks_above_an_unrelated_one(planted):
    inter, feats, _ = planted
    model = HybridRecommender(lam=5.0).fit(inter, feats)
    new = ItemFeatures(
        item_ids=[5000, 5001],
        genres=[["Crime", "Drama"], ["Musical"]],
        people=[[("Michael Mann", "director")], [("Someone Else", "director")]],
        year=[1995, 1950],
        titles=["Heat 2", "Unrelated"],
    )
    assert model.add_items(new) == 2
    assert model.add_items(new) == 0  # idempotent
    liked = {100: 2.0, 101: 1.0}
    ranked = model.rank(liked, candidates=[5001, 5000])
    assert [r.item_id for r in ranked] == [5000, 5001]
    assert ranked[0].source == "content"
    # The new title competes with warm ones in the same score space.
    recs = model.recommend_for_history(liked, k=12)
    assert 5000 in {r.item_id for r in recs}
    assert 5001 not in {r.item_id for r in recs}
    # Known users keep their history after the catalog grew.
    assert model.recommend(0, k=3)


def test_fold_in_reflects_a_new_like(model):
    base = [100, 102, 104]
    before = [r.item_id for r in model.recommend_for_history(base, k=10)]
    after = model.recommend_for_history(base + [PAIR[0]], k=10)
    assert PAIR[1] not in before
    assert after[0].item_id == PAIR[1] and after[0].because == PAIR[0]


def test_thumbs_down_pushes_similar_titles_away(model):
    liked = model.rank({100: 1.0}, candidates=[901, 210])
    disliked = model.rank({100: 1.0, 900: -1.0}, candidates=[901, 210])
    s_like = {r.item_id: r.score for r in liked}
    s_dis = {r.item_id: r.score for r in disliked}
    assert s_dis[901] < s_like[901]


def test_explain_lists_the_driving_titles(model):
    exp = model.explain({100: 1.0, 900: 1.0, 205: 1.0}, 901)
    assert exp["because"][0]["item_id"] == 900
    total = sum(b["contribution"] for b in exp["because"])
    assert total == pytest.approx(exp["score"], rel=1e-4, abs=1e-6)
    exp = model.explain({100: 1.0, 101: 1.0}, 102)
    names = [f["feature"] for f in exp["features"]]
    assert "genre=crime" in names or "director=michael mann" in names


def test_explain_score_matches_recommend(model):
    recs = model.recommend_for_history([100, 102, 104], k=3)
    for r in recs:
        exp = model.explain([100, 102, 104], r.item_id)
        assert exp["score"] == pytest.approx(r.score, rel=1e-4, abs=1e-6)


def test_set_scoring_changes_only_scoring(planted):
    inter, feats, _ = planted
    model = HybridRecommender(lam=5.0, pop_beta=0.0).fit(inter, feats)
    B = model.B.copy()
    model.set_scoring(pop_beta=0.5, history_half_life=2.0)
    assert np.array_equal(B, model.B)
    with pytest.raises(ValueError, match="refit"):
        model.set_scoring(lam=10.0)


def test_max_cf_items_routes_the_tail_through_content(planted):
    inter, feats, _ = planted
    model = HybridRecommender(lam=5.0, max_cf_items=20).fit(inter, feats)
    assert model.B.shape == (20, 20)
    recs = model.recommend(0, k=25)
    assert len(recs) == 25 and {r.source for r in recs} == {"collaborative", "content"}


def test_works_without_item_features():
    inter = Interactions([1, 1, 2, 2, 3], [10, 11, 10, 11, 12])
    model = HybridRecommender(lam=1.0).fit(inter)
    assert model.recommend(3, k=2)[0].item_id in (10, 11)


def test_cold_title_newer_than_the_history_is_penalised_but_new_releases_are_not(planted, tmp_path):
    from recommender import load_model, save_model

    inter, feats, _ = planted
    model = HybridRecommender(lam=5.0, cold_year_weight=8.0).fit(inter, feats)
    same = {"genres": [["Crime", "Drama"]] * 3, "people": [[("Michael Mann", "director")]] * 3}
    model.add_items(ItemFeatures(item_ids=[5000, 5001, 5002], year=[1995, 2010, 2030], **same))
    liked = {100: 1.0, 101: 1.0}  # released 2000 and 2001; the catalog's newest is 2019
    on = {r.item_id: r.score for r in model.rank(liked, candidates=[5000, 5001, 5002])}
    exp = model.explain(liked, 5001)
    assert exp["score"] == pytest.approx(on[5001], rel=1e-4, abs=1e-5)
    model.set_scoring(cold_year_weight=0.0)
    off = {r.item_id: r.score for r in model.rank(liked, candidates=[5000, 5001, 5002])}
    gap = 8.0 * model.cf_spread
    assert gap > 0
    assert on[5000] == pytest.approx(off[5000])  # released before the history's newest
    assert on[5001] == pytest.approx(off[5001] - gap, rel=1e-4)  # released after it
    assert on[5002] == pytest.approx(off[5002])  # newer than the whole catalog: a new release
    model.set_scoring(cold_year_weight=8.0)
    loaded = load_model(save_model(model, tmp_path))
    assert np.array_equal(loaded.item_year, model.item_year)
    again = {r.item_id: r.score for r in loaded.rank(liked, candidates=[5000, 5001, 5002])}
    assert again == pytest.approx(on)
