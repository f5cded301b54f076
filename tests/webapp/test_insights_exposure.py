"""Exposure figures and the statistics behind every report, with known answers."""

from datetime import timedelta

import numpy as np
import pytest

from tests.webapp.test_insights_support import NOW, LogBuilder
from webapp.extensions import db
from webapp.insights.exposure import exposure_report, intra_list_diversity, popularity_deciles
from webapp.insights.logview import LogView
from webapp.insights.offline import compare_calibration
from webapp.insights.stats import gini, growth, mean_interval, wilson_interval


def test_wilson_interval_known_values():
    assert wilson_interval(0, 0) == (0.0, 0.0)
    low, high = wilson_interval(5, 10)
    assert (low, high) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    low, high = wilson_interval(0, 20)
    assert low == 0 and high == pytest.approx(0.1611, abs=1e-4)


def test_gini_growth_and_mean_interval_known_values():
    assert gini(np.array([1, 1, 1, 1])) == pytest.approx(0.0)
    assert gini(np.array([0, 0, 0, 4])) == pytest.approx(0.75)
    assert gini(np.array([])) == 0.0
    assert growth(15, 10) == pytest.approx(0.5)
    assert growth(3, 0) is None
    mean, low, high = mean_interval(np.array([1.0, 3.0]))
    assert mean == 2.0 and low < 2.0 < high


def test_popularity_deciles_and_intra_list_diversity():
    deciles = popularity_deciles(np.arange(20, dtype=float))
    assert deciles[19] == 0 and deciles[18] == 0 and deciles[0] == 9
    genres = np.array([[1, 0], [1, 0], [0, 1]])
    assert intra_list_diversity(genres, [[0, 1]]) == 0.0
    assert intra_list_diversity(genres, [[0, 2]]) == 1.0
    assert intra_list_diversity(genres, [[0, 1, 2], [0]]) == pytest.approx(2 / 3)


AI_USE_OF = {5: "assisted", 9: "generated"}


@pytest.fixture
def shown_log(app):
    """Ten titles (one AI-generated, one AI-assisted); A is watched by 3 profiles and shown 6 times, B by one and
    shown twice; the other eight are never shown."""
    with app.app_context():
        b = LogBuilder()
        titles = [
            b.title(f"T{i}", ["Comedy" if i < 5 else "Horror"], ai_use=AI_USE_OF.get(i, "none"))
            for i in range(10)
        ]
        a, bb = titles[0], titles[5]
        viewers = [b.profile(f"V{i}") for i in range(3)]
        for i, viewer in enumerate(viewers):
            b.watch(viewer, a, b.ago(days=3 + i), 3600)
            b.show(viewer, a, b.ago(days=2), session=f"s{i}")
            b.show(viewer, a, b.ago(days=1), session=f"t{i}")
        b.watch(viewers[0], bb, b.ago(days=9), 3600)
        b.show(viewers[0], bb, b.ago(days=2), session="s0")
        b.show(viewers[1], bb, b.ago(days=1), session="t1")
        b.commit()
    return app


def test_exposure_report_known_shares_coverage_and_gini(shown_log):
    with shown_log.app_context():
        report = exposure_report(LogView(db.session, NOW - timedelta(days=56), NOW))
    assert report.impressions == 8
    top = report.by_decile[0]
    assert top.catalog_share == pytest.approx(0.1)
    assert top.impressions_share == pytest.approx(6 / 8)
    assert top.viewing_share == pytest.approx(3 / 4)
    assert report.figures.coverage == pytest.approx(0.2)
    assert report.figures.gini == pytest.approx(gini(np.array([6, 2] + [0] * 8)))
    genres = {g.name: g for g in report.by_genre}
    assert genres["Comedy"].impressions_share == pytest.approx(0.75)
    assert genres["Horror"].catalog_share == pytest.approx(0.5)
    # rows (profile, session, row): s0 holds A and B (different genres), the rest hold one title
    assert report.figures.intra_list_diversity == pytest.approx(1.0)
    generated, assisted = report.ai_use["generated"], report.ai_use["assisted"]
    assert generated.titles == 1 and generated.impressions_share == 0
    # T5 is B: shown twice of eight impressions, one hour of four.
    assert assisted.titles == 1 and assisted.impressions_share == pytest.approx(2 / 8)
    assert assisted.hours_share == pytest.approx(1 / 4)


def test_calibration_comparison_reports_both_sides(app):
    """Profiles who watch 80 % comedy: calibrated lists move towards that mix."""
    rng = np.random.default_rng(4)
    with app.app_context():
        b = LogBuilder()
        comedies = [b.title(f"C{i}", ["Comedy"]) for i in range(30)]
        horrors = [b.title(f"H{i}", ["Horror"]) for i in range(30)]
        for n in range(12):
            profile = b.profile(f"P{n}")
            for k in range(10):
                pool = comedies if k % 5 else horrors
                b.watch(profile, pool[int(rng.integers(30))], b.ago(days=20 - k), 1800)
        b.commit()
        comparison = compare_calibration(LogView(db.session, NOW - timedelta(days=56), NOW))
    rows = {r.metric: r for r in comparison.rows}
    assert comparison.profiles == 12
    miscalibration = rows["Miscalibration (KL, lower is closer)"]
    assert miscalibration.on <= miscalibration.off
    assert {
        "Recall@10",
        "nDCG@10",
        "Catalog coverage",
        "Gini of exposure",
        "Intra-list diversity",
    } <= set(rows)
