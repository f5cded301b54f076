"""Experiment arms: deterministic assignment and per-arm results with intervals."""

from datetime import timedelta

import pytest

from tests.webapp.test_insights_support import NOW, LogBuilder
from webapp.extensions import db
from webapp.insights.experiments import experiment_report
from webapp.insights.logview import LogView
from webapp.insights.stats import wilson_interval
from webapp.personalization.experiments import EXPERIMENTS, arm_for


def test_arm_for_is_deterministic_balanced_and_only_knows_defined_experiments():
    arms = [arm_for(p, "diversity") for p in range(1, 4001)]
    assert arms == [arm_for(p, "diversity") for p in range(1, 4001)]
    assert set(arms) == {"control", "diverse"}
    assert 0.46 < arms.count("diverse") / len(arms) < 0.54
    assert EXPERIMENTS["diversity"].arms == ("control", "diverse")
    with pytest.raises(ValueError, match="Unknown experiment"):
        arm_for(1, "no-such-experiment")


def test_report_counts_play_rate_hours_and_retention_per_arm(app):
    """Two profiles per arm; in each arm one profile is shown 4 films, plays 1, and stays."""
    with app.app_context():
        b = LogBuilder()
        films = [b.title(f"Film {i}", ["Drama"]) for i in range(4)]
        film = films[0]
        by_arm: dict[str, list] = {"control": [], "diverse": []}
        n = 0
        while min(len(v) for v in by_arm.values()) < 2:
            profile = b.profile(f"P{n}")
            n += 1
            arm = arm_for(profile.id, "diversity")
            if len(by_arm[arm]) < 2:
                by_arm[arm].append(profile)
        for arm, (stays, leaves) in by_arm.items():
            for k, shown in enumerate(films):
                b.show(stays, shown, b.ago(days=40, minutes=k))
            b.watch(stays, film, b.ago(days=40) + timedelta(minutes=5), 3600)
            b.watch(stays, film, b.ago(days=2), 1800)  # active again in the last 14 days
            b.watch(leaves, film, b.ago(days=45), 7200 if arm == "diverse" else 1800)
        b.commit()
        report = experiment_report(LogView(db.session, NOW - timedelta(days=56), NOW), "diversity")
    arms = {a.arm: a for a in report.arms}
    for arm in ("control", "diverse"):
        result = arms[arm]
        assert (result.profiles, result.impressions, result.plays) == (2, 4, 1)
        assert result.play_rate == pytest.approx(0.25)
        assert (result.play_rate_low, result.play_rate_high) == pytest.approx(wilson_interval(1, 4))
        assert (result.eligible, result.retained, result.retention) == (2, 1, 0.5)
    assert arms["control"].hours_per_profile == pytest.approx((1.5 + 0.5) / 2)
    assert arms["diverse"].hours_per_profile == pytest.approx((1.5 + 2.0) / 2)
    assert arms["diverse"].play_rate_diff[0] == pytest.approx(0.0)
    assert arms["control"].play_rate_diff is None
