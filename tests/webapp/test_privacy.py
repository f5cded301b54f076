"""Privacy controls: pause, remove entries, delete everything, export, what we collect."""

import json

import pytest
from sqlalchemy import func, select

from tests.webapp.catalog_factory import build_catalog, make_account, page_text, sign_in_as
from webapp.extensions import db
from webapp.models import (
    Episode,
    EpisodeProgress,
    Event,
    ListItem,
    Profile,
    Rating,
    Season,
    WatchState,
)


@pytest.fixture
def viewer(app, client, auth):
    with app.app_context():
        made = build_catalog(n_kid=2)
        episodes = db.session.scalars(
            select(Episode.id)
            .join(Season, Season.id == Episode.season_id)
            .where(Episode.title_id == made.titles["Cartel Days"])
            .order_by(Season.number, Episode.number)
        ).all()
    profile_id = sign_in_as(app, client, auth, "privacy@example.com", {"name": "Max"})
    return made.titles, episodes, profile_id


def _watch_a_bit(client, titles, episodes):
    film, series = titles["Sunny Meadow 0"], titles["Cartel Days"]
    events = [
        {"type": "impression", "title_id": film, "row_key": "trending"},
        {"type": "play_start", "title_id": film, "value": 0},
        {"type": "pause", "title_id": film, "value": 900},
        {"type": "complete", "title_id": series, "episode_id": episodes[0], "value": 58 * 60},
        {"type": "pause", "title_id": series, "episode_id": episodes[1], "value": 300},
        {"type": "rate", "title_id": film, "value": 2},
        {"type": "list_add", "title_id": series},
        {"type": "search", "text": "cartel", "value": 1},
    ]
    assert client.post("/api/events", json={"events": events}).status_code == 200


def _count(model, profile_id) -> int:
    return db.session.scalar(
        select(func.count()).select_from(model).where(model.profile_id == profile_id)
    )


def test_activity_lists_newest_first_with_progress(client, viewer):
    titles, episodes, _ = viewer
    _watch_a_bit(client, titles, episodes)
    html = page_text(client.get("/account/activity"))
    assert "Sunny Meadow 0" in html and "Cartel Days" in html
    assert html.index("The Bag") < html.index("Pilot"), "newest first"
    assert "Watched" in html and "% watched" in html


