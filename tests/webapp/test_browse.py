"""Browse pages: rows, genres, films/series, title and person pages, all behind the visibility rule."""

import re

import pytest
from sqlalchemy import event, select

from tests.conftest import AuthActions
from tests.webapp.catalog_factory import build_catalog, make_account, page_text, sign_in_as
from webapp.activity.vocabulary import PLAY_START
from webapp.catalog.service import Catalog, TitleSpec
from webapp.extensions import db
from webapp.models import Event, Profile, Title

KIDS = {"name": "Little One", "is_kids": True, "maturity_limit": 7, "onboarded": True}
ADULT = {"name": "Grown-up", "maturity_limit": 18, "onboarded": True}


@pytest.fixture
def catalog(app):
    with app.app_context():
        return build_catalog()


def _pages_for(catalog):
    return [
        "/",
        "/browse/genres",
        "/browse/genre/family",
        "/browse/genre/animation",
        "/browse/film",
        "/browse/series",
    ]


def test_visitors_see_a_welcome_and_pages_need_sign_in(client):
    assert "Create an account" in page_text(client.get("/"))
    for url in ("/browse/genres", "/browse/film", "/title/1", "/person/anyone"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith(
            "/auth/login"
        )


def test_kids_profile_never_sees_a_mature_title(app, client, auth, catalog):
    sign_in_as(app, client, auth, "kid@example.com", KIDS)
    for url in _pages_for(catalog):
        response = client.get(url)
        assert response.status_code == 200, url
        body = page_text(response)
        for name in catalog.mature_names:
            assert name not in body, (url, name)
    home = page_text(client.get("/"))
    assert any(name in home for name in catalog.kid_names)
    for name in catalog.mature_names:
        title_id = catalog.titles[name]
        assert client.get(f"/title/{title_id}").status_code == 404
        assert client.get(f"/title/{title_id}-anything").status_code == 404
        assert client.get(f"/artwork/{title_id}/0/poster.svg").status_code == 404
    # Only in adult titles: the person does not exist for this profile.
    assert client.get("/person/mature-only-actor").status_code == 404
    shared = page_text(client.get("/person/shared-actor"))
    assert "Sunny Meadow 3" in shared and "Blood Harbor" not in shared
    genres = page_text(client.get("/browse/genres"))
    assert "Crime" not in genres and "Horror" not in genres


def test_adult_profile_sees_everything(app, client, auth, catalog):
    sign_in_as(app, client, auth, "adult@example.com", ADULT)
    home = page_text(client.get("/"))
    assert "Blood Harbor" in home
    assert "Blood Harbor" in page_text(client.get("/person/shared-actor"))
    assert client.get("/person/mature-only-actor").status_code == 200


def test_popular_means_one_thing_on_home_and_genre_pages(app, client, auth, catalog):
    """With no model and no history, Popular on the home page and a genre's Popular sort agree."""
    sign_in_as(app, client, auth, "adult@example.com", ADULT)
    with app.app_context():
        # Recent plays by other viewers: Sunny Meadow 5 most, then 2, then Blood Harbor.
        for name, plays in (("Sunny Meadow 5", 3), ("Sunny Meadow 2", 2), ("Blood Harbor", 1)):
            _, viewers = make_account(
                f"v-{name[-1]}@example.com", [{"name": f"V{i}"} for i in range(plays)]
            )
            for viewer in viewers:
                db.session.add(
                    Event(profile_id=viewer, title_id=catalog.titles[name], type=PLAY_START)
                )
        db.session.commit()
    leaders = ["Sunny Meadow 5", "Sunny Meadow 2", "Blood Harbor"]
    home = client.get("/").get_data(as_text=True)
    popular = home.split('data-row-key="top-picks"', 1)[1]
    assert "Popular on Marquee" in page_text(client.get("/"))
    assert _names_in_order(popular)[:3] == leaders
    genre = client.get("/browse/genre/family?sort=popular").get_data(as_text=True)
    assert _names_in_order(genre)[:3] == leaders


def _names_in_order(html: str) -> list[str]:
    return re.findall(r'class="card-art"[^>]*alt="([^"]+)"', html)


def test_home_cards_carry_logging_attributes(app, client, auth, catalog):
    sign_in_as(app, client, auth, "adult@example.com", ADULT)
    body = client.get("/").get_data(as_text=True)
    assert 'data-row-key="top-picks"' in body
    assert 'data-row-pos="0"' in body and 'data-col-pos="0"' in body
    assert re.search(r'data-variant="[0-3]"', body) and "data-title-id=" in body
    assert 'alt="Sunny Meadow' in body
    assert "<script>" not in body  # no inline scripts


def test_home_query_count_does_not_grow_with_the_catalog(app, client, auth):
    sign_in_as(app, client, auth, "adult@example.com", ADULT)
    # The first page of a process also loads its per-process caches: count warm pages.
    assert client.get("/").status_code == 200

    def statements(url):
        seen = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(args[2])
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    with app.app_context():
        build_catalog(n_kid=12)
    small = {
        url: statements(url)
        for url in ("/", "/title/1-sunny-meadow-0", "/person/shared-actor", "/browse/genre/family")
    }
    with app.app_context():
        catalog = Catalog()
        for i in range(40):
            catalog.create_title(
                TitleSpec(
                    kind="film",
                    name=f"More {i}",
                    maturity_rating="G",
                    genres=["Family", "Comedy"],
                    cast=["Shared Actor", f"X {i}"],
                )
            )
        db.session.commit()
    large = {url: statements(url) for url in small}
    assert large == small
    assert max(large.values()) <= 12


def test_title_page_shows_details_and_credits(app, client, auth, catalog):
    sign_in_as(app, client, auth, "adult@example.com", ADULT)
    title_id = catalog.titles["Blood Harbor"]
    response = client.get(f"/title/{title_id}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/title/{title_id}-blood-harbor"
    assert (
        client.get(f"/title/{title_id}-old-slug").headers["Location"]
        == f"/title/{title_id}-blood-harbor"
    )
    body = page_text(client.get(f"/title/{title_id}-blood-harbor"))
    for text in ("Blood Harbor", "1995", "R", "2 h 50 min", "A grim heist.", "heist", "gritty"):
        assert text in body
    # Cast in billing order, linked to person pages.
    assert body.index("Mature Only Actor") < body.index(">Shared Actor<")
    raw = client.get(f"/title/{title_id}-blood-harbor").get_data(as_text=True)
    assert 'href="/person/stern-director"' in raw and 'href="/person/shared-actor"' in raw
    assert 'href="/browse/genre/crime"' in raw
    assert f"/artwork/{title_id}/0/backdrop.svg" in raw
    assert "AI-generated" not in body


def test_series_page_lists_seasons_and_episodes(app, client, auth, catalog):
    sign_in_as(app, client, auth, "adult@example.com", ADULT)
    title_id = catalog.titles["Cartel Days"]
    body = page_text(client.get(f"/title/{title_id}-cartel-days"))
    for text in (
        "2008–2013",
        "TV-MA",
        "2 seasons",
        "Season 1",
        "Season 2",
        "Pilot",
        "The Bag",
        "Seven Thirty",
        "Created by",
        "Show Creator",
        "58 min",
    ):
        assert text in body, text


def test_person_page_filmography(app, client, auth, catalog):
    sign_in_as(app, client, auth, "adult@example.com", ADULT)
    body = page_text(client.get("/person/shared-actor"))
    assert "Shared Actor" in body and "13 titles on Marquee" in body
    director = page_text(client.get("/person/gentle-director"))
    assert "Director" in director and "Sunny Meadow 11" in director


def test_genre_pages_paginate(app, client, auth):
    sign_in_as(app, client, auth, "adult@example.com", ADULT)
    with app.app_context():
        build_catalog(n_kid=45)
    first = page_text(client.get("/browse/genre/family"))
    assert "Page 1 of 2" in first and "46 titles" in first
    assert "Page 2 of 2" in page_text(client.get("/browse/genre/family?page=2"))
    assert client.get("/browse/genre/family?page=3").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/browse/tv",
        "/browse/genre/no-such-genre",
        "/browse/genre/family?page=0",
        "/title/99999",
        "/title/99999-x",
        "/person/nobody-at-all",
        "/title/abc",
    ],
)
def test_unknown_addresses_are_404(app, client, auth, catalog, url):
    sign_in_as(app, client, auth, "adult@example.com", ADULT)
    response = client.get(url)
    assert response.status_code == 404
    assert "Back to Marquee" in page_text(response)


