"""Calibrated re-ranking (Steck 2018) on tiny inputs with known answers."""

import numpy as np
import pytest

from recommender.calibration import (
    calibrated_rerank,
    genre_distributions,
    history_distribution,
    kl_divergence,
    list_distribution,
    miscalibration,
)

# Items 0-9 are comedies, 10-19 horror; relevance favours horror.
GENRES = np.array([[1, 0]] * 10 + [[0, 1]] * 10)
DIST = genre_distributions(GENRES)
SCORES = np.concatenate([np.linspace(0.5, 0.4, 10), np.linspace(0.9, 0.8, 10)])
CANDIDATES = np.arange(20)


def test_genre_distributions_split_multi_genre_items_evenly():
    dist = genre_distributions(np.array([[1, 1, 0], [0, 0, 0], [0, 2, 0]]))
    assert dist.tolist() == [[0.5, 0.5, 0.0], [0.0, 0.0, 0.0], [0.0, 1.0, 0.0]]


def test_history_and_list_distributions():
    assert history_distribution(DIST, np.array([0, 1, 2, 10])).tolist() == [0.75, 0.25]
    weighted = history_distribution(DIST, np.array([0, 10]), weights=np.array([3.0, 1.0]))
    assert weighted.tolist() == [0.75, 0.25]
    assert history_distribution(DIST, np.array([], dtype=int)).tolist() == [0.0, 0.0]
    assert list_distribution(DIST, np.array([0, 10])).tolist() == [0.5, 0.5]


def test_kl_divergence_known_values():
    p = np.array([0.5, 0.5])
    assert kl_divergence(p, p) == pytest.approx(0.0)
    # q~ = 0.99 * [1, 0] + 0.01 * p = [0.995, 0.005]
    expected = 0.5 * np.log(0.5 / 0.995) + 0.5 * np.log(0.5 / 0.005)
    assert kl_divergence(p, np.array([1.0, 0.0])) == pytest.approx(expected)
    with pytest.raises(ValueError, match="alpha"):
        kl_divergence(p, p, alpha=0)


def test_lambda_zero_is_plain_top_k():
    ranked = calibrated_rerank(CANDIDATES, SCORES, DIST, np.array([0.7, 0.3]), k=5, lam=0.0)
    assert ranked.tolist() == [10, 11, 12, 13, 14]


def test_calibrated_list_matches_the_history_mix():
    target = np.array([0.7, 0.3])
    plain = CANDIDATES[np.argsort(-SCORES)[:10]]
    ranked = calibrated_rerank(CANDIDATES, SCORES, DIST, target, k=10, lam=0.99)
    assert (ranked < 10).sum() == 7 and (ranked >= 10).sum() == 3
    assert miscalibration(DIST, ranked, target) < miscalibration(DIST, plain, target)
    # Within each genre the most relevant items are taken first.
    assert sorted(ranked[ranked >= 10].tolist()) == [10, 11, 12]
    assert len(set(ranked.tolist())) == 10


def test_more_lambda_never_less_calibrated():
    target = np.array([0.6, 0.4])
    values = [
        miscalibration(
            DIST, calibrated_rerank(CANDIDATES, SCORES, DIST, target, k=10, lam=lam), target
        )
        for lam in (0.0, 0.3, 0.6, 0.9)
    ]
    assert values == sorted(values, reverse=True)


def test_short_candidate_lists_and_bad_arguments():
    assert (
        calibrated_rerank(
            np.array([3, 12]), np.array([0.1, 0.2]), DIST, np.array([1.0, 0.0]), k=10
        ).size
        == 2
    )
    with pytest.raises(ValueError, match="same length"):
        calibrated_rerank(np.array([1, 2]), np.array([0.1]), DIST, np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="lam"):
        calibrated_rerank(CANDIDATES, SCORES, DIST, np.array([1.0, 0.0]), lam=2)
    with pytest.raises(ValueError, match="non-negative"):
        genre_distributions(np.array([[-1, 0]]))
