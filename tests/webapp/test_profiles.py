"""Profiles: choosing, CRUD, the limit of five, PINs, kids locks and isolation between accounts."""

import pytest
from sqlalchemy import func, select

from tests.webapp.catalog_factory import PASSWORD, account_by_email, make_account, page_text
from webapp.extensions import db
from webapp.models import Profile


def _profile_data(**overrides):
    data = {"name": "Robin", "avatar_color": "#3498db", "maturity_limit": "18", "pin": ""}
    data.update(overrides)
    return data


def _profiles(app, email="viewer@example.com"):
    with app.app_context():
        return [(p.id, p.name) for p in account_by_email(email).profiles]


def test_whos_watching_lists_profiles_and_choosing_switches(app, client, auth):
    auth.signup()
    ((profile_id, name),) = _profiles(app)
    page = page_text(client.get("/profiles/"))
    assert name in page and "Add profile" in page
    response = auth.choose_profile(profile_id)
    assert response.request.path == "/welcome/picks"  # a new profile starts with onboarding
    with client.session_transaction() as session:
        assert session["profile_id"] == profile_id


def test_browse_needs_a_chosen_profile(client, auth):
    auth.signup()
    response = client.get("/browse/genres")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/profiles/")


def test_create_edit_delete_round_trip(app, client, auth):
    auth.signup()
    response = client.post("/profiles/new", data=_profile_data(), follow_redirects=True)
    assert "Profile Robin added." in page_text(response)
    robin = next(pid for pid, name in _profiles(app) if name == "Robin")

    response = client.post(
        f"/profiles/{robin}/edit",
        data=_profile_data(
            name="Robin Jr", avatar_color="#2ecc71", maturity_limit="7", is_kids="y"
        ),
        follow_redirects=True,
    )
    assert "Profile Robin Jr saved." in page_text(response)
    with app.app_context():
        profile = db.session.get(Profile, robin)
        assert (profile.name, profile.avatar_color, profile.maturity_limit, profile.is_kids) == (
            "Robin Jr",
            "#2ecc71",
            7,
            True,
        )

    assert client.get(f"/profiles/{robin}/delete").status_code == 200
    response = client.post(f"/profiles/{robin}/delete", follow_redirects=True)
    assert "Profile Robin Jr deleted." in page_text(response)
    assert [name for _, name in _profiles(app)] == ["Viewer"]


def test_at_most_five_profiles(app, client, auth):
    auth.signup()
    for i in range(4):
        client.post("/profiles/new", data=_profile_data(name=f"P{i}"))
    assert len(_profiles(app)) == 5
    assert "Add profile" not in page_text(client.get("/profiles/"))
    response = client.post("/profiles/new", data=_profile_data(name="Sixth"), follow_redirects=True)
    assert "An account can have at most 5 profiles." in page_text(response)
    assert len(_profiles(app)) == 5


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Give the profile a name."),
        ({"name": "x" * 41}, "Use at most 40 characters."),
        ({"name": "viewer"}, "Another profile on this account already has that name."),
        (
            {"is_kids": "y", "maturity_limit": "16"},
            "A kids profile can see at most older-kids titles",
        ),
        ({"pin": "12a4"}, "A PIN is exactly 4 digits."),
        ({"pin": "12345"}, "A PIN is exactly 4 digits."),
        ({"avatar_color": "#000000"}, "Not a valid choice"),
        ({"maturity_limit": "99"}, "Not a valid choice"),
        ({"maturity_limit": "lots"}, "Invalid Choice"),
    ],
)
def test_profile_form_messages(app, client, auth, overrides, message):
    auth.signup()
    response = client.post("/profiles/new", data=_profile_data(**overrides))
    assert response.status_code == 400
    assert message in page_text(response)
    assert len(_profiles(app)) == 1


def test_pin_is_hashed_and_required(app, client, auth):
    auth.signup()
    client.post("/profiles/new", data=_profile_data(name="Parent", pin="4821"))
    parent = next(pid for pid, name in _profiles(app) if name == "Parent")
    with app.app_context():
        stored = db.session.get(Profile, parent).pin_hash
        assert stored and "4821" not in stored

    response = auth.choose_profile(parent)
    assert response.status_code == 400
    assert "Enter the profile's PIN." in page_text(response)
    response = auth.choose_profile(parent, pin="0000")
    assert response.status_code == 403
    assert "That PIN is not right." in page_text(response)
    with client.session_transaction() as session:
        assert "profile_id" not in session

    response = auth.choose_profile(parent, pin="4821")
    assert response.request.path == "/welcome/picks"  # a new profile starts with onboarding
    with client.session_transaction() as session:
        assert session["profile_id"] == parent


