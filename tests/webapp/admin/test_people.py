"""The admin people pages: create, edit, delete and the paginated list."""

from sqlalchemy import select

from tests.webapp.admin.support import add_title, count, text_of
from webapp.extensions import db
from webapp.models import Person, Title


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
