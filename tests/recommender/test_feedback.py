"""The event log -> implicit feedback weighting."""

import pytest

from recommender import Interactions, events_to_feedback

NOW = 1_700_000_000.0
DAY = 86400.0


def _weights(events, half_life_days=None):
    u, i, t, e, v = zip(*events)
    inter = events_to_feedback(u, i, t, e, v, now=NOW, half_life_days=half_life_days)
    return dict(zip(inter.item_ids.tolist(), inter.weights.tolist()))


def test_ordering_of_evidence():
    nan = float("nan")
    w = _weights(
        [
            (1, 10, NOW, "play_start", 0.0),  # started only
            (1, 11, NOW - 10, "play_start", 0.0),
            (1, 11, NOW, "complete", 1.0),  # completed
            (1, 12, NOW - 10, "play_start", 0.0),
            (1, 12, NOW, "abandon", 0.02),  # early abandon
            (1, 13, NOW - 10, "play_start", 0.0),
            (1, 13, NOW, "rate", -1.0),  # thumbs down
            (1, 14, NOW - 10, "complete", 1.0),
            (1, 14, NOW, "rate", 2.0),  # love it
            (1, 15, NOW, "impression", nan),  # no signal
            (1, 16, NOW - 5, "rate", 1.0),
            (1, 16, NOW, "unrate", nan),  # rating withdrawn
        ]
    )
    assert w[11] > w[10] > 0
    assert 0 < w[12] < w[10]
    assert w[13] < 0
    assert w[14] > w[11] and w[14] == max(w.values())
    assert 15 not in w and 16 not in w


def test_half_life_decay():
    w = _weights(
        [(1, 10, NOW, "complete", 1.0), (1, 11, NOW - 30 * DAY, "complete", 1.0)], half_life_days=30
    )
    assert w[10] == pytest.approx(1.0)
    assert w[11] == pytest.approx(0.5)


def test_mismatched_lengths_raise_with_remedy():
    with pytest.raises(ValueError, match="same length"):
        events_to_feedback([1, 2], [1], [0.0, 0.0], ["complete", "complete"])
    with pytest.raises(ValueError, match="equal length"):
        Interactions([1, 2], [1])
