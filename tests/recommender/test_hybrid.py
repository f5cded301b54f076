"""Behaviour of the hybrid model on data where the right answer is known."""

import dataclasses

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
    assert top.source == "collaborative" and top.similar


def test_similar_items_reason_names_shared_features(model):
    recs = model.similar_items(100, k=5)
    assert all(r.item_id in CLUSTERS[0] for r in recs)
    assert all(r.because == 100 and r.similar for r in recs)
    assert any({"director=michael mann", "genre=crime"} & set(r.shared) for r in recs)


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


def _with_new_animation(planted) -> HybridRecommender:
    """The planted model plus title 5100: animation by the animation cluster's director."""
    inter, feats, _ = planted
    model = HybridRecommender(lam=5.0, content_weight=0.1).fit(inter, feats)
    model.add_items(
        ItemFeatures(
            item_ids=[5100],
            genres=[["Animation", "Children"]],
            people=[[("Hayao Miyazaki", "director")]],
            year=[2001],
            titles=["Spirited Away"],
        )
    )
    return model


def test_liking_a_title_nobody_has_played_moves_the_next_picks(planted):
    model = _with_new_animation(planted)
    crime = [100, 102, 104, 106]
    liked = {**dict.fromkeys(crime, 1.0), 5100: 2.0}
    before = [r.item_id for r in model.recommend_for_history(crime, k=8)]
    after = [r for r in model.recommend_for_history(liked, k=8) if r.item_id in CLUSTERS[2]]
    assert not set(before) & set(CLUSTERS[2])
    assert len(after) >= 2
    for rec in after:
        # The reason names the title the profile liked, not the titles it stands for.
        assert rec.because == 5100 and model.title_of(rec.because) == "Spirited Away"
        exp = model.explain(liked, rec.item_id)
        assert exp["because"][0]["item_id"] == 5100
        assert exp["score"] == pytest.approx(rec.score, rel=1e-4, abs=1e-6)


def test_more_like_a_title_nobody_has_played_is_its_genre(planted):
    model = _with_new_animation(planted)
    recs = model.similar_items(5100, k=5)
    assert [r.item_id in CLUSTERS[2] for r in recs] == [True] * 5
    # Nobody has watched it, so no "viewers also watched" claim.
    assert all(r.source == "content" and r.because == 5100 for r in recs)
    assert all(r.score > 0 for r in recs)


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


def _era_split_catalog():
    """Half the profiles watch 1980s horror and 2010s comedy, half the other way round."""
    blocks = {
        "horror80": (100, ["Horror"], 1980),
        "comedy10": (200, ["Comedy"], 2010),
        "horror10": (300, ["Horror"], 2010),
        "comedy80": (400, ["Comedy"], 1980),
    }
    ids, genres, years = [], [], []
    for start, g, decade in blocks.values():
        for k in range(10):
            ids.append(start + k)
            genres.append(g)
            years.append(decade + k)
    users, items = [], []
    for u in range(60):
        watched = (100, 200) if u % 2 == 0 else (300, 400)
        for start in watched:
            for k in range(0, 10, 2 if u % 4 < 2 else 1):
                users.append(u)
                items.append(start + k)
    inter = Interactions(np.array(users), np.array(items))
    feats = ItemFeatures(item_ids=ids, genres=genres, year=years)
    return inter, feats


def test_cold_title_in_a_liked_genre_of_a_liked_decade_beats_the_genre_elsewhere():
    inter, feats = _era_split_catalog()
    model = HybridRecommender(lam=5.0, cold_year_weight=0.0).fit(inter, feats)
    model.add_items(ItemFeatures(item_ids=[5000, 5001], genres=[["Horror"]] * 2, year=[1985, 2015]))
    # Profile 0 watches 1980s horror, profile 1 2010s horror; both also watch
    # comedy of the other decade, so neither genre nor decade alone decides.
    assert [r.item_id for r in model.rank(0, candidates=[5001, 5000])] == [5000, 5001]
    assert [r.item_id for r in model.rank(1, candidates=[5000, 5001])] == [5001, 5000]
    reasons = [f["feature"] for f in model.explain(0, 5000)["features"]]
    assert "era=1980s|horror" in reasons


