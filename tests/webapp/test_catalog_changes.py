"""A catalog edit reaches every page of every worker at once.

Two app instances on one database stand for two gunicorn workers (or two
hosts): each warms its per-app caches, an admin edits a title through the one
of them, and the next load of every affected page on both shows the edit.
"""

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions, make_config
from tests.webapp.catalog_factory import PASSWORD, build_catalog, make_account, page_text
from webapp import create_app
from webapp.extensions import db
from webapp.models import Genre, Profile

OLD, NEW = "Sunny Meadow 3", "Midnight Meadow"


@pytest.fixture
def second_worker(app, tmp_path):
    """Another app on the same database, with caches of its own."""
    instance = tmp_path / "second-worker"
    other = create_app(make_config(instance, app.config["SQLALCHEMY_DATABASE_URI"]))
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def _viewer(app, profile_id: int):
    """A client of app, signed in through the form, with the profile chosen."""
    client = app.test_client()
    with app.app_context():
        email = db.session.get(Profile, profile_id).account.email
    client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert client.post(f"/profiles/{profile_id}/choose").status_code == 302
    return client


def _pages(client, title_id: int) -> dict[str, str]:
    """Every page the edited title appears on, as the viewer sees it."""
    pages = {
        "home": client.get("/"),
        "genre": client.get("/browse/genre/family"),
        "search": client.get("/search?q=meadow"),
        "title": client.get(f"/title/{title_id}", follow_redirects=True),
    }
    return {name: (r.status_code, page_text(r)) for name, r in pages.items()}


def test_an_admin_edit_shows_on_the_next_load_of_every_page_in_every_worker(app, second_worker):
    with app.app_context():
        made = build_catalog()
        _, (grown_up, older_kid) = make_account(
            "family@example.com",
            [
                {"name": "Grown-up", "onboarded": True},
                {"name": "Kid", "maturity_limit": 12, "onboarded": True},
            ],
        )
        genre_ids = [
            str(g)
            for g in db.session.scalars(
                select(Genre.id).where(Genre.name.in_(["Family", "Animation"]))
            )
        ]
    title_id = made.titles[OLD]
    workers = [app, second_worker]
    viewers = {
        (n, who): _viewer(worker, profile)
        for n, worker in enumerate(workers)
        for who, profile in (("adult", grown_up), ("kid", older_kid))
    }
    for (_, who), client in viewers.items():
        for name, (status, text) in _pages(client, title_id).items():
            assert status == 200 and OLD in text, (who, name)

    admin = AuthActions(app.test_client()).as_admin("boss@example.com")
    response = admin.post(
        f"/admin/titles/{title_id}",
        data={
            "kind": "film",
            "name": NEW,
            "year": "2003",
            "runtime_minutes": "85",
            "maturity_rating": "R",
            "genres": genre_ids,
            "keywords": "friendship, feel-good",
            "synopsis": "A friendly adventure.",
            "ai_use": "none",
        },
    )
    assert response.status_code == 302

    for (worker, who), client in viewers.items():
        for name, (status, text) in _pages(client, title_id).items():
            assert OLD not in text, (worker, who, name)
            if who == "adult":
                assert status == 200 and NEW in text, (worker, name)
            else:
                # Now rated R: above the older kid's limit on every page.
                assert NEW not in text, (worker, name)
