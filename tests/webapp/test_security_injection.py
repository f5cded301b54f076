"""Hostile input in every field a viewer can type: stored or refused, never a 500, shown escaped."""

import pytest
from markupsafe import escape
from sqlalchemy import select

from tests.webapp.catalog_factory import build_catalog, sign_in_as
from webapp.extensions import db
from webapp.models import Account, Event, Profile

HOSTILE = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE accounts; --",
    "' OR '1'='1' --",
    "x" * 10_000,
    "\u202eevil.exe\u202c",  # right-to-left override
    "nul\x00byte",
    "zero\u200bwidth \ufeff bom",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🎬 ﷽",
    "{{ 7*7 }} {% raw %} %s %n ${jndi:ldap://x}",
    "line\r\nbreak\tTab",
]
RAW_MARKUP = ("<script>alert('x')</script>", "<img src=x onerror=alert(1)>")


def _safe(response) -> None:
    """Not a server error, and no hostile markup came back unescaped in a page.

    JSON answers may echo text as it was sent: scripts insert it as text, and
    nosniff keeps browsers from reading JSON as HTML.
    """
    assert response.status_code < 500, response.status_code
    if response.mimetype == "text/html":
        body = response.get_data(as_text=True)
        for markup in RAW_MARKUP:
            assert markup not in body


@pytest.fixture
def viewer(app, client, auth):
    with app.app_context():
        catalog = build_catalog(n_kid=2)
    sign_in_as(app, client, auth, "hostile@example.com", {"name": "Base"})
    return catalog


def test_sign_up_and_sign_in_with_hostile_email_or_password(client):
    for text in HOSTILE:
        _safe(client.post("/auth/signup", data={"email": text, "password": text, "confirm": text}))
        weird_address = {"email": f"{text}@example.com", "password": "ok pass 123"}
        _safe(client.post("/auth/signup", data={**weird_address, "confirm": "ok pass 123"}))
        _safe(client.post("/auth/login", data={"email": text, "password": text}))


def test_a_hostile_but_valid_password_works(app, client, auth):
    password = "<script>'; DROP TABLE accounts;--\u202e 🎬"
    assert auth.signup(email="odd@example.com", password=password).status_code == 200
    auth.logout()
    response = auth.login(email="odd@example.com", password=password, follow=False)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Account).where(Account.email == "odd@example.com"))


def test_profile_names_are_stored_or_refused_and_shown_escaped(app, client, viewer):
    with app.app_context():
        profile_id = db.session.scalar(select(Profile.id).where(Profile.name == "Base"))
    form = {"avatar_color": "#e50914", "maturity_limit": 18}
    _safe(client.post("/profiles/new", data={**form, "name": HOSTILE[0]}, follow_redirects=True))
    for text in HOSTILE:
        edit = client.post(f"/profiles/{profile_id}/edit", data={**form, "name": text})
        _safe(edit)
        for url in ("/profiles/", "/profiles/manage", "/account/"):
            _safe(client.get(url, follow_redirects=True))
    with app.app_context():
        for name in db.session.scalars(select(Profile.name)):
            assert 0 < len(name) <= 40
    listing = client.get("/profiles/").get_data(as_text=True)
    assert str(escape(HOSTILE[0])) in listing


def test_search_pages_and_suggestions(client, viewer):
    for text in HOSTILE:
        _safe(client.get("/search", query_string={"q": text}))
        response = client.get("/api/search/suggest", query_string={"q": text})
        _safe(response)
        assert response.is_json


def test_event_payloads(app, client, viewer):
    title_id = next(iter(viewer.titles.values()))
    for text in HOSTILE:
        batch = {
            "events": [
                {"type": "search", "text": text, "page": text[:40]},
                {"type": "impression", "title_id": title_id, "row_key": text, "session_id": text},
            ]
        }
        response = client.post("/api/events", json=batch)
        _safe(response)
        assert response.is_json
        wrong_type = {"events": [{"type": text, "title_id": title_id}]}
        _safe(client.post("/api/events", json=wrong_type))
        _safe(client.put(f"/api/titles/{title_id}/rating", json={"value": 1, "page": text}))
        _safe(client.put(f"/api/titles/{title_id}/list", json={text[:100]: text}))
    with app.app_context():
        for event in db.session.scalars(select(Event)):
            assert "\x00" not in (event.text or "")
    _safe(client.get("/account/activity"))


def test_hostile_text_is_shown_escaped_on_the_search_page(client, viewer):
    body = client.get("/search", query_string={"q": "<script>alert('x')</script>"}).get_data(
        as_text=True
    )
    assert "&lt;script&gt;" in body


def test_nul_and_lone_surrogates_are_refused_with_a_clear_400(app, client, viewer):
    title_id = next(iter(viewer.titles.values()))
    for body in (
        b'{"events": [{"type": "search", "text": "a\\u0000b"}]}',
        b'{"events": [{"type": "search", "text": "\\ud800"}]}',
        b'{"events": [{"type": "search", "\\u0000": 1}]}',
    ):
        response = client.post("/api/events", data=body, content_type="application/json")
        assert response.status_code == 400 and "cannot store" in response.get_json()["message"]
    rating = client.put(
        f"/api/titles/{title_id}/rating",
        data=b'{"value": 1, "page": "\\udfff"}',
        content_type="text/plain",
    )
    assert rating.status_code == 400
    page = client.get("/person/a%00b")
    assert page.status_code == 400 and "cannot store" in page.get_data(as_text=True)
    # Queries are read, never stored: the NUL is dropped and the search runs.
    assert client.get("/search", query_string={"q": "Sunny\x00"}).status_code == 200
    suggest = client.get("/api/search/suggest", query_string={"q": "Sunny\x00 Meadow"})
    assert suggest.status_code == 200 and suggest.get_json()["titles"]
    with app.app_context():
        assert db.session.scalar(select(Event.id).where(Event.text == "a")) is None
