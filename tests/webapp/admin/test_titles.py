"""The admin title pages: create, edit, rename, delete, the use of AI and the searchable list."""

import pytest
from sqlalchemy import select

from tests.webapp.admin.support import (
    ADMIN_EMAIL,
    add_series,
    add_title,
    count,
    genre_ids,
    text_of,
    title_form,
)
from webapp.extensions import db
from webapp.models import Account, Credit, Episode, Genre, Person, Profile, Season, Title


def test_create_title_through_the_catalog_service(app, admin):
    horror, scifi = genre_ids(app, "Horror", "Science Fiction")
    response = admin.post(
        "/admin/titles/new",
        data=title_form(
            genres=[str(horror), str(scifi)],
            ai_use="generated",
            ai_use_note="Every shot was generated from text prompts.",
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        title = db.session.scalar(select(Title).where(Title.name == "The Thing"))
        assert title.slug == "the-thing"
        assert (title.year, title.runtime_minutes, title.maturity_rating) == (1982, 109, "R")
        assert title.maturity_age == 17
        assert (title.ai_use, title.ai_use_note) == (
            "generated",
            "Every shot was generated from text prompts.",
        )
        assert [g.name for g in title.genres] == ["Horror", "Science Fiction"]
        assert sorted(k.name for k in title.keywords) == ["antarctica", "monster", "scary"]
        assert len(title.artworks) >= 3
    page = text_of(admin.get(response.headers["Location"]))
    assert "Saved" not in page and "Added “The Thing”" in page


def test_same_name_twice_gets_a_distinct_slug(app, admin):
    admin.post("/admin/titles/new", data=title_form())
    admin.post("/admin/titles/new", data=title_form(year="2011"))
    with app.app_context():
        assert sorted(db.session.scalars(select(Title.slug))) == ["the-thing", "the-thing-2011"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Give the title a name."),
        ({"name": "x" * 201}, "Use at most 200 characters."),
        ({"name": "Null\x00byte"}, "control characters"),
        ({"year": "nineteen"}, "Not a valid integer value."),
        ({"year": "99999999999999999999"}, "Use a whole number from 1870 to 2100."),
        ({"runtime_minutes": "-5"}, "Use a whole number from 1 to 1000."),
        ({"maturity_rating": "TV-MA"}, "Pick a film rating"),
        ({"maturity_rating": "XXX"}, "Not a valid choice"),
        ({"kind": "podcast"}, "Not a valid choice"),
        ({"genres": ["abc"]}, "could not be coerced"),
        ({"genres": ["12345"]}, "not a valid choice"),
        ({"synopsis": "y" * 2001}, "Use at most 2000 characters."),
        ({"keywords": ", ".join(f"k{i}" for i in range(31))}, "Use at most 30 keywords."),
        (
            {"kind": "series", "maturity_rating": "TV-14", "year": "2010", "end_year": "2001"},
            "cannot come before",
        ),
    ],
)
def test_bad_title_input_is_a_400_with_a_message(app, admin, fields, message):
    response = admin.post("/admin/titles/new", data=title_form(**fields))
    assert response.status_code == 400
    assert message in text_of(response)
    assert count(app, Title) == 0


def test_edit_keeps_credits_seasons_and_episodes(app, admin):
    title_id = add_series(app)
    with app.app_context():
        before_credits = db.session.execute(
            select(Credit.id, Credit.person_id, Credit.role, Credit.billing_order).where(
                Credit.title_id == title_id
            )
        ).all()
        before_episodes = db.session.scalars(
            select(Episode.id).where(Episode.title_id == title_id)
        ).all()
        drama = db.session.scalar(select(Genre.id).where(Genre.name == "Drama"))
    page = text_of(admin.get(f"/admin/titles/{title_id}"))
    assert 'value="Breaking Bad"' in page and "drugs, gritty" in page
    response = admin.post(
        f"/admin/titles/{title_id}",
        data=title_form(
            kind="series",
            name="Breaking Bad (Remastered)",
            year="2008",
            end_year="2013",
            maturity_rating="TV-14",
            genres=[str(drama)],
            keywords="drugs, chemistry",
            mood="tense",
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        title = db.session.get(Title, title_id)
        assert title.name == "Breaking Bad (Remastered)"
        assert (title.maturity_rating, title.maturity_age, title.end_year) == ("TV-14", 14, 2013)
        assert title.runtime_minutes is None
        assert [g.name for g in title.genres] == ["Drama"]
        assert sorted(k.name for k in title.keywords) == ["chemistry", "drugs"]
        after_credits = db.session.execute(
            select(Credit.id, Credit.person_id, Credit.role, Credit.billing_order).where(
                Credit.title_id == title_id
            )
        ).all()
        assert sorted(after_credits) == sorted(before_credits)
        assert (
            db.session.scalars(select(Episode.id).where(Episode.title_id == title_id)).all()
            == before_episodes
        )
        assert {a.palette for a in title.artworks}  # palettes recomputed, never emptied
        assert all("Drama" in a.label for a in title.artworks)


def test_a_renamed_title_takes_a_new_slug_and_its_old_address_redirects(app, admin):
    title_id = add_title(app)
    response = admin.post(
        f"/admin/titles/{title_id}",
        data=title_form(name="Heat Wave", year="1995", runtime_minutes="170"),
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Title, title_id).slug == "heat-wave"
    admin.post(f"/admin/titles/{title_id}", data=title_form(name="heat  wave", year="1995"))
    with app.app_context():
        assert db.session.get(Title, title_id).slug == "heat-wave"  # same words, same slug
        account_id = db.session.scalar(select(Account.id).where(Account.email == ADMIN_EMAIL))
        profile = Profile(name="Admin", account_id=account_id, onboarded=True)
        db.session.add(profile)
        db.session.commit()
        profile_id = profile.id
    admin.post(f"/profiles/{profile_id}/choose")
    old = admin.get(f"/title/{title_id}-heat")
    assert old.status_code == 301 and old.headers["Location"] == f"/title/{title_id}-heat-wave"


def test_series_with_seasons_cannot_become_a_film(app, admin):
    title_id = add_series(app)
    response = admin.post(
        f"/admin/titles/{title_id}", data=title_form(kind="film", name="Breaking Bad")
    )
    assert response.status_code == 400
    assert "remove them before making it a film" in text_of(response)


def test_delete_title_asks_first_then_removes_everything(app, admin):
    title_id = add_series(app)
    confirm = admin.get(f"/admin/titles/{title_id}/delete")
    assert confirm.status_code == 200 and "Delete “Breaking Bad”?" in text_of(confirm)
    assert count(app, Title) == 1
    response = admin.post(f"/admin/titles/{title_id}/delete", follow_redirects=True)
    assert "Deleted “Breaking Bad”." in text_of(response)
    assert (count(app, Title), count(app, Season), count(app, Episode), count(app, Credit)) == (
        0,
        0,
        0,
        0,
    )
    assert count(app, Person) == 3  # people stay in the catalog


def test_ai_use_is_set_from_the_list_and_the_form(app, admin):
    title_id = add_title(app, ai_use="none")
    listing = text_of(admin.get("/admin/titles"))
    assert f'action="/admin/titles/{title_id}/ai"' in listing
    response = admin.post(
        f"/admin/titles/{title_id}/ai", data={"ai_use": "none", "next": "/admin/titles?q=heat"}
    )
    assert response.headers["Location"].endswith("/admin/titles?q=heat")
    # Assisted or generated needs a note for viewers first: the list cannot give one.
    refused = admin.post(
        f"/admin/titles/{title_id}/ai", data={"ai_use": "generated"}, follow_redirects=True
    )
    assert "needs a note for viewers" in text_of(refused)
    with app.app_context():
        assert db.session.get(Title, title_id).ai_use == "none"
    admin.post(
        f"/admin/titles/{title_id}",
        data=title_form(name="Heat", ai_use="assisted", ai_use_note="A voice was synthesised."),
    )
    with app.app_context():
        assert db.session.get(Title, title_id).ai_use == "assisted"
    admin.post(
        f"/admin/titles/{title_id}/ai",
        data={"ai_use": "generated", "next": "https://evil.example/"},
    )
    with app.app_context():
        assert db.session.get(Title, title_id).ai_use == "generated"
    admin.post(f"/admin/titles/{title_id}", data=title_form(name="Heat"))
    with app.app_context():
        assert db.session.get(Title, title_id).ai_use == "none"


def test_the_form_refuses_a_title_without_an_answer_on_ai(app, admin):
    unanswered = admin.post("/admin/titles/new", data=title_form(ai_use=""))
    assert unanswered.status_code == 400
    assert "Say whether AI was used to make this title" in text_of(unanswered)
    no_note = admin.post("/admin/titles/new", data=title_form(ai_use="assisted"))
    assert no_note.status_code == 400
    assert "Tell viewers what AI did" in text_of(no_note)
    assert count(app, Title) == 0
    # An imported title nobody has answered for cannot be saved until someone does.
    title_id = add_title(app)
    edit = admin.post(f"/admin/titles/{title_id}", data=title_form(name="Heat Again", ai_use=""))
    assert edit.status_code == 400
    with app.app_context():
        assert db.session.get(Title, title_id).name == "Heat"
    assert ">Heat</a>" in text_of(admin.get("/admin/titles?ai=unanswered"))


def test_title_list_paginates_and_searches(app, admin):
    app.config["ADMIN_PAGE_SIZE"] = 3
    for n, name in enumerate(
        ["Alien", "Aliens", "Heat", "Ronin", "The Lord of the Rings", "RoboCop", "100% Wolf"]
    ):
        add_title(app, name=name, year=1980 + n)
    first = text_of(admin.get("/admin/titles"))
    assert "Page 1 of 3" in first and ">Alien</a>" in first and "Ronin" not in first
    last = text_of(admin.get("/admin/titles?page=3"))
    assert "Page 3 of 3" in last and ">The Lord of the Rings</a>" in last
    beyond = text_of(admin.get("/admin/titles?page=99999999999"))
    assert "Page 1 of 3" in beyond  # nonsense pages fall back instead of failing
    assert "Page 3 of 3" in text_of(admin.get("/admin/titles?page=40"))
    found = text_of(admin.get("/admin/titles?q=RIN"))
    assert ">The Lord of the Rings</a>" in found and "Ronin" not in found and "Heat" not in found
    literal = text_of(admin.get("/admin/titles?q=%25"))
    assert "100% Wolf" in literal and ">Heat</a>" not in literal
    films = text_of(admin.get("/admin/titles?q=alien&kind=series"))
    assert "No title’s name contains “alien” with these filters" in films
    with app.app_context():
        db.session.scalar(select(Title).where(Title.name == "Heat")).ai_use = "generated"
        db.session.commit()
    ai_only = text_of(admin.get("/admin/titles?ai=generated"))
    assert ">Heat</a>" in ai_only and ">Alien</a>" not in ai_only
    assert admin.get("/admin/titles?q=%00bad").status_code == 200


def test_hostile_title_name_is_stored_as_typed_and_shown_escaped(app, admin):
    hostile = '<script>alert("x")</script> & <b>bold</b>'
    admin.post("/admin/titles/new", data=title_form(name=hostile))
    with app.app_context():
        assert db.session.scalar(select(Title.name)) == hostile
    page = text_of(admin.get("/admin/titles"))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
