"""Rows of the home, Films and Series pages: one planner, no repeats, and reasons that are true."""

import re
from collections import Counter

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.webapp.catalog_factory import make_account, page_text
from webapp.caching import app_caches
from webapp.extensions import db
from webapp.home.catalog_index import catalog_index, franchise_key
from webapp.home.page import build_home, page_inputs
from webapp.home.state import load_state
from webapp.home.themes import THEMES
from webapp.models import Profile, Title
from webapp.recommendations.feedback import profile_history
from webapp.recommendations.store import model_store
from webapp.recommendations.training import train_model

OWN = ("continue", "my-list")
EVIDENCE = {"which you watched": "watched", "which you liked": "liked", "on your list": "listed"}


@pytest.fixture
def trained(seeded_app):
    with seeded_app.app_context():
        train_model(seeded_app.config["MODEL_DIR"], evaluate=False)
        model_store().invalidate()
    return seeded_app


def _adults(app) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Profile.id).where(Profile.is_kids.is_(False)).order_by(Profile.id)
            )
        )


def _page(app, profile_id, kind=None):
    with app.test_request_context():
        profile = db.session.get(Profile, profile_id)
        if kind is None:
            return build_home(profile, *page_inputs())
        return build_home(profile, *page_inputs(), kind)


def _ids(html: str, row_key: str | None = None) -> list[int]:
    where = rf' data-row-key="{row_key}"' if row_key else ""
    return [int(i) for i in re.findall(rf'data-title-id="(\d+)"{where}', html)]


def test_a_title_shows_once_a_page_and_rows_still_fill(trained):
    """Outside Continue Watching and My List no title repeats; every row keeps ten varied cards."""
    for profile_id in _adults(trained)[:5]:
        for kind in (None, "film"):
            page = _page(trained, profile_id, kind)
            assert len(page.rows) >= 5, (profile_id, kind)
            counts = Counter(
                item.title.id for row in page.rows if row.key not in OWN for item in row.items
            )
            assert max(counts.values()) == 1, (profile_id, kind, counts.most_common(2))
            for row in page.rows:
                if row.key not in OWN:
                    assert len(row.items) >= 10, (profile_id, kind, row.key)
                    families = Counter(franchise_key(item.title.name) for item in row.items)
                    assert max(families.values()) <= 2, (row.key, families.most_common(1))
                if kind is not None:
                    assert all(item.title.kind == kind for item in row.items), row.key


def test_the_films_page_is_personal_and_kept_in_the_page_cache(trained):
    profile_id = _adults(trained)[0]
    with trained.app_context():
        name = db.session.get(Profile, profile_id).name
        films = set(db.session.scalars(select(Title.id).where(Title.kind == "film")))
    client = trained.test_client()
    AuthActions(client).as_viewer(profile_id)
    response = client.get("/browse/film")
    first = response.get_data(as_text=True)
    assert f"Top Picks for {name}" in page_text(response)
    top = _ids(first, "top-picks")
    assert len(top) >= 10 and set(_ids(first)) <= films
    assert 'data-page="film"' in first
    kinds = {key[0] for key in app_caches(trained).pages}
    assert kinds == {"film"}  # kept under its kind, apart from the home page
    assert client.get("/browse/film").get_data(as_text=True) == first
    client.get("/")
    assert {key[0] for key in app_caches(trained).pages} == {None, "film"}
    # A thumbs down on the first pick reaches the cached Films page at once.
    assert client.put(f"/api/titles/{top[0]}/rating", json={"value": -1}).status_code == 200
    assert top[0] not in _ids(client.get("/browse/film").get_data(as_text=True))


def test_an_onboarding_pick_reads_because_you_picked(trained):
    with trained.app_context():
        _, (profile_id,) = make_account("picker@example.com", [{"name": "Picker"}])
    client = trained.test_client()
    AuthActions(client).as_viewer(profile_id)
    page = client.get("/welcome/picks").get_data(as_text=True)
    choices = [int(v) for v in re.findall(r'name="pick" value="(\d+)"', page)]
    assert client.post("/welcome/picks", data={"pick": choices[:3]}).status_code == 302
    home = page_text(client.get("/"))
    picked = re.findall(r"Because you picked ([^<]+)</h2>", home)
    assert picked, "no row names a pick"
    assert "Because you liked" not in home and "Because you watched" not in home
    with trained.app_context():
        names = {
            t.name: t.id for t in db.session.scalars(select(Title).where(Title.id.in_(choices[:3])))
        }
    assert set(picked) <= set(names)
    # A thumbs up given later, from the title's page, is a like of its own.
    again = names[picked[0]]
    assert client.put(f"/api/titles/{again}/rating", json={"value": 1}).status_code == 200
    home = page_text(client.get("/"))
    assert f"Because you liked {picked[0]}</h2>" in home
    assert f"Because you picked {picked[0]}</h2>" not in home


def test_every_theme_card_names_a_title_of_the_profiles_that_shares_the_theme(trained):
    labels = {theme.label: theme.key for theme in THEMES}
    themed = 0
    for profile_id in _adults(trained)[:8]:
        page = _page(trained, profile_id)
        with trained.app_context():
            history = profile_history(profile_id)
            state = load_state(profile_id)
            index = catalog_index()
            names = {
                t.name: t.id
                for t in db.session.scalars(select(Title).where(Title.id.in_(list(history))))
            }
        for row in page.rows:
            if row.kind != "theme":
                continue
            themed += 1
            key = labels[row.title]
            for item in row.items:
                assert item.reason, (row.title, item.title.name)
                found = re.fullmatch(r"(.+), like (.+), (which you \w+|on your list)", item.reason)
                assert found, item.reason
                anchor = names[found.group(2)]
                assert key in index.themes[anchor] and key in index.themes[item.title.id]
                evidence = EVIDENCE[found.group(3)]
                if evidence == "watched":
                    assert anchor in state.watched
                elif evidence == "liked":
                    assert anchor not in state.watched and state.liked.get(anchor, 0) > 0
                else:
                    assert anchor in state.my_list
    assert themed, "no profile had a theme row"
