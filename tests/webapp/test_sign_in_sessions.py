"""Sign-in sessions live on the server: signing out, signing out everywhere, changing password.

A copied session or remember-me cookie is only as good as the session row it
names; these tests copy cookies between real test clients the way a thief
would copy them between browsers.
"""

import pytest
from sqlalchemy import select

from tests.webapp.catalog_factory import PASSWORD, make_account, page_text
from webapp.extensions import db
from webapp.models import Account

EMAIL = "viewer@example.com"
NEW_PASSWORD = "brand new horse 7"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
PRIVATE_PAGES = ("/my-list", "/account/privacy", "/account/")


@pytest.fixture
def viewer(app):
    with app.app_context():
        _, (profile,) = make_account(EMAIL, [{"name": "Viewer", "onboarded": True}])
    return profile


def _device(app, profile, *, remember=False, password=PASSWORD, agent=FIREFOX):
    """A browser signed in to the account with its profile chosen."""
    client = app.test_client()
    data = {"email": EMAIL, "password": password}
    if remember:
        data["remember"] = "y"
    client.post("/auth/login", data=data, headers={"User-Agent": agent})
    client.post(f"/profiles/{profile}/choose")
    assert client.get("/my-list").status_code == 200
    return client


def _sent_to_sign_in(client, path) -> bool:
    response = client.get(path)
    return response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def _can_sign_in(app, password) -> bool:
    client = app.test_client()
    client.post("/auth/login", data={"email": EMAIL, "password": password})
    return client.get("/profiles/manage").status_code == 200


def test_a_copied_session_cookie_is_refused_after_sign_out(app, viewer):
    client = _device(app, viewer)
    copied = client.get_cookie("session").value
    client.post("/auth/logout")
    client.set_cookie("session", copied)
    for path in PRIVATE_PAGES:
        assert _sent_to_sign_in(client, path), path


def test_a_copied_remember_me_cookie_is_refused_after_sign_out(app, viewer):
    client = _device(app, viewer, remember=True)
    remembered = client.get_cookie("remember_token").value
    client.post("/auth/logout")
    thief = app.test_client()
    thief.set_cookie("remember_token", remembered)
    assert _sent_to_sign_in(thief, "/profiles/manage")


def test_signing_out_ends_only_this_devices_session(app, viewer):
    laptop, phone = _device(app, viewer), _device(app, viewer)
    laptop.post("/auth/logout")
    assert _sent_to_sign_in(laptop, "/my-list")
    assert phone.get("/my-list").status_code == 200


def test_the_account_page_lists_devices_and_says_what_sign_out_all_does(app, viewer):
    laptop = _device(app, viewer)
    _device(app, viewer, agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1")
    page = page_text(laptop.get("/account/"))
    assert "Firefox on Linux" in page and "Safari on iOS" in page
    assert page.count("This device") == 1
    assert "Sign out of all devices" in page and "this one included" in page
    assert "Change password" in page


def test_sign_out_of_all_devices_ends_every_session_this_one_included(app, viewer):
    laptop, phone = _device(app, viewer), _device(app, viewer, remember=True)
    remembered = phone.get_cookie("remember_token").value
    response = laptop.post("/account/sign-out-everywhere", follow_redirects=True)
    assert "You are signed out on every device, this one included." in page_text(response)
    for client in (laptop, phone):
        for path in PRIVATE_PAGES:
            assert _sent_to_sign_in(client, path), path
    thief = app.test_client()
    thief.set_cookie("remember_token", remembered)
    assert _sent_to_sign_in(thief, "/profiles/manage")
    # Signing in afterwards works as usual.
    assert _can_sign_in(app, PASSWORD)


def test_changing_the_password_signs_out_every_other_device(app, viewer):
    laptop, phone = _device(app, viewer), _device(app, viewer)
    response = laptop.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        follow_redirects=True,
    )
    assert "Password changed. Every other device is signed out" in page_text(response)
    assert laptop.get("/my-list").status_code == 200
    assert _sent_to_sign_in(phone, "/my-list")
    assert _can_sign_in(app, NEW_PASSWORD) and not _can_sign_in(app, PASSWORD)


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (
            {"current_password": "not my password 1"},
            403,
            "That is not your current password. Nothing was changed.",
        ),
        ({"current_password": ""}, 400, "Enter your current password."),
        ({"new_password": "short1", "confirm": "short1"}, 400, "Use at least 10 characters."),
        ({"confirm": NEW_PASSWORD + "x"}, 400, "The two new passwords do not match."),
        (
            {"new_password": "password123", "confirm": "password123"},
            400,
            "That password is too easy to guess.",
        ),
    ],
)
def test_a_refused_password_change_changes_nothing(app, viewer, data, status, message):
    laptop, phone = _device(app, viewer), _device(app, viewer)
    form = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = laptop.post("/account/password", data={**form, **data})
    assert response.status_code == status
    assert message in page_text(response)
    assert phone.get("/my-list").status_code == 200
    assert _can_sign_in(app, PASSWORD) and not _can_sign_in(app, NEW_PASSWORD)


def test_the_current_password_cannot_be_guessed_at_speed(app, viewer):
    laptop = _device(app, viewer)
    guess = {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    for _ in range(5):  # Config.PIN_MAX_FAILURES
        wrong = laptop.post("/account/password", data={**guess, "current_password": "guess 1234"})
        assert wrong.status_code == 403
    right = laptop.post("/account/password", data={**guess, "current_password": PASSWORD})
    assert right.status_code == 403
    assert "Too many wrong passwords. Try again in 5 minutes." in page_text(right)
    assert _can_sign_in(app, PASSWORD)


def test_sessions_are_stored_with_a_short_device_summary(app, viewer):
    from webapp.models import SignInSession

    _device(app, viewer, agent=FIREFOX)
    with app.app_context():
        row = db.session.scalar(select(SignInSession))
        account_id = db.session.scalar(select(Account.id).where(Account.email == EMAIL))
        assert row.account_id == account_id
        assert row.user_agent == "Firefox on Linux" and row.revoked_at is None
        assert len(row.id) >= 40


def test_the_new_forms_need_csrf_tokens(csrf_app):
    with csrf_app.app_context():
        _, (profile,) = make_account(EMAIL, [{"name": "Viewer", "onboarded": True}])
    client = csrf_app.test_client()

    def token(path):
        page = client.get(path).get_data(as_text=True)
        return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]

    login = {"email": EMAIL, "password": PASSWORD, "csrf_token": token("/auth/login")}
    client.post("/auth/login", data=login)
    client.post(f"/profiles/{profile}/choose", data={"csrf_token": token("/profiles/")})
    assert client.get("/my-list").status_code == 200
    assert client.post("/account/sign-out-everywhere").status_code == 400
    assert (
        client.post(
            "/account/password",
            data={
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "confirm": NEW_PASSWORD,
            },
        ).status_code
        == 400
    )
    assert client.get("/my-list").status_code == 200


def test_each_request_reads_its_session_and_account_in_one_query(app, viewer):
    """The session check runs on every request, so it costs one query, not one per table."""
    from sqlalchemy import event

    client = _device(app, viewer)
    seen = []

    def listener(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get("/my-list").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    session_reads = [s for s in seen if "sign_in_sessions" in s]
    account_reads = [s for s in seen if s.lstrip().startswith("SELECT") and " accounts" in s]
    assert len(session_reads) == 1, session_reads
    assert account_reads == session_reads, account_reads
