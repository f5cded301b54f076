"""Bulk import from CSV: good files load whole, bad files load nothing and say why."""

import io
import secrets

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp.auth.sessions import start_session
from webapp.catalog.service import Catalog, TitleSpec
from webapp.extensions import db
from webapp.models import Account, Credit, Episode, Genre, Person, Season, Title

HEADER = (
    "kind,name,year,runtime_minutes,maturity_rating,genres,keywords,directors,creators,cast,"
    "synopsis,ai_generated,seasons"
)
GOOD_ROWS = [
    (
        "film,Heat,1995,170,R,Crime|Thriller,heist|los angeles|gritty,Michael Mann,,"
        'Al Pacino|Robert De Niro|Val Kilmer,"A detective and a thief, two of a kind, circle each other.",false,'
    ),
    (
        "film,Spirited Away,2001,125,PG,Animation|Fantasy,magic|coming of age,Hayao Miyazaki,,"
        'Rumi Hiiragi|Miyu Irino,"A girl works in a spirit bathhouse to free her parents.",TRUE,'
    ),
    (
        "series,Breaking Bad,2008,47,TV-MA,Crime|Drama,drugs|gritty,,Vince Gilligan,"
        'Bryan Cranston|Aaron Paul,"A chemistry teacher turns to making drugs.",false,7|13|13'
    ),
    'series,Synthetic Dawn,2024,30,TV-14,Science Fiction,robots,,Marquee Studio,,"Made by a machine.",yes,3',
]


def sign_in_admin(app, client):
    """A signed-in admin session (Flask-Login's testing pattern; the form is tested elsewhere)."""
    with app.app_context():
        account = Account(
            email="boss@example.com",
            password_hash="!",
            is_admin=True,
            session_token=secrets.token_hex(8),
        )
        db.session.add(account)
        db.session.commit()
        user_id = start_session(account, None).id
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    return client


@pytest.fixture
def admin(app, client):
    return sign_in_admin(app, client)