def test_cold_power_weighs_neighbours_by_similarity_to_that_power(planted):
    inter, feats, _ = planted
    model = HybridRecommender(lam=5.0, cold_k=5, cold_power=3.0).fit(inter, feats)
    model.add_items(
        ItemFeatures(item_ids=[5000], genres=[["Crime", "Thriller"]], year=[1995], people=[[]])
    )
    row = int(np.searchsorted(model.noncf_items, model._item_index([5000])[0]))
    m = model.M[row]
    sims = (model.Fc[model._item_index([5000])] @ model.Fc[model.cf_items[m.indices]].T).toarray()
    expected = sims.ravel() ** 3.0
    assert m.data == pytest.approx(expected / expected.sum(), rel=1e-5)
    model.set_scoring(cold_power=1.0)
    flat = model.M[row]
    # With a lower power the weights are more even: the top neighbour weighs less.
    assert flat.data.max() < m.data.max()


def test_keywords_describe_titles_without_plays_only_when_asked(planted):
    inter, feats, _ = planted
    keywords = [["heist"] if i in CLUSTERS[0] else [] for i in feats.item_ids]
    feats = dataclasses.replace(feats, keywords=keywords)
    new = ItemFeatures(
        item_ids=[5000, 5001], genres=[["Western"]] * 2, year=[1995] * 2, keywords=[["heist"], []]
    )
    liked = {100: 1.0, 101: 1.0, 102: 1.0}
    scores = {}
    for weight in (0.0, 1.0):
        model = HybridRecommender(lam=5.0, cold_text_weight=weight).fit(inter, feats)
        model.add_items(new)
        ranked = model.rank(liked, candidates=[5001, 5000])
        scores[weight] = {r.item_id: r.score for r in ranked}
    assert scores[0.0][5000] == pytest.approx(scores[0.0][5001])
    assert scores[1.0][5000] > scores[1.0][5001]


def test_a_model_file_of_an_older_format_is_refused_with_a_remedy(planted, tmp_path):
    import json

    from recommender import ModelError, load_latest, load_model, save_model
    from recommender.artifacts import FORMAT_VERSION, _sha256

    inter, feats, _ = planted
    model = HybridRecommender(lam=5.0).fit(inter, feats)
    path = save_model(model, tmp_path)
    meta = json.loads((path / "meta.json").read_text())
    meta["format_version"] = FORMAT_VERSION - 1
    (path / "meta.json").write_text(json.dumps(meta))
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["meta.json"] = {
        "size": (path / "meta.json").stat().st_size,
        "sha256": _sha256(path / "meta.json"),
    }
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match=f"format {FORMAT_VERSION - 1}.*retrain"):
        load_model(path)
    with pytest.raises(ModelError, match="retrain"):
        load_latest(tmp_path)


def test_set_scoring_scores_like_a_fresh_fit(planted):
    inter, feats, _ = planted
    params = {"pop_beta": 0.4, "history_half_life": None, "content_lam": 10.0}
    changed = HybridRecommender(lam=5.0).fit(inter, feats).set_scoring(**params)
    fresh = HybridRecommender(lam=5.0, **params).fit(inter, feats)
    rows = np.arange(10)
    assert changed.score_users(rows) == pytest.approx(fresh.score_users(rows), rel=1e-4, abs=1e-6)


def test_fit_progress_only_moves_forward(planted):
    inter, feats, _ = planted
    seen = []
    HybridRecommender(lam=5.0).fit(inter, feats, progress=lambda stage, f: seen.append((stage, f)))
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and 0.0 <= fractions[0]
    assert any(stage.startswith("ease") for stage, _ in seen)


def _small_site(seed: int = 5) -> tuple[Interactions, ItemFeatures]:
    """Fewer profiles than titles, and histories of dozens of titles."""
    rng = np.random.default_rng(seed)
    ids = np.arange(1000, 1200)
    users, items = [], []
    for u in range(20):
        lo = 50 * (u % 4)  # four overlapping tastes
        for i in rng.choice(np.arange(lo, lo + 120) % 200, size=90, replace=False).tolist():
            users.append(u)
            items.append(int(ids[i]))
    inter = Interactions(users, items, None, np.arange(len(users), dtype=float))
    genres = [["Drama"] if i % 2 else ["Comedy"] for i in range(len(ids))]
    years = [1960 + i % 50 for i in range(len(ids))]
    feats = ItemFeatures(item_ids=ids, genres=genres, year=years)
    return inter, feats


