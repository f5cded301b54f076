"""Time of day and device on the home page, end to end: the request's zone and agent, the page."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.webapp.test_context_training import (  # noqa: F401  the hand-made log
    SATURDAY_8AM,
    TUESDAY_11PM,
    _play,
    known_log,
)
from tests.webapp.test_insights_support import NOW, LogBuilder
from webapp.extensions import db
from webapp.home import context_rows
from webapp.models import Account, Profile, WatchState
from webapp.recommendations.store import model_store
from webapp.recommendations.training import train_model

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
TV = "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36"
# The week after the log: Saturday 7 March 2026 07:00 UTC is 08:00 in Paris (UTC+1 in March);
# Tuesday 3 March 23:00 UTC is 23:00 in London.
SATURDAY_7AM_UTC = datetime(2026, 3, 7, 7, 0, tzinfo=UTC)
TUESDAY_11PM_UTC = datetime(2026, 3, 3, 23, 0, tzinfo=UTC)
CARD = re.compile(r'data-title-id="(\d+)" data-row-key="([^"]+)"')


@pytest.fixture
def served(known_log):  # noqa: F811
    """The log trained, its viewings in the state tables, and context switched on for serving."""
    known = known_log.config["KNOWN"]
    with known_log.app_context():
        train_model(known_log.config["MODEL_DIR"], now=NOW, evaluate=False)
        for profile_id in (known["shared"], known["plain"]):
            # Both watched the first nine of each genre (ids follow the order they were made).
            for title_id in sorted(known["animation"])[:9] + sorted(known["thrillers"])[:9]:
                db.session.add(_finished(profile_id, title_id))
        db.session.commit()
        store = model_store()
        store.invalidate()
        store.get().context.enabled = True
    return known_log


def _finished(profile_id: int, title_id: int) -> WatchState:
    return WatchState(
        profile_id=profile_id,
        title_id=title_id,
        position=6000.0,
        duration=6000.0,
        completed=True,
        times_completed=1,
        updated_at=NOW - timedelta(days=1),
    )


def _home(client, monkeypatch, at: datetime, agent: str, zone: str | None):
    monkeypatch.setattr(context_rows, "now", lambda: at)
    if zone is None:
        client.delete_cookie("tz")
    else:
        client.set_cookie("tz", zone)
    response = client.get("/", headers={"User-Agent": agent})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # The page's personal part (the cached rows); the rest carries a fresh CSRF token.
    return html[html.index('<main id="main"') : html.index("</main>")]


def _row(html: str, key: str) -> list[int]:
    return [int(t) for t, row in CARD.findall(html) if row == key]


def _viewer(app, profile_id: int):
    client = app.test_client()
    AuthActions(client).as_viewer(profile=profile_id)
    return client


def test_animation_leads_on_saturday_morning_tv_and_thrillers_on_weeknight_phone(
    served, monkeypatch
):
    known = served.config["KNOWN"]
    client = _viewer(served, known["shared"])
    morning = _home(client, monkeypatch, SATURDAY_7AM_UTC, TV, "Europe/Paris")
    night = _home(client, monkeypatch, TUESDAY_11PM_UTC, PHONE, "Europe/London")

    morning_picks, night_picks = _row(morning, "top-picks"), _row(night, "top-picks")
    assert set(morning_picks[:2]) <= known["animation"]
    assert set(night_picks[:2]) <= known["thrillers"]
    # The lifted cards say why, in words a person reads.
    assert str(escape("Popular with you on weekend mornings on the TV")) in morning
    assert "Popular with you on weekday nights on a phone" in night
    assert "weekday nights" not in morning and "weekend mornings" not in night


def test_a_profile_without_a_pattern_is_ranked_as_with_context_off(served, monkeypatch):
    known = served.config["KNOWN"]
    client = _viewer(served, known["plain"])
    with_context = _home(client, monkeypatch, SATURDAY_7AM_UTC, TV, "Europe/Paris")
    with served.app_context():
        model_store().get().context.enabled = False
    night = _home(client, monkeypatch, TUESDAY_11PM_UTC, PHONE, "Europe/London")
    assert _row(with_context, "top-picks") == _row(night, "top-picks")
    assert "Popular with you on" not in with_context + night


def test_switched_off_the_patterned_profile_gets_the_plain_order(served, monkeypatch):
    known = served.config["KNOWN"]
    client = _viewer(served, known["shared"])
    on = [_home(client, monkeypatch, SATURDAY_7AM_UTC, TV, "Europe/Paris")]
    on.append(_home(client, monkeypatch, TUESDAY_11PM_UTC, PHONE, "Europe/London"))
    with served.app_context():
        model_store().get().context.enabled = False
    off = [_home(client, monkeypatch, SATURDAY_7AM_UTC, TV, "Europe/Paris")]
    off.append(_home(client, monkeypatch, TUESDAY_11PM_UTC, PHONE, "Europe/London"))
    # Off, the time and device change nothing; on, they reorder the row.
    assert _row(off[0], "top-picks") == _row(off[1], "top-picks")
    assert _row(on[0], "top-picks") != _row(on[1], "top-picks")
    assert "Popular with you on" not in off[0] + off[1]


def test_the_cached_page_follows_the_daypart_and_device(served, monkeypatch):
    """The page cache serves each context its own page, and still serves repeat visits."""
    known = served.config["KNOWN"]
    client = _viewer(served, known["shared"])
    morning = _home(client, monkeypatch, SATURDAY_7AM_UTC, TV, "Europe/Paris")
    # Same daypart and device an hour later: the cached page.
    later = _home(client, monkeypatch, SATURDAY_7AM_UTC + timedelta(hours=1), TV, "Europe/Paris")
    assert later == morning
    # The same hour on a phone, then at night on the TV: other pages.
    phone = _home(client, monkeypatch, SATURDAY_7AM_UTC, PHONE, "Europe/Paris")
    assert phone != morning
    tv_night = _home(client, monkeypatch, TUESDAY_11PM_UTC, TV, "Europe/London")
    assert tv_night != morning and "weekend mornings" not in tv_night
    with served.test_request_context(headers={"User-Agent": TV, "Cookie": "tz=Europe/Paris"}):
        monkeypatch.setattr(context_rows, "now", lambda: SATURDAY_7AM_UTC)
        model = model_store().get()
        shared = db.session.get(Profile, known["shared"])
        plain = db.session.get(Profile, known["plain"])
        assert context_rows.cache_part(model, shared.id, context_rows.situation(shared)) == (
            "weekend-morning-tv"
        )
        # A profile context does not reorder keeps one cached page for every context.
        assert context_rows.cache_part(model, plain.id, context_rows.situation(plain)) is None


def test_without_a_cookie_the_households_last_zone_gives_the_local_time(served, monkeypatch):
    known = served.config["KNOWN"]
    client = _viewer(served, known["shared"])
    _home(client, monkeypatch, SATURDAY_7AM_UTC, TV, "Europe/Paris")
    with served.app_context():
        account_id = db.session.get(Profile, known["shared"]).account_id
        assert db.session.get(Account, account_id).time_zone == "Europe/Paris"
    # A zone that is not one is ignored and the stored one kept.
    _home(client, monkeypatch, SATURDAY_7AM_UTC, TV, "Mars/Olympus_Mons")
    # Friday 23:30 UTC is already Saturday night in Paris.
    friday_late = datetime(2026, 3, 6, 23, 30, tzinfo=UTC)
    monkeypatch.setattr(context_rows, "now", lambda: friday_late)
    for cookie in ({}, {"Cookie": "tz=Mars/Olympus_Mons"}):
        with served.test_request_context(headers={"User-Agent": TV, **cookie}):
            shared = db.session.get(Profile, known["shared"])
            where = context_rows.situation(shared)
            assert (where.zone, where.hour, where.weekday) == ("Europe/Paris", 0, 5)
            assert context_rows.row_name(where) == "Weekend night picks on the TV"
    # A household never seen with a zone: UTC.
    with served.test_request_context(headers={"User-Agent": PHONE}):
        plain = db.session.get(Profile, known["plain"])
        where = context_rows.situation(plain)
        assert (where.zone, where.hour, where.weekday) == ("UTC", 23, 4)
        assert context_rows.row_name(where) == "Tonight on your phone"
    with served.app_context():
        zone = db.session.scalar(select(Account.time_zone).where(Account.id == account_id))
        assert zone == "Europe/Paris"


@pytest.fixture
def wide_log(app):
    """Sixty films of each of animation and thrillers, twenty dramas, the same habits as above.

    "Shared" watches twelve animated films on Saturday mornings on the TV and
    twelve thrillers on Tuesday nights on a phone; eight crowd profiles watch
    everything at every hour on a computer, so the hybrid has neighbours.
    """
    with app.app_context():
        b = LogBuilder()
        animation = [b.title(f"Cartoon {n}", ["Animation"]) for n in range(60)]
        thrillers = [b.title(f"Night {n}", ["Thriller"]) for n in range(60)]
        dramas = [b.title(f"Drama {n}", ["Drama"]) for n in range(20)]
        shared = b.profile("Shared")
        crowd = [b.profile(f"Crowd{n}") for n in range(8)]
        week = timedelta(days=7)
        for n in range(12):
            _play(b, shared, animation[n], SATURDAY_8AM - (12 - n) * week, 8, 5, "tv")
            _play(b, shared, thrillers[n], TUESDAY_11PM - (12 - n) * week, 23, 1, "mobile")
        for k, profile in enumerate(crowd):
            for n in range(60):
                for films, offset in ((animation, 0), (thrillers, 1), (dramas, 2)):
                    if n >= len(films) or (n + k + offset) % 3 == 0:
                        continue
                    at = NOW - timedelta(days=60 - n, hours=offset + k)
                    _play(b, profile, films[n], at, (7 + 5 * offset + k) % 24, n % 7, "desktop")
        b.commit()
        for title in animation[:12] + thrillers[:12]:
            db.session.add(_finished(shared.id, title.id))
        db.session.commit()
        train_model(app.config["MODEL_DIR"], now=NOW, evaluate=False)
        store = model_store()
        store.invalidate()
        store.get().context.enabled = True
        app.config["WIDE"] = {
            "shared": shared.id,
            "animation": {t.id for t in animation},
            "thrillers": {t.id for t in thrillers},
        }
    return app


def test_a_row_of_what_the_morning_lifts_below_top_picks(wide_log, monkeypatch):
    wide = wide_log.config["WIDE"]
    client = _viewer(wide_log, wide["shared"])
    morning = _home(client, monkeypatch, SATURDAY_7AM_UTC, TV, "Europe/Paris")
    keys = list(dict.fromkeys(row for _, row in CARD.findall(morning)))
    assert keys[:2] == ["top-picks", "context-weekend-morning-tv"]
    assert "Weekend morning picks on the TV" in morning
    row = _row(morning, "context-weekend-morning-tv")
    assert len(row) >= 10 and set(row) <= wide["animation"]
    # It adds titles: none of them is among the first cards of Top Picks.
    assert not set(row) & set(_row(morning, "top-picks")[:20])
    night = _home(client, monkeypatch, TUESDAY_11PM_UTC, PHONE, "Europe/London")
    assert "Tonight on your phone" in night
    assert set(_row(night, "context-weekday-night-mobile")) <= wide["thrillers"]
    # Switched off: no such row.
    with wide_log.app_context():
        model_store().get().context.enabled = False
    off = _home(client, monkeypatch, SATURDAY_7AM_UTC, TV, "Europe/Paris")
    assert "context-" not in off and "Weekend morning picks" not in off


def test_only_the_kept_picks_are_explained_and_they_keep_their_reasons(wide_log, monkeypatch):
    """The context's wider pool is re-ranked by score; reasons are worked out for Top Picks alone.

    A reason is a pass over the whole history per title, so explaining the
    context model's whole pool made the page markedly slower to build.
    """
    wide = wide_log.config["WIDE"]
    client = _viewer(wide_log, wide["shared"])
    with wide_log.app_context():
        model = model_store().get()
    explained = []
    reasons = model.reasons

    def counted(top, q):
        explained.append(len(top))
        return reasons(top, q)

    monkeypatch.setattr(model, "reasons", counted)
    morning = _home(client, monkeypatch, SATURDAY_7AM_UTC, TV, "Europe/Paris")
    picks = _row(morning, "top-picks")
    assert len(picks) >= 10
    # Wider than Top Picks, the pool (every unseen title up to the context's 100) is not explained.
    assert model.context.top_n > max(explained) >= len(picks) // 2
    assert str(escape("Popular with you on weekend mornings on the TV")) in morning
