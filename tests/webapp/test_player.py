"""The player and resume logic: films resume, past 90 % counts as watched, series move on."""

import pytest
from sqlalchemy import select

from tests.webapp.catalog_factory import build_catalog, sign_in_as
from webapp.extensions import db
from webapp.models import Episode, EpisodeProgress, Season, WatchState


@pytest.fixture
def viewer(app, client, auth):
    with app.app_context():
        made = build_catalog(n_kid=2)
        episodes = db.session.execute(
            select(Episode.id, Episode.runtime_minutes)
            .join(Season, Season.id == Episode.season_id)
            .where(Episode.title_id == made.titles["Cartel Days"])
            .order_by(Season.number, Episode.number)
        ).all()
    profile_id = sign_in_as(app, client, auth, "player@example.com", {"name": "Lee"})
    return made.titles, [(e.id, e.runtime_minutes * 60) for e in episodes], profile_id


def _send(client, *events):
    response = client.post("/api/events", json={"events": list(events)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _player(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    data = html.split('id="player"')[1].split(">")[0]
    attrs = dict(part.split('="', 1) for part in data.split() if '="' in part)
    return {k: v.rstrip('"') for k, v in attrs.items()}, html


def test_a_new_film_starts_at_the_beginning(client, viewer):
    titles, _, _ = viewer
    data, html = _player(client, f"/watch/{titles['Sunny Meadow 0']}")
    assert data["data-start"] == "0.0"
    assert data["data-episode-id"] == ""
    # No video uploaded for it: the page says so rather than pretending to play.
    assert "Not available to play yet" in html and "js/player.js" not in html


def test_reopening_a_film_resumes_where_the_profile_left_off(app, client, viewer):
    titles, _, profile_id = viewer
    film = titles["Sunny Meadow 0"]
    _send(
        client,
        {"type": "play_start", "title_id": film, "value": 0},
        {"type": "heartbeat", "title_id": film, "value": 600},
        {"type": "pause", "title_id": film, "value": 1234.5},
    )
    data, _ = _player(client, f"/watch/{film}")
    assert data["data-start"] == "1234.5"
    with app.app_context():
        state = db.session.get(WatchState, (profile_id, film))
        assert (state.position, state.completed, state.times_completed) == (1234.5, False, 0)


def test_past_ninety_percent_counts_as_watched_and_starts_over(app, client, viewer):
    titles, _, profile_id = viewer
    film = titles["Sunny Meadow 0"]
    _send(client, {"type": "heartbeat", "title_id": film, "value": 0.91 * 85 * 60})
    with app.app_context():
        state = db.session.get(WatchState, (profile_id, film))
        assert state.completed and state.times_completed == 1
    data, _ = _player(client, f"/watch/{film}")
    assert data["data-start"] == "0.0"
    # Later heartbeats of the same sitting do not count a second viewing.
    _send(
        client,
        {"type": "heartbeat", "title_id": film, "value": 0.95 * 85 * 60},
        {"type": "complete", "title_id": film, "value": 85 * 60},
    )
    with app.app_context():
        assert db.session.get(WatchState, (profile_id, film)).times_completed == 1


def test_series_resume_at_the_right_episode_then_the_next(app, client, viewer):
    titles, episodes, profile_id = viewer
    series = titles["Cartel Days"]
    (e1, d1), (e2, _), (e3, d3) = episodes
    data, _ = _player(client, f"/watch/{series}")
    assert (data["data-episode-id"], data["data-start"]) == (str(e1), "0.0")
    _send(client, {"type": "heartbeat", "title_id": series, "episode_id": e1, "value": 300})
    data, _ = _player(client, f"/watch/{series}")
    assert (data["data-episode-id"], data["data-start"]) == (str(e1), "300.0")
    assert data["data-next-url"] == f"/watch/{series}/episode/{e2}"
    # Finishing episode 1 moves the series on to episode 2, from the start.
    _send(client, {"type": "complete", "title_id": series, "episode_id": e1, "value": d1})
    data, _ = _player(client, f"/watch/{series}")
    assert (data["data-episode-id"], data["data-start"]) == (str(e2), "0.0")
    # Episode 3 (season 2) is the last: finishing it completes the series.
    _send(client, {"type": "heartbeat", "title_id": series, "episode_id": e3, "value": 0.95 * d3})
    with app.app_context():
        state = db.session.get(WatchState, (profile_id, series))
        assert (state.episode_id, state.completed, state.times_completed) == (e3, True, 1)
        progress = db.session.get(EpisodeProgress, (profile_id, e1))
        assert progress.completed
    data, _ = _player(client, f"/watch/{series}")
    assert (data["data-episode-id"], data["data-start"]) == (str(e1), "0.0")
    assert data["data-next-url"] == f"/watch/{series}/episode/{e2}"


def test_an_episode_page_resumes_that_episode(client, viewer):
    titles, episodes, _ = viewer
    series = titles["Cartel Days"]
    (e1, _), (e2, _), (e3, _) = episodes
    _send(client, {"type": "pause", "title_id": series, "episode_id": e2, "value": 120})
    data, _ = _player(client, f"/watch/{series}/episode/{e2}")
    assert (data["data-episode-id"], data["data-start"]) == (str(e2), "120.0")
    data, _ = _player(client, f"/watch/{series}/episode/{e3}")
    assert data["data-next-url"] == ""
    assert client.get(f"/watch/{series}/episode/{e1 + 999}").status_code == 404
    assert client.get(f"/watch/{titles['Sunny Meadow 0']}/episode/{e1}").status_code == 404


def test_episode_progress_stays_completed_after_a_rewatch(app, client, viewer):
    titles, episodes, profile_id = viewer
    series = titles["Cartel Days"]
    (e1, d1), _, _ = episodes
    _send(
        client,
        {"type": "complete", "title_id": series, "episode_id": e1, "value": d1},
        {"type": "play_start", "title_id": series, "episode_id": e1, "value": 0},
    )
    with app.app_context():
        progress = db.session.get(EpisodeProgress, (profile_id, e1))
        assert progress.completed and progress.position == 0


def test_two_tabs_reporting_at_once_keep_one_consistent_row(app, client, viewer):
    """Interleaved heartbeats from two tabs: one WatchState row, the last report wins."""
    titles, _, profile_id = viewer
    film = titles["Sunny Meadow 1"]
    for a, b in ((60, 3000), (70, 3010), (80, 3020)):
        _send(client, {"type": "heartbeat", "title_id": film, "value": a})
        _send(client, {"type": "heartbeat", "title_id": film, "value": b})
    with app.app_context():
        rows = db.session.scalars(
            select(WatchState).where(WatchState.profile_id == profile_id)
        ).all()
        assert [(r.title_id, r.position) for r in rows] == [(film, 3020)]


def test_titles_above_the_profile_limit_cannot_be_played(app, client, auth):
    with app.app_context():
        made = build_catalog(n_kid=1)
    sign_in_as(
        app, client, auth, "kid@example.com", {"name": "Kid", "is_kids": True, "maturity_limit": 7}
    )
    assert client.get(f"/watch/{made.titles['Blood Harbor']}").status_code == 404
    assert client.get(f"/watch/{made.titles['Sunny Meadow 0']}").status_code == 200


def test_paused_history_records_no_playback(app, client, viewer):
    titles, _, profile_id = viewer
    with app.app_context():
        from webapp.models import Event, Profile

        db.session.get(Profile, profile_id).history_paused = True
        db.session.commit()
    film = titles["Sunny Meadow 0"]
    body = _send(client, {"type": "heartbeat", "title_id": film, "value": 600})
    assert body == {"accepted": 1, "stored": 0, "paused": True}
    _, html = _player(client, f"/watch/{film}")
    assert "history is paused" in html.lower()
    with app.app_context():
        assert db.session.scalar(select(Event)) is None
        assert db.session.get(WatchState, (profile_id, film)) is None
