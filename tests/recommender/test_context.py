"""The context re-ranker on hand-made logs where the right answer is known."""

import numpy as np
import pytest

from recommender import HybridRecommender, Interactions, load_model, save_model
from recommender.context import (
    ContextModel,
    compare_with_context,
    context_cells,
    context_rerank,
    decide,
    reason_text,
)

# Titles 1-10 are animation, 11-20 thrillers, 21-30 dramas.
CATALOG_IDS = list(range(1, 31))
CATALOG_GENRES = [["Animation"]] * 10 + [["Thriller"]] * 10 + [["Drama"]] * 10
SATURDAY, TUESDAY = 5, 1


def _log():
    """Profile 1 (account 1): animation at 8 am on the TV, thrillers at 11 pm on the phone.

    Profile 2 (account 2) watches both genres at the same hours on the same
    devices, with no link between genre and context. Profile 3 (account 3)
    watches dramas on its laptop in the evening only.
    """
    rows = []  # profile, account, item, hour, weekday, device
    for n in range(12):
        rows.append((1, 1, 1 + n % 10, 8, SATURDAY, "tv"))
        rows.append((1, 1, 11 + n % 10, 23, TUESDAY, "mobile"))
    for n in range(12):
        rows.append((2, 2, 1 + n % 10, 8 if n % 2 else 23, SATURDAY, "tv" if n % 2 else "mobile"))
        rows.append((2, 2, 11 + n % 10, 23 if n % 2 else 8, SATURDAY, "mobile" if n % 2 else "tv"))
    for n in range(12):
        rows.append((3, 3, 21 + n % 10, 20, TUESDAY, "desktop"))
    return [np.array(col) for col in zip(*rows, strict=True)]


def _fitted(**params) -> ContextModel:
    profile, account, item, hour, weekday, device = _log()
    return ContextModel(**params).fit(
        profile, account, item, hour, weekday, device, CATALOG_IDS, CATALOG_GENRES
    )


# The hybrid's order before context: dramas, then thrillers, then animation.
CANDIDATES = np.array([21, 22, 11, 12, 1, 2, 23, 13, 3])
SCORES = np.array([0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5])
ANIMATION, THRILLER = set(range(1, 11)), set(range(11, 21))


def _first_of(ids, group) -> int:
    return min(k for k, i in enumerate(ids.tolist()) if i in group)


def _last_of(ids, group) -> int:
    return max(k for k, i in enumerate(ids.tolist()) if i in group)


def test_morning_tv_gets_animation_and_night_phone_gets_thrillers():
    model = _fitted(enabled=True)
    morning, _, reasons = context_rerank(model, 1, CANDIDATES, SCORES, 8, SATURDAY, "tv")
    assert morning[0] in ANIMATION
    assert _last_of(morning, ANIMATION) < _first_of(morning, THRILLER)
    assert reasons[0] == "weekend-morning-tv"
    assert reason_text(reasons[0]) == "weekend mornings on the TV"
    night, _, _ = context_rerank(model, 1, CANDIDATES, SCORES, 23, TUESDAY, "mobile")
    assert night[0] in THRILLER and _last_of(night, THRILLER) < _first_of(night, ANIMATION)


def test_profiles_without_a_pattern_keep_the_hybrid_order():
    model = _fitted(enabled=True)
    assert not model.has_pattern(2) and not model.has_pattern(3)
    for profile in (2, 3, 99):
        for hour, device in ((8, "tv"), (23, "mobile"), (20, "desktop")):
            ids, scores, reasons = context_rerank(
                model, profile, CANDIDATES, SCORES, hour, SATURDAY, device
            )
            assert ids.tolist() == CANDIDATES.tolist()
            assert scores.tolist() == SCORES.tolist()
            assert reasons == [None] * len(CANDIDATES)


def test_switched_off_or_unknown_context_changes_nothing():
    off = _fitted(enabled=False)
    assert context_rerank(off, 1, CANDIDATES, SCORES, 8, SATURDAY, "tv")[0].tolist() == (
        CANDIDATES.tolist()
    )
    on = _fitted(enabled=True)
    for hour, weekday, device in ((8, SATURDAY, "fridge"), (None, SATURDAY, "tv")):
        ids = context_rerank(on, 1, CANDIDATES, SCORES, hour, weekday, device)[0]
        assert ids.tolist() == CANDIDATES.tolist()


