"""/search with no query: popular searches (titles the profile may see) and genres to browse."""

import re
from datetime import timedelta

from tests.webapp.catalog_factory import page_text, sign_in_as
from tests.webapp.test_search import _catalog
from webapp.extensions import db
from webapp.models import Event
from webapp.models.base import utcnow

KID = {"name": "Kid", "is_kids": True, "maturity_limit": 7}


def _opened_from_search(profile_id: int, title_id: int, times: int, days_ago: float) -> None:
    at = utcnow() - timedelta(days=days_ago)
    for _ in range(times):
        db.session.add(
            Event(
                profile_id=profile_id,
                title_id=title_id,
                type="search_click",
                page="search",
                text="some query",
                occurred_at=at,
            )
        )
    db.session.commit()


def _popular(html: str) -> list[str]:
    if "Popular searches" not in html:
        return []
    section = html.split("Popular searches", 1)[1].split("</p>", 1)[0]
    return re.findall(r'<a class="chip" href="/search\?q=[^"]+">([^<]+)</a>', section)


def _genre_links(html: str) -> set[str]:
    return set(re.findall(r'href="/browse/genre/([a-z0-9-]+)"', html))


def test_an_empty_search_offers_popular_searches_and_genres(app, client, auth):
    with app.app_context():
        ids = _catalog()
    viewer = sign_in_as(app, client, auth, "start@example.com", {"name": "Vi"})
    with app.app_context():
        _opened_from_search(viewer, ids["The Godfather"], 3, days_ago=1)
        _opened_from_search(viewer, ids["Toy Parade"], 2, days_ago=2)
        _opened_from_search(viewer, ids["Harbor Lights"], 1, days_ago=29)
        _opened_from_search(viewer, ids["Dock Work"], 5, days_ago=40)  # too long ago

    response = client.get("/search")
    html = page_text(response)
    assert response.status_code == 200
    assert _popular(html) == ["The Godfather", "Toy Parade", "Harbor Lights"]
    assert {"crime", "drama", "animation", "comedy"} <= _genre_links(html)
    assert _popular(page_text(client.get("/search?q=+++"))) == _popular(html)


def test_a_kids_profile_is_never_shown_what_it_may_not_watch(app, client, auth):
    with app.app_context():
        ids = _catalog()
    kid = sign_in_as(app, client, auth, "start-kid@example.com", KID)
    with app.app_context():
        _opened_from_search(kid, ids["The Godfather"], 3, days_ago=1)  # by an older viewer
        _opened_from_search(kid, ids["Toy Parade"], 2, days_ago=1)

    html = page_text(client.get("/search"))
    assert _popular(html) == ["Toy Parade"]
    assert "Godfather" not in html
    links = _genre_links(html)
    assert "animation" in links and "crime" not in links
