"""Churn features with known values, and a model that learns a planted churn rule."""

from datetime import timedelta

import numpy as np
import pytest

from tests.webapp.test_insights_support import NOW, LogBuilder
from webapp.extensions import db
from webapp.insights.churn import FEATURES, churn_report, features_at
from webapp.insights.logview import LogView

START = NOW - timedelta(days=56)


def _log():
    return LogView(db.session, START, NOW)


def test_features_at_a_cutoff_have_the_known_values(app):
    """One profile, days 20 and 25 of the window; cutoff day 28, horizon days 28-41."""
    with app.app_context():
        b = LogBuilder()
        comedy = b.title("Comic", ["Comedy"])
        horror = b.title("Scary", ["Horror"])
        ann = b.profile("Ann")
        day = lambda d, h=0: START + timedelta(days=d, hours=h + 1)
        b.show(ann, comedy, day(20), variant=0)
        b.show(ann, horror, day(20), variant=0)
        b.watch(ann, comedy, day(20, 0.1), 3600, complete=True)  # played 6 min after its impression
        b.watch(ann, horror, day(25), 1800)
        b.event(ann, "list_add", comedy, day(25, 1))
        b.event(
            ann, "search", at=day(30), text="x", value=0.0
        )  # active in the horizon: not churned
        b.commit()
        ann_id = ann.id
        features = features_at(_log(), 28)
    row = dict(zip(FEATURES, features.values[0], strict=True))
    assert features.profiles.tolist() == [ann_id]
    assert row["recency_days"] == 3
    assert row["active_days"] == 2
    assert row["hours"] == pytest.approx(1.5)
    assert row["completion"] == pytest.approx(0.5)
    # lookback days 0-27, halves split at day 14: all 1.5 h in the recent half
    assert row["trend"] == pytest.approx(1.5 / 2.5)
    assert row["genres"] == 2
    assert row["uptake"] == pytest.approx(0.5)
    assert row["list_adds"] == 1
    assert features.churned.tolist() == [False]


def test_model_learns_a_planted_churn_rule(app):
    """Loyal profiles watch daily and stay; fickle ones visit every third day and stop for good."""
    rng = np.random.default_rng(3)
    with app.app_context():
        b = LogBuilder()
        titles = [b.title(f"T{i}", ["Drama" if i % 2 else "Comedy"]) for i in range(6)]
        fickle = set()
        for n in range(40):
            profile = b.profile(f"P{n}")
            loyal = n % 2 == 0
            # Fickle profiles stop on a random day; some are still around at the end.
            stop = 56 if loyal else min(int(rng.integers(20, 80)), 56)
            if not loyal:
                fickle.add(profile.id)
            for d in range(0, stop, 1 if loyal else 3):
                at = START + timedelta(days=d, hours=14 + float(rng.uniform(0, 6)))
                b.watch(
                    profile,
                    titles[int(rng.integers(6))],
                    at,
                    3000 if loyal else 900,
                    complete=loyal,
                )
        b.commit()
        report = churn_report(_log())
    assert report.auc is not None and report.auc > 0.8
    assert 0 < report.base_rate < 1
    assert sum(c.profiles for c in report.calibration) == report.test_profiles
    top = report.at_risk[:5]
    assert len(top) == 5
    assert all(r.profile_id in fickle for r in top)  # still around, but fickle
    assert all(r.drivers for r in top)
    assert top[0].risk >= top[-1].risk