def test_kind_pages_only_show_that_kind(app, client, auth, catalog):
    sign_in_as(app, client, auth, "adult@example.com", ADULT)

    def shown(url):
        body = client.get(url).get_data(as_text=True)
        return {int(i) for i in re.findall(r'data-title-id="(\d+)"', body)}

    films = {catalog.titles[n] for n in catalog.titles if n != "Cartel Days"}
    assert shown("/browse/film") and shown("/browse/film") <= films
    # One series is too few for a row of ten: it is shown all the same.
    assert shown("/browse/series") == {catalog.titles["Cartel Days"]}


def test_empty_catalog_home_is_friendly(app, client, auth):
    sign_in_as(app, client, auth, "adult@example.com", ADULT)
    response = client.get("/")
    assert response.status_code == 200
    assert "Nothing to show yet" in page_text(response)


def test_seeded_kids_profile_sees_no_mature_title_anywhere(seeded_app):
    """On the demo data: every card and page a kids profile can reach respects its limit."""
    with seeded_app.app_context():
        kid = db.session.scalars(
            select(Profile).where(Profile.is_kids).order_by(Profile.id)
        ).first()
        kid_id, limit = kid.id, kid.maturity_limit
        mature = db.session.scalars(
            select(Title).where(Title.maturity_age > limit).order_by(Title.id).limit(5)
        ).all()
        mature_ids = [t.id for t in mature]
    client = seeded_app.test_client()
    AuthActions(client).as_viewer(kid_id)
    shown = set()
    for url in ("/", "/browse/film", "/browse/series", "/browse/genre/drama"):
        body = client.get(url).get_data(as_text=True)
        shown |= {int(i) for i in re.findall(r'data-title-id="(\d+)"', body)}
    assert shown
    with seeded_app.app_context():
        ages = db.session.scalars(select(Title.maturity_age).where(Title.id.in_(shown))).all()
    assert max(ages) <= limit
    for title_id in mature_ids:
        assert client.get(f"/title/{title_id}").status_code == 404


def test_seeded_kids_profile_sees_its_few_series_on_the_series_page(seeded_app):
    """Too few series to fill a row of MIN_ROW cards still shows the ones the profile may see."""
    with seeded_app.app_context():
        kid = db.session.scalars(
            select(Profile).where(Profile.is_kids).order_by(Profile.id)
        ).first()
        kid_id, limit = kid.id, kid.maturity_limit
        allowed = set(
            db.session.scalars(
                select(Title.id).where(Title.kind == "series", Title.maturity_age <= limit)
            )
        )
    assert 0 < len(allowed) < 10  # the demo data's case: fewer than a row's worth
    client = seeded_app.test_client()
    AuthActions(client).as_viewer(kid_id)
    response = client.get("/browse/series")
    body = page_text(response)
    assert response.status_code == 200
    assert "No series to show yet" not in body
    shown = {int(i) for i in re.findall(r'data-title-id="(\d+)"', body)}
    assert shown == allowed