def upload(client, data: bytes | str, filename: str = "titles.csv"):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return client.post(
        "/admin/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def title_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Title))


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_import_page_explains_the_format(admin):
    page = text_of(admin.get("/admin/import"))
    assert 'enctype="multipart/form-data"' in page
    assert "kind,name,year,runtime_minutes" in page and "10|13|13" in page


def test_good_file_imports_titles_with_credits_and_seasons(app, admin):
    with app.app_context():
        Catalog().genre("Crime")
        db.session.commit()
    response = upload(admin, "\ufeff" + csv_text(*GOOD_ROWS))  # with a BOM, as spreadsheets save it
    assert response.status_code == 302
    flashed = text_of(admin.get(response.headers["Location"]))
    assert "Imported 4 titles." in flashed and "New genres: Thriller, Animation" in flashed
    with app.app_context():
        titles = {
            t.name: t
            for t in db.session.scalars(
                select(Title).options(selectinload(Title.credits).selectinload(Credit.person))
            )
        }
        assert set(titles) == {"Heat", "Spirited Away", "Breaking Bad", "Synthetic Dawn"}
        heat = titles["Heat"]
        assert (
            heat.kind,
            heat.year,
            heat.runtime_minutes,
            heat.maturity_rating,
            heat.maturity_age,
        ) == ("film", 1995, 170, "R", 17)
        assert heat.synopsis == "A detective and a thief, two of a kind, circle each other."
        assert heat.source == "csv" and heat.ai_generated is False and heat.slug == "heat"
        assert [(c.person.name, c.role) for c in heat.credits] == [
            ("Michael Mann", "director"),
            ("Al Pacino", "cast"),
            ("Robert De Niro", "cast"),
            ("Val Kilmer", "cast"),
        ]
        assert sorted(g.name for g in heat.genres) == ["Crime", "Thriller"]
        assert sorted(k.name for k in heat.keywords) == ["gritty", "heist", "los angeles"]
        assert len(heat.artworks) >= 3
        assert titles["Spirited Away"].ai_generated is True
        bad = titles["Breaking Bad"]
        assert bad.runtime_minutes is None
        assert [(s.number, len(s.episodes)) for s in bad.seasons] == [(1, 7), (2, 13), (3, 13)]
        assert {e.runtime_minutes for s in bad.seasons for e in s.episodes} == {47}
        assert bad.seasons[0].episodes[0].name == "Episode 1"
        assert [c.person.name for c in bad.credits if c.role == "creator"] == ["Vince Gilligan"]
        assert db.session.scalar(select(func.count()).select_from(Season)) == 4
        assert db.session.scalar(select(func.count()).select_from(Episode)) == 36
        assert db.session.scalar(select(func.count()).where(Genre.name == "Crime")) == 1
        assert db.session.scalar(select(func.count()).select_from(Person)) == 11


def test_bad_rows_save_nothing_and_say_which_row_and_column(app, admin):
    rows = [
        GOOD_ROWS[0],
        "movie,Nameless Kind,1999,90,R,,,,,,,false,",
        "film,,1999,90,R,,,,,,,false,",
        "film,Too Late,1850,0,TV-MA,,,,,,,maybe,",
        "film,Long,2000,90,R,,,,,," + "x" * 2001 + ",false,3",
        GOOD_ROWS[2],
        "series,Breaking Bad,2008,47,TV-MA,,,,,,,false,5|x",
    ]
    response = upload(admin, csv_text(*rows))
    assert response.status_code == 400
    page = text_of(response)
    assert "Nothing was imported: 5 of 7 rows need fixing" in page
    expected = [
        (3, "kind", "must be “film” or “series”."),
        (4, "name", "is required."),
        (5, "year", "must be a whole number from 1870 to 2100"),
        (5, "runtime_minutes", "must be a whole number from 1 to 1000"),
        (5, "maturity_rating", "“TV-MA” is not a film rating"),
        (5, "ai_generated", "must be true or false."),
        (6, "synopsis", "is longer than 2000 characters."),
        (6, "seasons", "only series have seasons."),
        (8, "seasons", "needs episode counts from 1 to 500"),
        (8, "name", "repeats the series on row 7."),
    ]
    for row, column, message in expected:
        assert f"<tr><td>{row}</td><td><code>{column}</code></td><td>{message}" in page, (
            row,
            column,
        )
    assert title_count(app) == 0


def test_rows_already_in_the_catalog_are_refused(app, admin):
    with app.app_context():
        Catalog().create_title(TitleSpec(kind="film", name="HEAT", year=1995, maturity_rating="R"))
        db.session.commit()
    response = upload(admin, csv_text(GOOD_ROWS[0], GOOD_ROWS[1]))
    assert response.status_code == 400
    assert (
        "<td>2</td><td><code>name</code></td><td>“Heat” (1995) is already in the catalog."
        in text_of(response)
    )
    assert title_count(app) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("Titel;Jahr\nHeat;1995\n".encode("latin-1"), "missing required column(s): kind, name"),
        ("kind,name,colour\nfilm,Heat,red\n", "unknown column(s): &#39;colour&#39;"),
        ("kind,name,name\nfilm,Heat,Heat\n", "repeated column(s): name"),
        (b"kind,name\n", "no rows to import"),
        (b"", "The file is empty."),
        ("kind,name\nfilm,Café Society\n".encode("latin-1"), "The file is not UTF-8 text"),
        ("kind,name\nfilm,Heat\n".encode("utf-16"), "UTF-16"),
        (b"kind,name\nfilm,He\x00at\n", "NUL bytes"),
    ],
)
def test_unreadable_files_get_a_clear_message(app, admin, data, message):
    response = upload(admin, data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert title_count(app) == 0


def test_no_file_chosen(app, admin):
    response = admin.post("/admin/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a CSV file to import." in text_of(response)


def test_short_rows_and_optional_columns(app, admin):
    response = upload(admin, "Kind , NAME,mood,end_year\nseries,Minimal,eerie,\nfilm,Bare\n")
    assert response.status_code == 302
    with app.app_context():
        minimal = db.session.scalar(select(Title).where(Title.name == "Minimal"))
        assert (minimal.maturity_rating, minimal.maturity_age, minimal.mood) == ("NR", 18, "eerie")


def test_too_many_values_in_a_row(app, admin):
    response = upload(admin, "kind,name\nfilm,Heat,extra\n")
    assert response.status_code == 400
    assert "has 3 values but the header has 2 columns" in text_of(response)


def test_files_over_the_size_limit_are_refused(app, admin):
    app.config["ADMIN_CSV_MAX_BYTES"] = 1024
    response = upload(admin, csv_text(*GOOD_ROWS * 10))
    assert response.status_code == 400
    assert "larger than 1 KB" in text_of(response)
    assert title_count(app) == 0


def test_hostile_strings_are_stored_as_written_and_shown_escaped(app, admin):
    hostile = "<img src=x onerror=alert(1)>"
    row = f'film,"{hostile}",2001,90,R,"<b>Genre</b>",,"Robert""); DROP TABLE titles;--",,,"{hostile}",false,'
    response = upload(admin, csv_text(row))
    assert response.status_code == 302
    with app.app_context():
        title = db.session.scalar(select(Title))
        assert title.name == hostile and title.synopsis == hostile
        assert [g.name for g in title.genres] == ["<b>Genre</b>"]
        assert [c.person.name for c in title.credits] == ['Robert"); DROP TABLE titles;--']
    for url in ("/admin/titles", f"/admin/titles/{title.id}", "/admin/genres", "/admin/people"):
        page = text_of(admin.get(url))
        assert "<img src=x" not in page and "<b>Genre</b>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in text_of(admin.get("/admin/titles"))


def test_hostile_strings_in_errors_are_escaped_too(app, admin):
    response = upload(admin, "kind,name,year\n<script>x</script>,Heat,<svg onload=1>\n")
    page = text_of(response)
    assert response.status_code == 400
    assert "<script>x" not in page and "<svg onload" not in page
    assert "&lt;svg onload=1&gt;" in page
