"""Thumbs and My List: change and remove without a reload, log an event each time."""

import pytest
from sqlalchemy import select

from tests.webapp.catalog_factory import build_catalog, sign_in_as
from webapp.extensions import db
from webapp.models import Event, ListItem, Rating


@pytest.fixture
def viewer(app, client, auth):
    with app.app_context():
        made = build_catalog(n_kid=3)
    profile_id = sign_in_as(app, client, auth, "thumbs@example.com", {"name": "Jo"})
    return made.titles, profile_id


def _events(app, kind):
    with app.app_context():
        return db.session.scalars(select(Event).where(Event.type == kind).order_by(Event.id)).all()


def test_rating_can_be_set_changed_and_removed(app, client, viewer):
    titles, profile_id = viewer
    film = titles["Sunny Meadow 0"]
    url = f"/api/titles/{film}/rating"
    assert client.put(url, json={"value": 1, "page": "title"}).get_json() == {
        "title_id": film,
        "rating": 1,
    }
    assert client.put(url, json={"value": 2}).get_json()["rating"] == 2
    with app.app_context():
        assert db.session.get(Rating, (profile_id, film)).value == 2
    assert client.put(url, json={"value": -1}).get_json()["rating"] == -1
    assert client.delete(url).get_json() == {"title_id": film, "rating": None}
    with app.app_context():
        assert db.session.get(Rating, (profile_id, film)) is None
    rates = _events(app, "rate")
    assert [e.value for e in rates] == [1, 2, -1]
    assert rates[0].page == "title"
    assert len(_events(app, "unrate")) == 1


@pytest.mark.parametrize("body", [{"value": 3}, {"value": "up"}, {}, {"value": 1, "title_id": 9}])
def test_bad_ratings_are_refused_with_the_field(client, viewer, body):
    titles, _ = viewer
    response = client.put(f"/api/titles/{titles['Sunny Meadow 0']}/rating", json=body)
    assert response.status_code == 400
    field = response.get_json()["field"]
    assert field == ("title_id" if "title_id" in body else "value")


def test_my_list_add_remove_and_page(app, client, viewer):
    titles, profile_id = viewer
    first, second = titles["Sunny Meadow 0"], titles["Blood Harbor"]
    assert client.put(f"/api/titles/{first}/list").get_json() == {
        "title_id": first,
        "in_list": True,
    }
    assert (
        client.put(
            f"/api/titles/{second}/list", json={"row_key": "trending", "row_pos": 1}
        ).status_code
        == 200
    )
    assert client.put(f"/api/titles/{second}/list").status_code == 200  # twice is harmless
    page = client.get("/my-list").get_data(as_text=True)
    assert page.index("Blood Harbor") < page.index("Sunny Meadow 0"), "newest first"
    assert client.delete(f"/api/titles/{second}/list").get_json()["in_list"] is False
    with app.app_context():
        listed = db.session.scalars(
            select(ListItem.title_id).where(ListItem.profile_id == profile_id)
        ).all()
        assert listed == [first]
    assert "Blood Harbor" not in client.get("/my-list").get_data(as_text=True)
    assert [e.type for e in _events(app, "list_add")] == ["list_add"] * 3
    assert _events(app, "list_add")[1].row_key == "trending"


def test_state_endpoint_reports_thumbs_and_list_for_cards(client, viewer):
    titles, _ = viewer
    a, b = titles["Sunny Meadow 0"], titles["Sunny Meadow 1"]
    client.put(f"/api/titles/{a}/rating", json={"value": 2})
    client.put(f"/api/titles/{b}/list")
    state = client.get(f"/api/titles/state?ids={a},{b}").get_json()["titles"]
    assert state[str(a)] == {"rating": 2, "in_list": False}
    assert state[str(b)] == {"rating": None, "in_list": True}
    assert client.get("/api/titles/state?ids=1,x").status_code == 400


def test_kids_cannot_rate_or_list_what_they_cannot_see(app, client, auth):
    with app.app_context():
        made = build_catalog(n_kid=1)
    sign_in_as(
        app, client, auth, "kid@example.com", {"name": "Kid", "is_kids": True, "maturity_limit": 7}
    )
    adult = made.titles["Blood Harbor"]
    assert client.put(f"/api/titles/{adult}/rating", json={"value": 1}).status_code == 404
    assert client.put(f"/api/titles/{adult}/list").status_code == 404
    assert client.get(f"/api/titles/state?ids={adult}").get_json()["titles"] == {}


def test_title_page_shows_play_list_and_thumbs_state(client, viewer):
    titles, _ = viewer
    film = titles["Sunny Meadow 0"]
    client.put(f"/api/titles/{film}/rating", json={"value": 1})
    client.put(f"/api/titles/{film}/list")
    client.post("/api/events", json={"events": [{"type": "pause", "title_id": film, "value": 600}]})
    html = client.get(f"/title/{film}", follow_redirects=True).get_data(as_text=True)
    assert f'href="/watch/{film}"' in html and "Resume" in html
    box = " ".join(html.split("data-actions", 1)[1].split("</div>", 1)[0].split())
    assert 'data-action="list" aria-pressed="true"' in box
    assert 'data-value="1" aria-pressed="true"' in box
    assert 'data-value="2" aria-pressed="false"' in box


def test_ratings_and_list_still_work_while_history_is_paused(app, client, viewer):
    titles, profile_id = viewer
    with app.app_context():
        from webapp.models import Profile

        db.session.get(Profile, profile_id).history_paused = True
        db.session.commit()
    film = titles["Sunny Meadow 0"]
    client.put(f"/api/titles/{film}/rating", json={"value": 1})
    client.put(f"/api/titles/{film}/list")
    with app.app_context():
        assert db.session.get(Rating, (profile_id, film)).value == 1
        assert db.session.get(ListItem, (profile_id, film)) is not None
        assert db.session.scalar(select(Event)) is None