def test_a_sparse_profile_borrows_its_households_pattern():
    """Profile 4 shares account 1 and has few events; its cells lean on the household's."""
    profile, account, item, hour, weekday, device = _log()
    extra = [(4, 1, 1 + n % 10, 9, SATURDAY, "tv") for n in range(6)]
    extra += [(4, 1, 11 + n % 10, 22, TUESDAY, "mobile") for n in range(6)]
    cols = [
        np.r_[a, np.array(b)]
        for a, b in zip(
            (profile, account, item, hour, weekday, device), zip(*extra, strict=True), strict=True
        )
    ]
    model = ContextModel(enabled=True, min_events=10).fit(*cols, CATALOG_IDS, CATALOG_GENRES)
    assert model.has_pattern(4)
    ids = context_rerank(model, 4, CANDIDATES, SCORES, 8, SATURDAY, "tablet")[0]
    # A tablet morning was never seen for profile 4: nothing is known, the site and
    # household say little, so dramas keep their lead.
    assert ids[0] == 21
    ids = context_rerank(model, 4, CANDIDATES, SCORES, 8, SATURDAY, "tv")[0]
    assert ids[0] in ANIMATION and _last_of(ids, ANIMATION) < _first_of(ids, THRILLER)


def test_context_cells_follow_dayparts_weekends_and_devices():
    cells = context_cells([8, 8, 23, 14, 19, 19], [5, 1, 1, 1, 1, 6], ["tv"] * 6)
    assert len(set(cells.tolist())) == 6
    assert context_cells([8], [5], ["toaster"]).tolist() == [-1]


def test_saved_with_the_model_and_loaded_back(tmp_path):
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(1, 21), 6)
    items = rng.integers(1, 31, len(users))
    model = HybridRecommender().fit(Interactions(users, items))
    model.context = _fitted(enabled=True)
    loaded = load_model(save_model(model, tmp_path))
    assert loaded.context.enabled and loaded.context.has_pattern(1)
    before = context_rerank(model.context, 1, CANDIDATES, SCORES, 23, TUESDAY, "mobile")
    after = context_rerank(loaded.context, 1, CANDIDATES, SCORES, 23, TUESDAY, "mobile")
    assert before[0].tolist() == after[0].tolist()
    # A version written without a context loads with none.
    plain = HybridRecommender().fit(Interactions(users, items))
    assert load_model(save_model(plain, tmp_path / "plain")).context is None


def test_holdout_comparison_and_the_decision_margin():
    model = _fitted()
    candidates = {1: (CANDIDATES, SCORES), 2: (CANDIDATES, SCORES)}
    requests = [
        (1, 8, SATURDAY, "tv", {1}),
        (1, 23, TUESDAY, "mobile", {11}),
        (2, 8, SATURDAY, "tv", {1}),
    ]
    figures = compare_with_context(model, candidates, requests)
    overall = figures["overall"]
    assert overall["requests"] == 3
    assert overall["ndcg@10_context"] > overall["ndcg@10"]
    assert overall["recall@10"] == overall["recall@10_context"] == 1.0
    # Profile 2 has no pattern: its request scores the same both ways.
    assert figures["device:tv"]["requests"] == 2
    gain = overall["ndcg@10_context"] / overall["ndcg@10"] - 1
    assert decide(figures, margin=gain - 0.01)["enabled"]
    assert not decide(figures, margin=gain + 0.01)["enabled"]
    # A slice that loses blocks it once the slice has enough requests.
    figures["daypart:night"]["ndcg@10_context"] = 0.0
    assert not decide(figures, margin=0.0, min_requests=1)["enabled"]
    assert decide(figures, margin=0.0, min_requests=2)["enabled"]
    assert not decide({}, margin=0.0)["enabled"]


@pytest.mark.parametrize("bad", [np.nan, -1])
def test_odd_hours_do_not_raise(bad):
    model = _fitted(enabled=True)
    ids = context_rerank(model, 1, CANDIDATES, SCORES, bad, SATURDAY, "tv")[0]
    assert len(ids) == len(CANDIDATES)
