"""A title's cast and crew on its admin page: add, reorder and remove."""

from sqlalchemy import select

from tests.webapp.admin.support import add_title, credit_names, text_of
from webapp.extensions import db
from webapp.models import Credit, Person


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