def test_pin_guessing_is_slowed(app, client, auth):
    auth.signup()
    client.post("/profiles/new", data=_profile_data(name="Parent", pin="4821"))
    parent = next(pid for pid, name in _profiles(app) if name == "Parent")
    for _ in range(5):
        auth.choose_profile(parent, pin="1111")
    response = auth.choose_profile(parent, pin="4821")
    assert "Too many wrong PINs" in page_text(response)
    with client.session_transaction() as session:
        assert "profile_id" not in session


def test_pin_can_be_removed_with_the_pin(app, client, auth):
    auth.signup()
    client.post("/profiles/new", data=_profile_data(name="Parent", pin="4821"))
    parent = next(pid for pid, name in _profiles(app) if name == "Parent")
    client.post(
        f"/profiles/{parent}/edit",
        data=_profile_data(name="Parent", remove_pin="y", current_secret="4821"),
    )
    with app.app_context():
        assert db.session.get(Profile, parent).pin_hash is None


OWNER_ROUTES = [
    ("get", "/profiles/{id}/choose"),
    ("post", "/profiles/{id}/choose"),
    ("get", "/profiles/{id}/edit"),
    ("post", "/profiles/{id}/edit"),
    ("get", "/profiles/{id}/delete"),
    ("post", "/profiles/{id}/delete"),
    ("post", "/profiles/{id}/unlock"),
]


@pytest.mark.parametrize(("method", "route"), OWNER_ROUTES)
def test_another_accounts_profile_is_404(app, client, auth, method, route):
    with app.app_context():
        _, (other_id,) = make_account(
            "someone.else@example.com", [{"name": "Theirs", "pin": "1234"}]
        )
    auth.signup()
    response = getattr(client, method)(route.format(id=other_id), data=_profile_data(pin="1234"))
    assert response.status_code == 404
    with app.app_context():
        theirs = db.session.get(Profile, other_id)
        assert theirs is not None and theirs.name == "Theirs"
    with client.session_transaction() as session:
        assert session.get("profile_id") != other_id


def test_a_stale_session_profile_of_another_account_is_dropped(app, client, auth):
    with app.app_context():
        _, (other_id,) = make_account("someone.else@example.com", [{"name": "Theirs"}])
    auth.signup()
    with client.session_transaction() as session:
        session["profile_id"] = other_id
    assert client.get("/browse/genres").status_code == 302
    with client.session_transaction() as session:
        assert "profile_id" not in session


def test_profile_routes_need_sign_in(client):
    for route in ("/profiles/", "/profiles/manage", "/profiles/new", "/profiles/1/edit"):
        response = client.get(route)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login")


def _kids_account(app):
    with app.app_context():
        _, (parent, kid, open_adult) = make_account(
            "family@example.com",
            [
                {"name": "Parent", "pin": "4821"},
                {"name": "Kid", "is_kids": True, "maturity_limit": 7},
                {"name": "Guest"},
            ],
        )
    return parent, kid, open_adult


def test_kids_profile_cannot_manage_others_without_their_pin(app, client, auth):
    parent, kid, guest = _kids_account(app)
    auth.login("family@example.com", PASSWORD)
    auth.choose_profile(kid)

    assert client.get("/profiles/new").status_code == 403
    assert client.post("/profiles/new", data=_profile_data(name="Sneaky")).status_code == 403
    for target in (parent, kid, guest):
        response = client.post(
            f"/profiles/{target}/edit", data=_profile_data(name="Hacked", maturity_limit="18")
        )
        assert response.status_code == 403
        assert client.post(f"/profiles/{target}/delete").status_code == 403
    with app.app_context():
        names = set(db.session.scalars(select(Profile.name)))
        assert {"Parent", "Kid", "Guest"} <= names and "Hacked" not in names
        assert db.session.get(Profile, kid).maturity_limit == 7

    response = client.post(f"/profiles/{parent}/unlock", data={"pin": "9999"})
    assert response.status_code == 403 and "That PIN is not right." in page_text(response)
    response = client.post(f"/profiles/{parent}/unlock", data={"pin": "4821"})
    assert response.status_code == 302
    assert client.get(f"/profiles/{parent}/edit").status_code == 200
    # Unlocking one profile does not open the others.
    assert client.get(f"/profiles/{guest}/edit").status_code == 403


def test_grown_up_profile_manages_freely(app, client, auth):
    _, kid, guest = _kids_account(app)
    auth.login("family@example.com", PASSWORD)
    auth.choose_profile(guest)
    assert client.get(f"/profiles/{kid}/edit").status_code == 200
    assert client.get("/profiles/new").status_code == 200


def test_deleting_the_active_profile_returns_to_whos_watching(app, client, auth):
    auth.signup()
    client.post("/profiles/new", data=_profile_data(name="Temp"))
    temp = next(pid for pid, name in _profiles(app) if name == "Temp")
    auth.choose_profile(temp)
    client.post(f"/profiles/{temp}/delete")
    with client.session_transaction() as session:
        assert "profile_id" not in session
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Profile)) == 1
