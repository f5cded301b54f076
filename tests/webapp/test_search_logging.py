"""Searches are logged by the results page's own POST, never by GET /search.

A link on another site can make a browser GET /search?q=anything; only a
same-origin script holding the page's CSRF token can write the search event,
which the insights' zero-results report then reads.
"""

import csv
import io
import re

import pytest
from sqlalchemy import func, select

import webapp.admin.insights_routes  # noqa: F401  (registers the routes on the admin blueprint)
from tests.conftest import AuthActions
from tests.webapp.catalog_factory import build_catalog, make_account
from webapp.extensions import db
from webapp.models import Account, Event

QUERY = "zebra submarine"
TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def _token(html: str) -> str:
    return TOKEN.search(html).group(1)


def _events() -> list[tuple]:
    return list(
        db.session.execute(
            select(Event.type, Event.text, Event.value, Event.page, Event.session_id).order_by(
                Event.id
            )
        ).all()
    )


@pytest.fixture
def signed_in(csrf_app):
    """A viewer signed in, with CSRF protection on."""
    app = csrf_app
    with app.app_context():
        build_catalog(n_kid=3)
        _, (profile_id,) = make_account("searcher@example.com")
    client = app.test_client()
    AuthActions(client).as_viewer(profile_id)
    assert client.get("/my-list").status_code == 200
    return app, client


def test_get_search_writes_nothing(signed_in):
    app, client = signed_in
    with app.app_context():
        before = _events()
    for q in (QUERY, "Sunny Meadow"):
        response = client.get("/search", query_string={"q": q})
        assert response.status_code == 200
    with app.app_context():
        assert _events() == before


def test_the_results_page_posts_its_search_and_the_report_lists_it(signed_in):
    app, client = signed_in
    page = client.get("/search", query_string={"q": QUERY}).get_data(as_text=True)
    # What static/js/search.js reads from the page and sends.
    shown = re.search(r'data-search-query="([^"]*)"\s+data-search-results="(\d+)"', page)
    assert shown and shown.groups() == (QUERY, "0")
    event = {"type": "search", "text": QUERY, "value": 0, "page": "search", "session_id": "s-1"}
    response = client.post(
        "/api/events", json={"events": [event]}, headers={"X-CSRFToken": _token(page)}
    )
    assert response.status_code == 200
    with app.app_context():
        assert _events()[-1] == ("search", QUERY, 0.0, "search", "s-1")
        admin = db.session.scalar(select(Account).where(Account.email == "searcher@example.com"))
        admin.is_admin = True
        db.session.commit()
    client.post("/admin/insights/refresh", data={"csrf_token": _token(page)})
    report = client.get("/admin/insights/supply/zero-results.csv")
    assert report.status_code == 200
    rows = list(csv.reader(io.StringIO(report.get_data(as_text=True))))
    assert [QUERY, "1", "1"] in rows


def test_a_search_event_is_checked_like_any_other(signed_in):
    app, client = signed_in
    token = _token(client.get("/search", query_string={"q": QUERY}).get_data(as_text=True))
    too_long = {"type": "search", "text": "x" * 201, "value": 0}
    response = client.post(
        "/api/events", json={"events": [too_long]}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 400
    assert response.get_json()["field"] == "events[0].text"
    negative = {"type": "search", "text": QUERY, "value": -1}
    response = client.post(
        "/api/events", json={"events": [negative]}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_a_cross_site_post_cannot_plant_a_search(signed_in):
    """Another site can make the browser send the cookies, but it cannot read the token."""
    app, client = signed_in
    planted = {"type": "search", "text": "planted by another site", "value": 0}
    for headers in ({}, {"X-CSRFToken": "forged"}, {"Origin": "https://evil.example"}):
        response = client.post("/api/events", json={"events": [planted]}, headers=headers)
        assert response.status_code == 400
        assert response.get_json()["field"] == "csrf_token"
    beacon = client.post(
        "/api/events",
        data='{"events": [{"type": "search", "text": "planted", "value": 0}]}',
        content_type="text/plain",
    )
    assert beacon.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 0
