"""The events API: validation that names the field, all-or-nothing batches, CSRF, context."""

import pytest
from sqlalchemy import func, select

from tests.conftest import AuthActions
from tests.webapp.catalog_factory import build_catalog, sign_in_as
from webapp.extensions import db
from webapp.models import Event, WatchState

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Event))


@pytest.fixture
def viewer(app, client, auth):
    """A signed-in grown-up profile and a small catalog."""
    with app.app_context():
        made = build_catalog(n_kid=3)
    profile_id = sign_in_as(app, client, auth, "events@example.com", {"name": "Sam"})
    return made.titles, profile_id


def test_batch_is_recorded_with_its_context(app, client, viewer):
    titles, profile_id = viewer
    film = titles["Sunny Meadow 0"]
    batch = {
        "events": [
            {
                "type": "impression",
                "title_id": film,
                "page": "home",
                "row_key": "trending",
                "row_pos": 2,
                "col_pos": 4,
                "artwork_variant": 1,
                "local_hour": 21,
                "local_weekday": 4,
                "session_id": "abc-123",
                "model_version": "hybrid-2026.11",
            },
            {"type": "click", "title_id": film, "page": "home", "row_key": "trending"},
            {"type": "search", "text": "meadow", "value": 3, "page": "search"},
        ]
    }
    response = client.post("/api/events", json=batch, headers={"User-Agent": PHONE})
    assert response.status_code == 200
    assert response.get_json() == {"accepted": 3, "stored": 3, "paused": False}
    with app.app_context():
        rows = db.session.scalars(select(Event).order_by(Event.id)).all()
        assert [r.type for r in rows] == ["impression", "click", "search"]
        first = rows[0]
        assert first.profile_id == profile_id
        assert (first.row_key, first.row_pos, first.col_pos, first.artwork_variant) == (
            "trending",
            2,
            4,
            1,
        )
        assert (first.local_hour, first.local_weekday, first.session_id) == (21, 4, "abc-123")
        assert first.model_version == "hybrid-2026.11"
        assert first.device == "mobile"
        assert first.occurred_at is not None
        assert rows[2].title_id is None and rows[2].text == "meadow" and rows[2].value == 3


@pytest.mark.parametrize(
    "event, field",
    [
        ({"type": "jump", "title_id": 1}, "events[1].type"),
        ({"title_id": 1}, "events[1].type"),
        ({"type": "click"}, "events[1].title_id"),
        ({"type": "click", "title_id": "seven"}, "events[1].title_id"),
        ({"type": "click", "title_id": True}, "events[1].title_id"),
        ({"type": "heartbeat", "title_id": 1}, "events[1].value"),
        ({"type": "heartbeat", "title_id": 1, "value": -5}, "events[1].value"),
        ({"type": "rate", "title_id": 1, "value": 5}, "events[1].value"),
        ({"type": "click", "title_id": 1, "local_hour": 24}, "events[1].local_hour"),
        ({"type": "click", "title_id": 1, "local_weekday": 7}, "events[1].local_weekday"),
        ({"type": "click", "title_id": 1, "row_key": "x" * 81}, "events[1].row_key"),
        (
            {"type": "click", "title_id": 1, "session_id": "no spaces allowed"},
            "events[1].session_id",
        ),
        ({"type": "click", "title_id": 1, "profile_id": 99}, "events[1].profile_id"),
        ({"type": "search", "value": 2}, "events[1].text"),
        ({"type": "preview", "title_id": 1}, "events[1].value"),
        ({"type": "preview", "title_id": 1, "value": 1.5}, "events[1].value"),
        ({"type": "preview", "title_id": 1, "value": 0}, "events[1].value"),
        ({"type": "click", "title_id": 1, "episode_id": 1}, "events[1].episode_id"),
        ({"type": "click", "title_id": 999999}, "events[1].title_id"),
        ("not an object", "events[1]"),
    ],
)
def test_malformed_event_is_refused_naming_the_field(app, client, viewer, event, field):
    titles, _ = viewer
    if isinstance(event, dict) and type(event.get("title_id")) is int and event["title_id"] == 1:
        event = dict(event, title_id=titles["Sunny Meadow 1"])
    good = {"type": "impression", "title_id": titles["Sunny Meadow 0"]}
    response = client.post("/api/events", json={"events": [good, event]})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid event"
    assert body["field"] == field
    assert body["message"]
    assert _count(app) == 0, "a batch is all or nothing"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "events"),
        ({"events": []}, "events"),
        ({"events": "lots"}, "events"),
        ({"events": [{"type": "click", "title_id": 1}] * 101}, "events"),
        ({"events": [], "profile_id": 3}, "profile_id"),
        ([1, 2], "body"),
    ],
)
def test_malformed_batch_is_refused(client, viewer, payload, field):
    response = client.post("/api/events", json=payload)
    assert response.status_code == 400
    assert response.get_json()["field"] == field


