"""Accounts, catalog records, form data and the admin URL list shared by the admin page tests."""

from sqlalchemy import func, select

from webapp.auth.accounts import register_account
from webapp.catalog.service import Catalog, SeasonSpec, TitleSpec
from webapp.extensions import db
from webapp.models import Credit, Genre

ADMIN_EMAIL = "boss@example.com"


VIEWER_EMAIL = "viewer@example.com"


PASSWORD = "correct horse 42"


ADMIN_URLS = [
    ("GET", "/admin/"),
    ("GET", "/admin/titles"),
    ("GET", "/admin/titles/new"),
    ("POST", "/admin/titles/new"),
    ("GET", "/admin/titles/1"),
    ("POST", "/admin/titles/1"),
    ("GET", "/admin/titles/1/delete"),
    ("POST", "/admin/titles/1/delete"),
    ("POST", "/admin/titles/1/ai"),
    ("POST", "/admin/titles/1/credits"),
    ("POST", "/admin/titles/1/seasons"),
    ("POST", "/admin/credits/1/move"),
    ("GET", "/admin/credits/1/delete"),
    ("POST", "/admin/credits/1/delete"),
    ("GET", "/admin/seasons/1"),
    ("POST", "/admin/seasons/1/episodes"),
    ("GET", "/admin/seasons/1/delete"),
    ("POST", "/admin/seasons/1/delete"),
    ("GET", "/admin/episodes/1"),
    ("POST", "/admin/episodes/1"),
    ("GET", "/admin/episodes/1/delete"),
    ("POST", "/admin/episodes/1/delete"),
    ("GET", "/admin/people"),
    ("GET", "/admin/people/new"),
    ("POST", "/admin/people/new"),
    ("GET", "/admin/people/1"),
    ("POST", "/admin/people/1"),
    ("GET", "/admin/people/1/delete"),
    ("POST", "/admin/people/1/delete"),
    ("GET", "/admin/genres"),
    ("GET", "/admin/genres/new"),
    ("POST", "/admin/genres/new"),
    ("GET", "/admin/genres/1"),
    ("POST", "/admin/genres/1"),
    ("GET", "/admin/genres/1/delete"),
    ("POST", "/admin/genres/1/delete"),
    ("GET", "/admin/import"),
    ("POST", "/admin/import"),
    ("POST", "/admin/titles/1/artwork"),
    ("POST", "/admin/titles/1/artwork/1/delete"),
]


def make_account(app, email: str, is_admin: bool) -> None:
    """An account made the way sign-up makes it (with a real password hash)."""
    with app.app_context():
        register_account(email, PASSWORD, is_admin=is_admin)
        db.session.commit()


def add_title(app, **fields) -> int:
    values = {
        "kind": "film",
        "name": "Heat",
        "year": 1995,
        "runtime_minutes": 170,
        "maturity_rating": "R",
    }
    values.update(fields)
    with app.app_context():
        title = Catalog().create_title(TitleSpec(**values))
        db.session.commit()
        return title.id


def add_series(app) -> int:
    return add_title(
        app,
        kind="series",
        name="Breaking Bad",
        year=2008,
        runtime_minutes=None,
        maturity_rating="TV-MA",
        genres=["Crime", "Drama"],
        keywords=["drugs", "gritty"],
        creators=["Vince Gilligan"],
        cast=["Bryan Cranston", "Aaron Paul"],
        seasons=[
            SeasonSpec(1, [("Pilot", 58), ("Cat's in the Bag", 48)]),
            SeasonSpec(2, [("Seven Thirty-Seven", 47)]),
        ],
    )


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def text_of(response) -> str:
    return response.get_data(as_text=True)


def genre_ids(app, *names) -> list[int]:
    with app.app_context():
        for name in names:
            Catalog().genre(name)
        db.session.commit()
        return [db.session.scalar(select(Genre.id).where(Genre.name == n)) for n in names]


def title_form(**fields) -> dict:
    data = {
        "kind": "film",
        "name": "The Thing",
        "year": "1982",
        "runtime_minutes": "109",
        "maturity_rating": "R",
        "keywords": "Monster, antarctica, scary",
        "synopsis": "Researchers at a remote station meet something that can look like anyone.",
        "mood": "eerie",
        "ai_use": "none",
    }
    data.update(fields)
    return data


def credit_names(app, title_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        credits = db.session.scalars(
            select(Credit).where(Credit.title_id == title_id).order_by(Credit.billing_order)
        ).all()
        return [(c.person.name, c.role) for c in credits]