def test_long_histories_score_the_same_read_in_user_space(tmp_path):
    from recommender import load_model, save_model

    inter, feats = _small_site()
    model = HybridRecommender(lam=20.0, history_half_life=None).fit(inter, feats)
    assert model._dual_rows < 90, "a 90-title history should take the user-space form"
    history = {int(i): 1.0 for i in inter.item_ids[inter.user_ids == 3]}
    history[int(inter.item_ids[inter.user_ids == 7][0])] = -1.0  # a thumbs down too

    def picks(m):
        recs = m.recommend_for_history(history, k=15)
        exp = m.explain(history, recs[0].item_id)
        return recs, exp

    dual, dual_exp = picks(model)
    model._dual_rows = np.inf  # read the rows of B instead
    rows, rows_exp = picks(model)
    assert [r.item_id for r in dual] == [r.item_id for r in rows]
    assert [r.score for r in dual] == pytest.approx([r.score for r in rows], rel=1e-4, abs=1e-5)
    assert [(r.because, r.source) for r in dual] == [(r.because, r.source) for r in rows]
    assert dual_exp["score"] == pytest.approx(rows_exp["score"], rel=1e-4, abs=1e-5)
    assert [b["item_id"] for b in dual_exp["because"]] == [
        b["item_id"] for b in rows_exp["because"]
    ]

    loaded = load_model(save_model(model, tmp_path))
    assert loaded._dual_rows < 90
    assert [r.item_id for r in loaded.recommend_for_history(history, k=15)] == [
        r.item_id for r in rows
    ]


def test_reasons_read_the_same_values_of_b_value_by_value_or_row_by_row(planted, monkeypatch):
    from recommender.hybrid import reasons

    inter, feats, _ = planted
    model = HybridRecommender(lam=5.0).fit(inter, feats)
    n = model.B.shape[0]
    rng = np.random.default_rng(0)
    cols = np.sort(rng.choice(n, 6, replace=False))
    W = (rng.random((6, 3)) * (rng.random((6, 3)) < 0.5)).astype(np.float32)
    rows = rng.permutation(n)[: n // 2]
    direct = np.asarray(model.B)[np.ix_(rows, cols)]
    # The switch between the two reads is the history's share of the head titles.
    for dense_pick in (1, 10**9):
        monkeypatch.setattr(reasons, "_DENSE_PICK", dense_pick)
        block = reasons._b_times(model, rows, cols, np.eye(len(cols), dtype=np.float32))
        assert block == pytest.approx(direct, rel=1e-4, abs=1e-6)
        assert reasons._b_times(model, rows, cols, W) == pytest.approx(
            direct @ W, rel=1e-4, abs=1e-6
        )


def test_one_history_and_a_batch_see_the_same_newest_title_however_old():
    # Profile 0 liked a 2010 title first, then twenty older ones: with a short
    # half life the 2010 title's decayed weight vanishes, yet it still dates
    # the profile, so a 2005 title without plays (40) is not "after its time".
    ids = list(range(1, 41))
    years = [2010] + [1990] * 38 + [2005]  # title 40: no plays
    users, items = [], []
    for u in range(12):
        picks = [1] + list(range(2 + u, 22 + u)) if u == 0 else list(range(2 + u, 22 + u))
        users += [u] * len(picks)
        items += picks
    inter = Interactions(users, items, None, np.arange(len(users), dtype=float))
    feats = ItemFeatures(item_ids=ids, genres=[["Drama"]] * 40, year=years)
    model = HybridRecommender(lam=5.0, history_half_life=0.1, cold_year_weight=4.0)
    model.fit(inter, feats)
    assert model._hist.data[0] == 0, "the 2010 title's decayed weight has vanished"
    one = model.recommend(0, k=1, allowed=[40])[0].score
    batch = model.score_users(np.array([0]))[0, model._item_index([40])[0]]
    assert one == pytest.approx(batch, rel=1e-5, abs=1e-6)