def test_removing_a_film_deletes_its_progress_and_playback(app, client, viewer):
    titles, episodes, profile_id = viewer
    _watch_a_bit(client, titles, episodes)
    film = titles["Sunny Meadow 0"]
    response = client.post(
        "/account/activity/remove", data={"kind": "title", "item_id": film}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "Sunny Meadow 0" not in page_text(client.get("/account/activity"))
    with app.app_context():
        assert db.session.get(WatchState, (profile_id, film)) is None
        kinds = db.session.scalars(select(Event.type).where(Event.title_id == film)).all()
        assert sorted(kinds) == ["impression", "rate"], "only playback records are removed"
    assert client.get(f"/watch/{film}").get_data(as_text=True).count('data-start="0.0"') == 1


def test_removing_an_episode_moves_the_resume_point_back(app, client, viewer):
    titles, episodes, profile_id = viewer
    _watch_a_bit(client, titles, episodes)
    series = titles["Cartel Days"]
    client.post("/account/activity/remove", data={"kind": "episode", "item_id": episodes[1]})
    with app.app_context():
        assert db.session.get(EpisodeProgress, (profile_id, episodes[1])) is None
        assert (
            db.session.scalar(
                select(func.count()).select_from(Event).where(Event.episode_id == episodes[1])
            )
            == 0
        )
        # Episode 1 was finished, so the series waits at episode 2 from the start.
        state = db.session.get(WatchState, (profile_id, series))
        assert (state.episode_id, state.position) == (episodes[1], 0)
    client.post("/account/activity/remove", data={"kind": "episode", "item_id": episodes[0]})
    with app.app_context():
        assert db.session.get(WatchState, (profile_id, series)) is None


def test_delete_all_history_really_deletes(app, client, viewer):
    from webapp.activity.history import history_deleted

    titles, episodes, profile_id = viewer
    _watch_a_bit(client, titles, episodes)
    received = []
    history_deleted.connect(lambda sender, **kw: received.append(kw), weak=False)
    unconfirmed = client.post(
        f"/account/profiles/{profile_id}/history/delete", follow_redirects=True
    )
    assert "Tick the box" in page_text(unconfirmed)
    with app.app_context():
        assert _count(Event, profile_id) > 0
    client.post(f"/account/profiles/{profile_id}/history/delete", data={"confirm": "y"})
    with app.app_context():
        for model in (Event, WatchState, EpisodeProgress, Rating, ListItem):
            assert _count(model, profile_id) == 0, model.__name__
    assert {"profile_id": profile_id, "title_id": None} in received
    assert "Nothing watched yet" in page_text(client.get("/account/activity"))


def test_other_accounts_profiles_cannot_be_touched(app, client, viewer):
    with app.app_context():
        _, (other,) = make_account("other@example.com", [{"name": "Other"}])
    assert (
        client.post(f"/account/profiles/{other}/history/delete", data={"confirm": "y"}).status_code
        == 404
    )
    assert (
        client.post(f"/account/profiles/{other}/history/pause", data={"paused": "1"}).status_code
        == 404
    )


def test_pausing_history_records_nothing_and_says_so(app, client, viewer):
    titles, episodes, profile_id = viewer
    client.post(f"/account/profiles/{profile_id}/history/pause", data={"paused": "1"})
    html = page_text(client.get("/account/privacy"))
    assert "History is paused" in html and "Resume history" in html
    _watch_a_bit(client, titles, episodes)
    with app.app_context():
        assert db.session.get(Profile, profile_id).history_paused
        for model in (Event, WatchState, EpisodeProgress):
            assert _count(model, profile_id) == 0, model.__name__
    client.get("/search?q=meadow")
    with app.app_context():
        assert _count(Event, profile_id) == 0
    client.post(f"/account/profiles/{profile_id}/history/pause", data={"paused": "0"})
    _watch_a_bit(client, titles, episodes)
    with app.app_context():
        assert _count(Event, profile_id) == 8


def test_export_holds_the_whole_account(app, client, viewer):
    titles, episodes, profile_id = viewer
    _watch_a_bit(client, titles, episodes)
    with app.app_context():
        account_id = db.session.get(Profile, profile_id).account_id
        second = Profile(account_id=account_id, name="Second", is_kids=True, maturity_limit=7)
        db.session.add(second)
        db.session.commit()
    response = client.post("/account/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "privacy@example.com"
    assert "password_hash" not in json.dumps(data)
    assert [p["profile"]["name"] for p in data["profiles"]] == ["Max", "Second"]
    mine = data["profiles"][0]
    assert len(mine["events"]) == 8
    assert {e["type"] for e in mine["events"]} >= {"impression", "play_start", "rate", "search"}
    assert mine["ratings"] == [
        {
            "title_id": titles["Sunny Meadow 0"],
            "value": 2,
            "updated_at": mine["ratings"][0]["updated_at"],
        }
    ]
    assert [i["title_id"] for i in mine["my_list"]] == [titles["Cartel Days"]]
    assert len(mine["watch_states"]) == 2 and len(mine["episode_progress"]) == 2
    assert data["titles"][str(titles["Cartel Days"])] == "Cartel Days"


def test_what_we_collect_is_plain_and_public(client):
    html = page_text(client.get("/account/what-we-collect"))
    assert "What Marquee collects" in html and "Deleted means deleted" in html


def test_kids_profiles_cannot_reach_account_controls(app, client, auth):
    profile_id = sign_in_as(
        app,
        client,
        auth,
        "kidsonly@example.com",
        {"name": "Kid", "is_kids": True, "maturity_limit": 7},
    )
    assert client.get("/account/privacy").status_code == 403
    assert client.post("/account/export").status_code == 403
    assert (
        client.post(
            f"/account/profiles/{profile_id}/history/pause", data={"paused": "0"}
        ).status_code
        == 403
    )
