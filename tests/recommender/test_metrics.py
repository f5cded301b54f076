"""Metric functions against values computed by hand."""

import math

import numpy as np
import pytest

from recommender.metrics import (
    catalog_coverage,
    hit_at_k,
    mean_popularity_percentile,
    ndcg_at_k,
    popularity_percentiles,
    recall_at_k,
    tie_break_ranks,
    top_k_with_ties,
)


def test_ndcg_hand_computed():
    # hits at ranks 1 and 3; 3 relevant items -> ideal is 3 hits at ranks 1..3
    dcg = 1 + 1 / math.log2(4)
    idcg = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k([5, 6, 7, 8], {5, 7, 9}, k=10) == pytest.approx(dcg / idcg)
    assert ndcg_at_k([1, 2], {1}, k=10) == pytest.approx(1.0)
    assert ndcg_at_k([2, 1], {1}, k=10) == pytest.approx(1 / math.log2(3))
    assert ndcg_at_k([2, 1], {1}, k=1) == 0.0
    assert ndcg_at_k([1], set(), k=10) == 0.0


def test_ndcg_ideal_is_capped_at_k():
    # 15 relevant, 10 recommended all hits -> perfect
    assert ndcg_at_k(list(range(10)), set(range(15)), k=10) == pytest.approx(1.0)


def test_recall_and_hit():
    assert recall_at_k([1, 2, 3], {1, 3, 4, 5}, k=3) == pytest.approx(2 / 3)
    assert recall_at_k([1, 2, 3], {3}, k=2) == 0.0
    assert recall_at_k(list(range(20)), set(range(30)), k=20) == pytest.approx(1.0)
    assert hit_at_k([1, 2, 3], {3}, k=3) == 1.0
    assert hit_at_k([1, 2, 3], {3}, k=2) == 0.0


def test_coverage_and_popularity():
    assert catalog_coverage([[1, 2], [2, 3]], n_catalog=10, k=10) == pytest.approx(0.3)
    assert catalog_coverage([[1, 2], [2, 3]], n_catalog=10, k=1) == pytest.approx(0.2)
    pct = popularity_percentiles(np.array([10, 20, 30, 40]), np.array([5, 1, 5, 9]))
    # ranks: 1 -> 1, 5,5 -> 2.5 each, 9 -> 4 ; percent of 4
    assert pct == {10: 62.5, 20: 25.0, 30: 62.5, 40: 100.0}
    assert mean_popularity_percentile([[40, 20]], pct) == pytest.approx(62.5)


def test_k_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        ndcg_at_k([1], {1}, k=0)


def test_ties_follow_fixed_permutation_not_id():
    tie = tie_break_ranks(6, seed=42)
    assert sorted(tie.tolist()) == list(range(6))
    scores = np.zeros(6)
    top = top_k_with_ties(scores, 6, tie)
    assert top.tolist() == np.argsort(tie).tolist()
    scores = np.array([0.0, 5.0, 1.0, 5.0, -np.inf, 2.0])
    top = top_k_with_ties(scores, 10, tie)
    assert 4 not in top.tolist() and len(top) == 5
    assert set(top[:2].tolist()) == {1, 3}
    assert top[2:].tolist() == [5, 2, 0]


def test_an_evaluation_task_scores_given_rankings_by_hand():
    from recommender import Interactions
    from recommender.evaluate import Task

    train = Interactions(np.array([1, 2]), np.array([40, 40]))
    task = Task(train, None, {1: {30}, 2: {10, 20}}, np.array([30, 10, 20]), exclude_train=False)
    one_order = task.run_scores(np.array([0.1, 0.5, 0.9]))  # candidates 10, 20, 30
    second = 1 / math.log2(3)
    assert one_order["ndcg@10"] == pytest.approx((1.0 + (second + 0.5) / (1 + second)) / 2)
    assert one_order["hit@10"] == 1.0
    per_user = task.run_scores(np.array([[0.9, 0.5, 0.1], [0.9, 0.5, 0.1]]))
    assert per_user["ndcg@10"] == pytest.approx((0.5 + 1.0) / 2)


def test_given_scores_rank_like_the_model_they_came_from(planted):
    from recommender.evaluate import Task
    from recommender.hybrid import HybridRecommender

    inter, feats, _ = planted
    model = HybridRecommender(lam=5.0).fit(inter, feats)
    items = np.unique(inter.item_ids)[:40]
    relevant = {int(u): {int(items[u % 40]), int(items[(3 * u) % 40])} for u in range(12)}
    task = Task(inter, feats, relevant, items, exclude_train=False)
    rows = np.array([model._user_row(u) for u in task.users])
    scores = model.score_users(rows)[:, model._item_index(task.candidates)]
    from_scores = task.run_scores(scores)
    assert from_scores == {k: v for k, v in task.run(model).items() if k in from_scores}