def test_body_that_is_not_json_is_a_400(client, viewer):
    response = client.post("/api/events", data="{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["field"] == "body"


def test_titles_a_kids_profile_cannot_see_are_refused(app, client, auth):
    with app.app_context():
        made = build_catalog(n_kid=2)
    sign_in_as(
        app, client, auth, "kid@example.com", {"name": "Kid", "is_kids": True, "maturity_limit": 7}
    )
    batch = {
        "events": [
            {"type": "impression", "title_id": made.titles["Sunny Meadow 0"]},
            {"type": "impression", "title_id": made.titles["Blood Harbor"]},
        ]
    }
    response = client.post("/api/events", json=batch)
    assert response.status_code == 400
    assert response.get_json()["field"] == "events[1].title_id"
    assert _count(app) == 0


def test_episode_must_belong_to_the_title(app, client, viewer):
    titles, _ = viewer
    with app.app_context():
        from webapp.models import Episode

        episode = db.session.scalar(
            select(Episode.id).where(Episode.title_id == titles["Cartel Days"])
        )
    wrong = {
        "type": "heartbeat",
        "title_id": titles["Blood Harbor"],
        "episode_id": episode,
        "value": 10,
    }
    response = client.post("/api/events", json={"events": [wrong]})
    assert response.get_json()["field"] == "events[0].episode_id"
    series = {"type": "heartbeat", "title_id": titles["Cartel Days"], "value": 10}
    response = client.post("/api/events", json={"events": [series]})
    assert response.get_json()["field"] == "events[0].episode_id"


def test_signed_out_gets_401_json(client):
    response = client.post("/api/events", json={"events": [{"type": "click", "title_id": 1}]})
    assert response.status_code == 401
    assert response.get_json()["error"]


def test_position_is_clamped_to_the_catalog_duration(app, client, viewer):
    titles, _ = viewer
    film = titles["Sunny Meadow 0"]  # 85 minutes
    client.post(
        "/api/events",
        json={
            "events": [
                {"type": "heartbeat", "title_id": film, "value": 999999, "duration": 5},
            ]
        },
    )
    with app.app_context():
        event = db.session.scalar(select(Event))
        assert event.value == 85 * 60 and event.duration == 85 * 60
        state = db.session.scalar(select(WatchState))
        assert state.position == 85 * 60 and state.completed


# -- CSRF --------------------------------------------------------------------------------------


@pytest.fixture
def csrf_viewer(csrf_app):
    """Signed in on the CSRF-protected app; returns (client, title id, the page's token)."""
    from tests.webapp.catalog_factory import make_account

    client = csrf_app.test_client()
    with csrf_app.app_context():
        made = build_catalog(n_kid=1)
        _, (profile_id,) = make_account("csrf@example.com", [{"name": "Ana"}])
    AuthActions(client).as_viewer(profile_id)
    page = client.get(f"/watch/{made.titles['Sunny Meadow 0']}")
    assert page.status_code == 200
    token = page.get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    return client, made.titles["Sunny Meadow 0"], token


def test_events_need_a_csrf_token(csrf_app, csrf_viewer):
    client, film, _ = csrf_viewer
    response = client.post("/api/events", json={"events": [{"type": "click", "title_id": film}]})
    assert response.status_code == 400
    assert response.get_json()["field"] == "csrf_token"
    assert _count(csrf_app) == 0


def test_csrf_token_in_the_header(csrf_app, csrf_viewer):
    client, film, token = csrf_viewer
    response = client.post(
        "/api/events",
        json={"events": [{"type": "click", "title_id": film}]},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert _count(csrf_app) == 1


def test_beacon_carries_the_token_in_a_text_plain_body(csrf_app, csrf_viewer):
    """navigator.sendBeacon cannot set headers: the token comes in the JSON body."""
    import json

    client, film, token = csrf_viewer
    body = json.dumps(
        {"events": [{"type": "heartbeat", "title_id": film, "value": 60}], "csrf_token": token}
    )
    response = client.post("/api/events", data=body, content_type="text/plain;charset=UTF-8")
    assert response.status_code == 200
    forged = json.dumps({"events": [{"type": "click", "title_id": film}], "csrf_token": "forged"})
    response = client.post("/api/events", data=forged, content_type="text/plain;charset=UTF-8")
    assert response.status_code == 400
    assert _count(csrf_app) == 1
