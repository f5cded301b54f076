"""Demand, supply, searches and engagement on a hand-made log whose answers are known."""

from datetime import timedelta

import pytest

from tests.webapp.test_insights_support import NOW, LogBuilder
from webapp.extensions import db
from webapp.insights.demand import demand_report
from webapp.insights.engagement import engagement_report
from webapp.insights.logview import LogView
from webapp.insights.supply import supply_report


def _log():
    return LogView(db.session, NOW - timedelta(days=56), NOW + timedelta(seconds=1))


@pytest.fixture
def known_log(app):
    """Four titles, four profiles, four sittings, a few searches and impressions.

    ann: Comic (Comedy, 1995) 1.5 h completed, 3 days ago, evening, tv
    bob: Scary (Horror, 2015, AI-assisted) 0.5 h abandoned 40 days ago, morning, mobile;
         Mixed (Comedy + Horror, 2016) 1 h abandoned 10 days ago, afternoon, mobile
    cat: Robo (Drama, AI-generated, 60 min) 1 h completed 5 days ago, evening, tv
    dan: created 20 days ago, active then and 6 days ago (searches only)
    """
    with app.app_context():
        b = LogBuilder()
        comic = b.title("Comic", ["Comedy"], year=1995, keywords=["heist"])
        scary = b.title("Scary", ["Horror"], year=2015, ai_use="assisted")
        mixed = b.title("Mixed", ["Comedy", "Horror"], year=2016, keywords=["heist"])
        robo = b.title("Robo", ["Drama"], ai_use="generated", runtime=60)
        ann, bob, cat = b.profile("Ann"), b.profile("Bob"), b.profile("Cat")
        dan = b.profile("Dan", created=b.ago(days=20))
        b.event(ann, "search", at=b.ago(days=3, minutes=10), text="comic", value=1.0)
        b.watch(ann, comic, b.ago(days=3), 5400, complete=True, hour=20, device="tv")
        b.watch(bob, scary, b.ago(days=40), 1800, hour=9, device="mobile")
        b.watch(bob, mixed, b.ago(days=10), 3600, hour=14, device="mobile")
        b.watch(cat, robo, b.ago(days=5), 3600, complete=True, hour=20, device="tv")
        for profile, days in ((ann, 1), (ann, 2), (bob, 3)):
            b.event(profile, "search", at=b.ago(days=days), text="Anime ", value=0.0)
        b.event(cat, "search", at=b.ago(days=4), text="robots", value=3.0)
        b.event(dan, "search", at=b.ago(days=20), text="chess", value=0.0)
        b.event(dan, "search", at=b.ago(days=6), text="chess", value=0.0)
        for minutes in (1, 2, 3):
            b.show(ann, comic, b.ago(days=4, minutes=minutes))
        b.show(ann, robo, b.ago(days=4, minutes=5))
        b.commit()
    return app


def _by_name(rows):
    return {r.name: r for r in rows}


def test_demand_by_genre_has_the_known_hours_completion_reach_and_growth(known_log):
    with known_log.app_context():
        report = demand_report(_log())
    genres = _by_name(report.genres)
    assert report.total_hours == pytest.approx(4.0)
    assert report.watching_profiles == 3
    assert genres["Comedy"].hours == pytest.approx(2.5)
    assert genres["Comedy"].hours_share == pytest.approx(0.625)
    assert genres["Comedy"].completion == pytest.approx(0.5)
    assert genres["Comedy"].profiles_share == pytest.approx(2 / 3)
    assert genres["Comedy"].growth is None  # nothing in the 28 days before
    assert genres["Horror"].hours == pytest.approx(1.5)
    assert genres["Horror"].completion == 0
    assert genres["Horror"].hours_recent == pytest.approx(1.0)
    assert genres["Horror"].hours_before == pytest.approx(0.5)
    assert genres["Horror"].growth == pytest.approx(1.0)
    assert genres["Drama"].completion == 1.0
    assert report.genres[0].name == "Comedy"  # most watched first
    eras = _by_name(report.eras)
    assert eras["1990s"].hours == pytest.approx(1.5)
    assert eras["2010s"].hours == pytest.approx(1.5)
    assert _by_name(report.themes)["heist"].hours == pytest.approx(2.5)


