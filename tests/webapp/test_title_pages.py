"""Series, person and genre pages as a viewer finds them: the resume season, renamed
people and genres, character names, and a genre grid's sort and filter."""

import html
import re

import pytest
from sqlalchemy import select

from tests.webapp.catalog_factory import build_catalog, page_text, sign_in_as
from webapp.activity.vocabulary import PLAY_START
from webapp.catalog.service import Catalog, TitleSpec
from webapp.extensions import db
from webapp.models import Episode, Event, Genre, Person, Season, WatchState

ADULT = {"name": "Grown-up", "maturity_limit": 18, "onboarded": True}
KIDS = {"name": "Little One", "is_kids": True, "maturity_limit": 7, "onboarded": True}


@pytest.fixture
def catalog(app):
    with app.app_context():
        return build_catalog()


def _open_seasons(response) -> list[str]:
    return re.findall(r'<details class="season" data-season="(\d+)" open', response.text)


def test_series_page_opens_the_season_of_the_resume_point(app, client, auth, catalog):
    profile_id = sign_in_as(app, client, auth, "adult@example.com", ADULT)
    title_id = catalog.titles["Cartel Days"]
    url = f"/title/{title_id}-cartel-days"
    assert _open_seasons(client.get(url)) == ["1"]
    with app.app_context():
        episode_id = db.session.scalar(
            select(Episode.id).join(Season).where(Season.title_id == title_id, Season.number == 2)
        )
        db.session.add(
            WatchState(
                profile_id=profile_id,
                title_id=title_id,
                episode_id=episode_id,
                position=600.0,
                duration=2820.0,
            )
        )
        db.session.commit()
    assert _open_seasons(client.get(url)) == ["2"]


@pytest.mark.parametrize(
    ("model", "old", "new", "url"),
    [
        (Person, "shared-actor", "Shared Actress", "/person/{}"),
        (Genre, "family", "Family Time", "/browse/genre/{}"),
    ],
)
def test_old_person_and_genre_addresses_redirect_after_a_rename(
    app, client, auth, catalog, model, old, new, url
):
    sign_in_as(app, client, auth, "adult@example.com", ADULT)
    with app.app_context():
        row = db.session.scalar(select(model).where(model.slug == old))
        row.name, row.slug = new, new.lower().replace(" ", "-")
        db.session.commit()
        current = row.slug
    response = client.get(url.format(old))
    assert response.status_code == 301
    assert response.headers["Location"] == url.format(current)
    assert client.get(url.format(current)).status_code == 200
    assert client.get(url.format("never-existed")).status_code == 404
    with_query = client.get(url.format(old) + "?sort=az&slug=x&_external=1&_anchor=y")
    assert with_query.status_code == 301
    assert with_query.headers["Location"] == url.format(current) + "?sort=az"


def test_a_slug_in_use_wins_over_a_former_one(app, client, auth, catalog):
    sign_in_as(app, client, auth, "adult@example.com", ADULT)
    with app.app_context():
        family = db.session.scalar(select(Genre).where(Genre.slug == "family"))
        family.name, family.slug = "Family Films", "family-films"
        db.session.commit()
        db.session.add(Genre(name="Family", slug="family"))
        db.session.commit()
    response = client.get("/browse/genre/family")
    assert response.status_code == 200 and "Nothing in Family" in page_text(response)


def test_person_page_names_the_characters_played(app, client, auth, catalog):
    sign_in_as(app, client, auth, "adult@example.com", ADULT)
    with app.app_context():
        Catalog().create_title(
            TitleSpec(
                kind="film",
                name="Harbor Lights",
                year=2020,
                maturity_rating="PG",
                genres=["Drama"],
                cast=["Shared Actor", "Kid Star 1"],
                characters={"Shared Actor": "Harbor Master"},
            )
        )
        db.session.commit()
    response = client.get("/person/shared-actor")
    assert "as Harbor Master" in page_text(response)
    # Only the credit whose data names a character says "as".
    assert response.text.count('<span class="muted">as ') == 1


def _grid_names(response) -> list[str]:
    section = response.text.split('data-page="genre"', 1)[1]
    return [html.unescape(n) for n in re.findall(r"<span class=\"card-name\">([^<]+)<", section)]


def test_genre_pages_sort_by_popular_newest_and_name(app, client, auth, catalog):
    profile_id = sign_in_as(app, client, auth, "adult@example.com", ADULT)
    with app.app_context():
        # Popular is recent plays (webapp.home.popularity): a play of Blood Harbor puts it first.
        db.session.add(
            Event(profile_id=profile_id, title_id=catalog.titles["Blood Harbor"], type=PLAY_START)
        )
        db.session.commit()
    popular = _grid_names(client.get("/browse/genre/family"))
    assert popular[0] == "Blood Harbor"
    assert _grid_names(client.get("/browse/genre/family?sort=popular")) == popular
    newest = _grid_names(client.get("/browse/genre/family?sort=newest"))
    assert newest[:2] == ["Sunny Meadow 11", "Sunny Meadow 10"] and newest[-1] == "Blood Harbor"
    by_name = _grid_names(client.get("/browse/genre/family?sort=az"))
    assert by_name == sorted(by_name, key=str.lower) and by_name[0] == "Blood Harbor"
    assert "Sunny Meadow 0" in by_name and len(by_name) == len(popular)


def test_genre_pages_filter_films_and_series(app, client, auth, catalog):
    sign_in_as(app, client, auth, "adult@example.com", ADULT)
    series = page_text(client.get("/browse/genre/crime?kind=series"))
    films = page_text(client.get("/browse/genre/crime?kind=film"))
    assert "Cartel Days" in series and "Blood Harbor" not in series and "1 title" in series
    assert "Blood Harbor" in films and "Cartel Days" not in films


@pytest.mark.parametrize(
    "query",
    ["sort=oldest", "kind=people", "sort=", "kind=", "sort=%00&kind=%ff", "sort=az&sort=x"],
)
def test_genre_page_ignores_sorts_and_kinds_it_does_not_offer(app, client, auth, catalog, query):
    sign_in_as(app, client, auth, "adult@example.com", ADULT)
    response = client.get(f"/browse/genre/family?{query}")
    assert response.status_code == 200
    assert _grid_names(response) == _grid_names(client.get("/browse/genre/family"))


def test_genre_filters_keep_the_kids_rule(app, client, auth, catalog):
    sign_in_as(app, client, auth, "kid@example.com", KIDS)
    for query in ("kind=film", "kind=series", "sort=newest", "sort=az"):
        body = page_text(client.get(f"/browse/genre/family?{query}"))
        for name in catalog.mature_names:
            assert name not in body, (query, name)
    assert "Nothing in Crime" in page_text(client.get("/browse/genre/crime?kind=series"))
