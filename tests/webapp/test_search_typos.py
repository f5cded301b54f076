"""Typo correction on the demo catalog: slips in short words are forgiven, weak guesses are
not stated as fact, and a query that finds nothing offers titles with names near it."""

import re

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.webapp.catalog_factory import page_text, sign_in_as
from tests.webapp.test_search import _catalog, _suggest
from webapp.extensions import db
from webapp.models import Profile, Title

CARD = re.compile(r'<article class="card" data-title-id="(\d+)"')


def _sign_in(app, kids: bool = False):
    """A demo viewer's client, on their least restricted (or a kids) profile."""
    with app.app_context():
        profile = db.session.scalar(
            select(Profile)
            .where(Profile.is_kids.is_(kids))
            .order_by(Profile.maturity_limit.desc(), Profile.id)
        )
        profile_id = profile.id
    client = app.test_client()
    AuthActions(client).as_viewer(profile_id)
    return client


def _cards(app, html: str) -> list[str]:
    ids = [int(i) for i in CARD.findall(html)]
    with app.app_context():
        rows = db.session.execute(select(Title.id, Title.name).where(Title.id.in_(ids)))
        names = {i: name for i, name in rows}
    return [names[i] for i in ids]


@pytest.fixture
def demo(seeded_app):
    return seeded_app, _sign_in(seeded_app)


@pytest.mark.parametrize(
    "typed",
    [
        "Spirited Awy",  # a letter dropped
        "Spirited Awway",  # a letter added
        "Spirited Awax",  # a letter changed
        "Spirited Awya",  # two letters swapped
        "Spirted Away",
    ],
)
def test_one_slip_in_a_short_word_is_forgiven(demo, typed):
    app, client = demo
    response = client.get("/search", query_string={"q": typed})
    html = page_text(response)
    assert response.status_code == 200
    assert _cards(app, html)[0] == "Spirited Away"
    assert "Showing results for <strong>spirited away</strong>" in html
    assert _suggest(client, typed)["titles"][0]["name"] == "Spirited Away"


def test_a_weak_guess_is_not_stated_as_fact(demo):
    app, client = demo
    html = page_text(client.get("/search", query_string={"q": "Pokemon"}))
    assert "Showing results for" not in html
    assert "Casino Royale" not in _cards(app, html)
    assert "Nothing matches “Pokemon”" in html
    assert _suggest(client, "pokemon")["corrected"] is None


def test_nothing_found_offers_visible_titles_with_close_names(app, client, auth):
    with app.app_context():
        ids = _catalog()
    sign_in_as(app, client, auth, "near@example.com", {"name": "Vi"})
    # "midnite" is three slips from "midnight": too far to search for, close enough to offer.
    html = page_text(client.get("/search", query_string={"q": "midnite harbor"}))
    assert "Showing results for" not in html and "Nothing matches" in html
    assert "Did you mean" in html
    assert f'href="/title/{ids["Midnight Harbor"]}-' in html

    client.post("/auth/logout")
    sign_in_as(
        app,
        client,
        auth,
        "near-kid@example.com",
        {"name": "Kid", "is_kids": True, "maturity_limit": 7},
    )
    html = page_text(client.get("/search", query_string={"q": "midnite harbor"}))
    assert "Nothing matches" in html
    assert "Midnight Harbor" not in html
