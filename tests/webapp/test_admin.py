"""The admin catalog area: who may enter, and create/edit/delete round trips for every part
of the catalog through the real forms."""

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import BACKENDS, AuthActions, make_config
from webapp import create_app
from webapp.admin.routes import CATALOG_MODULES
from webapp.auth.accounts import register_account
from webapp.catalog.service import Catalog, SeasonSpec, TitleSpec
from webapp.extensions import db
from webapp.models import Account, Credit, Episode, Genre, Person, Profile, Season, Title

ADMIN_EMAIL = "boss@example.com"
VIEWER_EMAIL = "viewer@example.com"
PASSWORD = "correct horse 42"

# Every admin URL with the method that uses it; ids need not exist (the guard runs first).
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


@pytest.fixture
def admin(app, client):
    """The test client, signed in as an admin."""
    return AuthActions(client).as_admin(ADMIN_EMAIL)


@pytest.fixture(scope="module", params=BACKENDS)
def guard_app(request, templates, tmp_path_factory):
    """One app per backend for the many who-may-enter checks, which change nothing."""
    instance = tmp_path_factory.mktemp("admin_guard")
    url, cleanup = templates.clone(request.param, False, instance)
    app = create_app(make_config(instance, url))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    cleanup()


@pytest.fixture(scope="module")
def viewer_client(guard_app):
    """A signed-in viewer who is not an admin."""
    client = guard_app.test_client()
    AuthActions(client).as_viewer(email=VIEWER_EMAIL)
    assert client.get("/profiles/").status_code == 200
    return client


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


# -- who may enter ----------------------------------------------------------------------------