def test_supply_sets_catalog_share_against_hours_share(known_log):
    with known_log.app_context():
        report = supply_report(_log())
    genres = _by_name(report.genres)
    assert report.catalog_titles == 4
    assert genres["Comedy"].catalog_share == pytest.approx(0.5)
    assert genres["Comedy"].gap == pytest.approx(1.25)
    assert genres["Horror"].gap == pytest.approx(0.75)
    assert genres["Drama"].hours_per_title == pytest.approx(1.0)
    assert report.genres[0].name == "Comedy"  # biggest gap first


def test_failed_searches_are_counted_by_normalised_query(known_log):
    with known_log.app_context():
        report = supply_report(_log())
    zero = {g.query: (g.searches, g.profiles) for g in report.zero_result_searches}
    assert zero == {"anime": (3, 2), "chess": (2, 1)}
    unwatched = {g.query for g in report.unwatched_searches}
    assert unwatched == {"robots"}  # "comic" was followed by a play within 30 minutes


def test_ai_generated_and_ai_assisted_titles_are_counted_apart(known_log):
    with known_log.app_context():
        ai = supply_report(_log()).ai_use
    generated, assisted = ai["generated"], ai["assisted"]
    assert generated.titles == 1
    assert generated.catalog_share == pytest.approx(0.25)
    assert generated.hours_share == pytest.approx(0.25)
    assert generated.impressions_share == pytest.approx(0.25)
    assert assisted.titles == 1
    assert assisted.catalog_share == pytest.approx(0.25)
    assert assisted.hours_share == pytest.approx(0.5 / 4)
    assert assisted.impressions_share == 0


def test_engagement_by_daypart_device_and_cohort(known_log):
    with known_log.app_context():
        report = engagement_report(_log())
    assert report.active_profiles == 4
    assert report.completion == pytest.approx(0.5)
    parts = _by_name(report.dayparts)
    assert (parts["evening"].sittings, parts["evening"].completion) == (2, 1.0)
    assert parts["evening"].hours == pytest.approx(2.5)
    assert (parts["morning"].sittings, parts["afternoon"].sittings, parts["night"].sittings) == (
        1,
        1,
        0,
    )
    devices = _by_name(report.devices)
    assert devices["mobile"].hours == pytest.approx(1.5)
    assert devices["tv"].completion == 1.0
    day = {d.day: d for d in report.days}
    three_days_ago = (NOW - timedelta(days=3)).date().isoformat()
    assert day[three_days_ago].active_profiles == 2  # ann watched, bob searched
    assert day[three_days_ago].hours == pytest.approx(1.5)
    assert len(report.cohorts) == 1
    cohort = report.cohorts[0]
    assert cohort.profiles == 1
    assert cohort.retention[:3] == [1.0, 0.0, 1.0]


@pytest.mark.parametrize(
    "scenario", ["one play", "impressions only", "searches only", "two viewers"]
)
def test_every_report_copes_with_a_sparse_log(app, scenario):
    from webapp.insights import cache
    from webapp.insights.refresh import REPORTS, refresh_all

    with app.app_context():
        b = LogBuilder()
        film = b.title("Lonely", ["Drama"])
        ann, bob = b.profile("Ann"), b.profile("Bob")
        if scenario in ("one play", "two viewers"):
            b.watch(ann, film, b.ago(days=2), 600)
        if scenario == "two viewers":
            b.watch(bob, film, b.ago(days=30), 6000, complete=True)
            b.show(bob, film, b.ago(days=30, minutes=5), variant=1)
        if scenario == "impressions only":
            b.show(ann, film, b.ago(days=1), variant=0)
        if scenario == "searches only":
            b.event(ann, "search", at=b.ago(days=1), text="nothing", value=0.0)
        b.commit()
        refresh_all(db.session)
        assert all(cache.load(name) is not None for name in REPORTS)
