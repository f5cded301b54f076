"""Hostile input to every admin form: never a 500."""

from sqlalchemy import select

from tests.webapp.admin.support import ADMIN_URLS, add_series
from webapp.extensions import db
from webapp.models import Credit, Episode, Genre, Person, Season

HOSTILE_VALUES = [
    "",
    "\x00",
    "x" * 5000,
    "-1",
    "99999999999999999999",
    "<script>x</script>",
    "宮崎駿",
    "%_\\'\"",
]


FORM_FIELDS = [
    "kind",
    "name",
    "year",
    "end_year",
    "runtime_minutes",
    "maturity_rating",
    "genres",
    "keywords",
    "synopsis",
    "mood",
    "ai_use",
    "ai_use_note",
    "person_name",
    "role",
    "character",
    "billing_order",
    "number",
    "episodes",
    "runtime",
    "slug",
    "direction",
    "next",
]


def test_hostile_input_to_every_form_never_causes_a_500(app, admin):
    title_id = add_series(app)
    with app.app_context():
        season_id = db.session.scalar(select(Season.id))
        episode_id = db.session.scalar(select(Episode.id))
        credit_id = db.session.scalar(select(Credit.id))
        person_id = db.session.scalar(select(Person.id))
        genre_id = db.session.scalar(select(Genre.id))
    ids = {
        "titles": title_id,
        "seasons": season_id,
        "episodes": episode_id,
        "credits": credit_id,
        "people": person_id,
        "genres": genre_id,
    }
    posts = [
        url
        for method, url in ADMIN_URLS
        if method == "POST" and not url.endswith("/delete") and url != "/admin/import"
    ]
    for url in posts:
        area = url.split("/")[2]
        real = url.replace("/1", f"/{ids[area]}", 1) if area in ids else url
        for value in HOSTILE_VALUES:
            response = admin.post(real, data={name: value for name in FORM_FIELDS})
            assert response.status_code < 500, (real, value)
        for value in HOSTILE_VALUES:
            assert (
                admin.get(
                    f"/admin/titles?q={value}&page={value}&kind={value}&ai={value}"
                ).status_code
                == 200
            )
            assert admin.get(f"/admin/people?q={value}&page={value}").status_code == 200