def test_url_list_covers_every_admin_route(app):
    """A new catalog admin route must be added to ADMIN_URLS, so its 403 is tested too."""
    listed = {re.sub(r"/1(?=/|$)", "/<id>", url) for _, url in ADMIN_URLS}
    routed = {
        re.sub(r"<int:\w+>", "<id>", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.")
        and app.view_functions[rule.endpoint].__module__ in CATALOG_MODULES
    }
    assert routed == listed


@pytest.mark.parametrize(("method", "url"), ADMIN_URLS)
def test_non_admin_gets_403_everywhere(viewer_client, method, url):
    response = viewer_client.open(url, method=method, data={"name": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "url"), ADMIN_URLS)
def test_anonymous_is_sent_to_sign_in(guard_app, method, url):
    response = guard_app.test_client().open(url, method=method)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_admin_signs_in_through_the_form(app, auth):
    make_account(app, ADMIN_EMAIL, is_admin=True)
    auth.login(ADMIN_EMAIL, PASSWORD)
    page = auth.client.get("/admin/")
    assert page.status_code == 200 and "Catalog admin" in text_of(page)


def test_admin_sees_dashboard_with_counts_and_links(app, admin):
    add_title(app)
    add_series(app)
    page = text_of(admin.get("/admin/"))
    assert "Catalog admin" in page
    for link in ("/admin/titles", "/admin/people", "/admin/genres", "/admin/import"):
        assert f'href="{link}' in page
    assert re.search(r'stat-value">1</span><span class="stat-label">Films', page)
    assert re.search(r'stat-value">2 / 3</span><span class="stat-label">Seasons / episodes', page)


def test_unknown_and_absurd_ids_are_404(admin):
    for url in (
        "/admin/titles/999",
        "/admin/titles/99999999999999999999",
        "/admin/people/0",
        "/admin/seasons/5",
    ):
        assert admin.get(url).status_code == 404


def test_post_without_csrf_token_is_refused(csrf_app):
    make_account(csrf_app, ADMIN_EMAIL, is_admin=True)
    title_id = add_title(csrf_app)
    client = csrf_app.test_client()
    page = text_of(client.get("/auth/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    client.post(
        "/auth/login",
        data={"email": ADMIN_EMAIL, "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert client.get("/admin/").status_code == 200
    assert client.post(f"/admin/titles/{title_id}/delete").status_code == 400
    assert count(csrf_app, Title) == 1


# -- titles -----------------------------------------------------------------------------------


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


# -- people -----------------------------------------------------------------------------------


def test_people_crud_round_trip(app, admin):
    response = admin.post("/admin/people/new", data={"name": "  Frances   McDormand "})
    assert response.status_code == 302
    with app.app_context():
        person = db.session.scalar(select(Person))
        assert (person.name, person.slug) == ("Frances McDormand", "frances-mcdormand")
        person_id = person.id
    duplicate = admin.post("/admin/people/new", data={"name": "frances mcdormand"})
    assert duplicate.status_code == 400 and "already has the address" in text_of(duplicate)
    assert admin.post("/admin/people/new", data={"name": "n" * 121}).status_code == 400
    assert "Latin letter" in text_of(admin.post("/admin/people/new", data={"name": "宮崎駿"}))
    admin.post(f"/admin/people/{person_id}", data={"name": "Frances L. McDormand"})
    with app.app_context():
        assert db.session.get(Person, person_id).slug == "frances-l-mcdormand"
    found = text_of(admin.get("/admin/people?q=mcdorm"))
    assert "Frances L. McDormand" in found
    assert "No one’s name contains" in text_of(admin.get("/admin/people?q=zzz"))
    assert "Delete Frances L. McDormand?" in text_of(admin.get(f"/admin/people/{person_id}/delete"))
    admin.post(f"/admin/people/{person_id}/delete")
    assert count(app, Person) == 0


def test_people_list_paginates(app, admin):
    app.config["ADMIN_PAGE_SIZE"] = 2
    for name in ("Ann Aa", "Bob Bb", "Cy Cc"):
        admin.post("/admin/people/new", data={"name": name})
    assert "Page 2 of 2" in text_of(admin.get("/admin/people?page=2"))
    assert "Cy Cc" in text_of(admin.get("/admin/people?page=2"))


def test_deleting_a_person_removes_their_credits(app, admin):
    title_id = add_title(app, cast=["Al Pacino", "Robert De Niro"])
    with app.app_context():
        pacino = db.session.scalar(select(Person.id).where(Person.name == "Al Pacino"))
    admin.post(f"/admin/people/{pacino}/delete")
    with app.app_context():
        names = [c.person.name for c in db.session.get(Title, title_id).credits]
    assert names == ["Robert De Niro"]


# -- credits ----------------------------------------------------------------------------------


def credit_names(app, title_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        credits = db.session.scalars(
            select(Credit).where(Credit.title_id == title_id).order_by(Credit.billing_order)
        ).all()
        return [(c.person.name, c.role) for c in credits]


def test_credits_add_reorder_and_remove(app, admin):
    title_id = add_title(app, directors=["Michael Mann"], cast=["Al Pacino"])
    response = admin.post(
        f"/admin/titles/{title_id}/credits",
        data={"person_name": "Robert De Niro", "role": "cast", "character": "Neil McCauley"},
    )
    assert response.status_code == 302
    assert credit_names(app, title_id) == [
        ("Michael Mann", "director"),
        ("Al Pacino", "cast"),
        ("Robert De Niro", "cast"),
    ]
    with app.app_context():
        assert db.session.scalar(select(Person).where(Person.name == "Robert De Niro")) is not None
        de_niro = db.session.scalar(
            select(Credit).join(Person).where(Person.name == "Robert De Niro")
        )
        assert de_niro.character == "Neil McCauley"
        de_niro_id = de_niro.id
    admin.post(f"/admin/credits/{de_niro_id}/move", data={"direction": "up"})
    assert credit_names(app, title_id)[1:] == [("Robert De Niro", "cast"), ("Al Pacino", "cast")]
    admin.post(
        f"/admin/credits/{de_niro_id}/move", data={"direction": "up"}
    )  # first of its role: stays
    assert credit_names(app, title_id)[0] == ("Michael Mann", "director")
    admin.post(f"/admin/credits/{de_niro_id}/move", data={"direction": "down"})
    assert credit_names(app, title_id)[1:] == [("Al Pacino", "cast"), ("Robert De Niro", "cast")]
    admin.post(
        f"/admin/titles/{title_id}/credits",
        data={"person_name": "Val Kilmer", "role": "cast", "billing_order": "1"},
    )
    assert credit_names(app, title_id)[1] == ("Val Kilmer", "cast")
    page = text_of(admin.get(f"/admin/titles/{title_id}"))
    table = page[page.index('id="credits"') :]
    assert table.index("Val Kilmer") < table.index("Al Pacino") < table.index("Robert De Niro")
    assert "Remove Robert De Niro from “Heat”?" in text_of(
        admin.get(f"/admin/credits/{de_niro_id}/delete")
    )
    admin.post(f"/admin/credits/{de_niro_id}/delete")
    assert ("Robert De Niro", "cast") not in credit_names(app, title_id)
    with app.app_context():
        assert sorted(
            db.session.scalars(select(Credit.billing_order).where(Credit.title_id == title_id))
        ) == [0, 1, 2]


def test_duplicate_or_bad_credit_is_a_400(app, admin):
    title_id = add_title(app, cast=["Al Pacino"])
    again = admin.post(
        f"/admin/titles/{title_id}/credits", data={"person_name": "al pacino", "role": "cast"}
    )
    assert again.status_code == 400 and "already credited in that role" in text_of(again)
    assert (
        admin.post(
            f"/admin/titles/{title_id}/credits", data={"person_name": "", "role": "cast"}
        ).status_code
        == 400
    )
    assert (
        admin.post(
            f"/admin/titles/{title_id}/credits", data={"person_name": "X", "role": "boss"}
        ).status_code
        == 400
    )
    assert len(credit_names(app, title_id)) == 1
    director = admin.post(
        f"/admin/titles/{title_id}/credits", data={"person_name": "Al Pacino", "role": "director"}
    )
    assert director.status_code == 302
    assert len(credit_names(app, title_id)) == 2


# -- genres -----------------------------------------------------------------------------------


def test_genres_crud_round_trip(app, admin):
    assert admin.post("/admin/genres/new", data={"name": "Film Noir"}).status_code == 302
    with app.app_context():
        genre = db.session.scalar(select(Genre))
        assert (genre.name, genre.slug) == ("Film Noir", "film-noir")
        genre_id = genre.id
    assert "already a genre with that name" in text_of(
        admin.post("/admin/genres/new", data={"name": "film noir"})
    )
    clash = admin.post("/admin/genres/new", data={"name": "Noir", "slug": "film-noir"})
    assert clash.status_code == 400 and "already uses the slug" in text_of(clash)
    assert "single hyphens" in text_of(
        admin.post("/admin/genres/new", data={"name": "Noir", "slug": "Bad Slug!"})
    )
    admin.post(f"/admin/genres/{genre_id}", data={"name": "Neo-Noir", "slug": "neo-noir"})
    with app.app_context():
        assert (db.session.get(Genre, genre_id).name, db.session.get(Genre, genre_id).slug) == (
            "Neo-Noir",
            "neo-noir",
        )
    title_id = add_title(app, genres=["Neo-Noir", "Crime"])
    assert "1 title lose" in text_of(admin.get(f"/admin/genres/{genre_id}/delete"))
    admin.post(f"/admin/genres/{genre_id}/delete")
    with app.app_context():
        assert [g.name for g in db.session.get(Title, title_id).genres] == ["Crime"]
    assert ">Crime</a>" in text_of(admin.get("/admin/genres"))


# -- seasons and episodes ---------------------------------------------------------------------


def test_seasons_and_episodes_round_trip(app, admin):
    title_id = add_series(app)
    page = text_of(admin.get(f"/admin/titles/{title_id}"))
    assert "Season 2" in page and re.search(r'<input[^>]+name="number"[^>]+value="3"', page)
    assert (
        admin.post(
            f"/admin/titles/{title_id}/seasons",
            data={"number": "3", "episodes": "4", "runtime": "47"},
        ).status_code
        == 302
    )
    with app.app_context():
        season = db.session.scalar(
            select(Season).where(Season.title_id == title_id, Season.number == 3)
        )
        assert [(e.number, e.name, e.runtime_minutes, e.title_id) for e in season.episodes][:1] == [
            (1, "Episode 1", 47, title_id)
        ]
        assert len(season.episodes) == 4
        season_id = season.id
    again = admin.post(f"/admin/titles/{title_id}/seasons", data={"number": "3"})
    assert again.status_code == 400 and "Season 3 already exists." in text_of(again)

    assert (
        admin.post(
            f"/admin/seasons/{season_id}/episodes",
            data={"number": "5", "name": "Finale", "runtime_minutes": "62"},
        ).status_code
        == 302
    )
    clash = admin.post(
        f"/admin/seasons/{season_id}/episodes",
        data={"number": "5", "name": "Again", "runtime_minutes": "40"},
    )
    assert clash.status_code == 400 and "Episode 5 already exists" in text_of(clash)
    assert (
        admin.post(
            f"/admin/seasons/{season_id}/episodes",
            data={"number": "6", "name": "", "runtime_minutes": "40"},
        ).status_code
        == 400
    )
    with app.app_context():
        finale = db.session.scalar(
            select(Episode).where(Episode.season_id == season_id, Episode.number == 5)
        )
        finale_id = finale.id
    assert "Finale" in text_of(admin.get(f"/admin/seasons/{season_id}"))
    admin.post(
        f"/admin/episodes/{finale_id}",
        data={"number": "5", "name": "Felina", "runtime_minutes": "55"},
    )
    with app.app_context():
        finale = db.session.get(Episode, finale_id)
        assert (finale.name, finale.runtime_minutes) == ("Felina", 55)
    taken = admin.post(
        f"/admin/episodes/{finale_id}",
        data={"number": "1", "name": "Felina", "runtime_minutes": "55"},
    )
    assert taken.status_code == 400
    admin.post(f"/admin/episodes/{finale_id}/delete")
    assert count(app, Episode) == 3 + 4
    assert "Remove season 3 of “Breaking Bad”?" in text_of(
        admin.get(f"/admin/seasons/{season_id}/delete")
    )
    admin.post(f"/admin/seasons/{season_id}/delete")
    assert (count(app, Season), count(app, Episode)) == (2, 3)


def test_films_have_no_seasons(app, admin):
    title_id = add_title(app)
    response = admin.post(
        f"/admin/titles/{title_id}/seasons", data={"number": "1"}, follow_redirects=True
    )
    assert "Only series have seasons." in text_of(response)
    assert count(app, Season) == 0


# -- nothing typed causes a 500 ---------------------------------------------------------------

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
