"""Sign-up, sign-in, remember-me and sign-out through the real forms."""

import pytest
from sqlalchemy import select

from tests.webapp.catalog_factory import PASSWORD, account_by_email, page_text
from webapp.extensions import db
from webapp.models import Account

BAD_CREDENTIALS = "That email and password do not match an account."


def test_signup_creates_account_and_first_profile(app, client, auth):
    response = auth.signup("new.viewer@example.com")
    assert response.status_code == 200
    assert response.request.path == "/profiles/"
    assert "Who's watching?" in page_text(response)
    with app.app_context():
        account = account_by_email("new.viewer@example.com")
        assert account is not None
        # Tests hash cheaply; the method is the configured one and never plain text.
        assert account.password_hash.startswith(app.config["PASSWORD_HASH_METHOD"].split(":")[0])
        assert "correct horse" not in account.password_hash
        assert [p.name for p in account.profiles] == ["New Viewer"]


@pytest.mark.parametrize(
    ("email", "password", "confirm", "message"),
    [
        ("", PASSWORD, PASSWORD, "Enter your email address."),
        ("not-an-email", PASSWORD, PASSWORD, "Enter a valid email address."),
        ("a@example.com", "short1", "short1", "Use at least 10 characters."),
        ("a@example.com", "password123", "password123", "That password is too easy to guess."),
        (
            "a@example.com",
            "onlyletterswords",
            "onlyletterswords",
            "Mix letters with digits, spaces or symbols.",
        ),
        ("a@example.com", "", "", "Choose a password."),
    ],
)
def test_signup_validation_messages(app, client, email, password, confirm, message):
    response = client.post(
        "/auth/signup", data={"email": email, "password": password, "confirm": confirm}
    )
    assert response.status_code == 400
    assert message in page_text(response)
    with app.app_context():
        assert db.session.scalar(select(Account)) is None


def test_signup_asks_for_the_password_once_and_keeps_what_was_typed(client):
    page = client.get("/auth/signup").get_data(as_text=True)
    assert page.count('type="password"') == 1
    wrong_email = client.post("/auth/signup", data={"email": "no-at-sign", "password": PASSWORD})
    assert wrong_email.status_code == 400
    assert 'value="no-at-sign"' in wrong_email.text and f'value="{PASSWORD}"' in wrong_email.text
    weak = client.post("/auth/signup", data={"email": "a@example.com", "password": "short1"})
    assert 'value="a@example.com"' in weak.text and 'value="short1"' not in weak.text


def test_signup_duplicate_email_any_case(app, client, auth):
    auth.signup("dup@example.com")
    auth.logout()
    response = client.post(
        "/auth/signup",
        data={"email": "DUP@Example.com", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 400
    assert "An account with that email already exists" in page_text(response)


def test_login_lands_on_whos_watching(client, auth):
    auth.signup()
    auth.logout()
    response = auth.login()
    assert response.request.path == "/profiles/"
    assert client.get("/profiles/manage").status_code == 200


@pytest.mark.parametrize(
    ("email", "password"),
    [("nobody@example.com", PASSWORD), ("viewer@example.com", "wrong password 1"), ("bad", "x")],
)
def test_wrong_credentials_give_one_message(client, auth, email, password):
    auth.signup()
    auth.logout()
    response = auth.login(email, password)
    body = page_text(response)
    assert response.status_code == 400
    assert BAD_CREDENTIALS in body
    # Nothing hints at which part was wrong.
    assert "No account" not in body and "Wrong password" not in body
    assert client.get("/profiles/manage").status_code == 302


@pytest.mark.parametrize(
    ("field", "message"),
    [("email", "Enter your email address."), ("password", "Enter your password.")],
)
def test_login_missing_field(client, field, message):
    data = {"email": "viewer@example.com", "password": PASSWORD}
    data[field] = ""
    response = client.post("/auth/login", data=data)
    assert response.status_code == 400
    assert message in page_text(response)


def test_remember_me_sets_cookie_that_restores_the_session(app, client, auth):
    auth.signup()
    auth.logout()
    client.post(
        "/auth/login", data={"email": "viewer@example.com", "password": PASSWORD, "remember": "y"}
    )
    assert client.get_cookie("remember_token") is not None
    # A browser restart drops the session cookie; the remember cookie signs back in.
    client.delete_cookie("session")
    assert client.get("/profiles/manage").status_code == 200


def test_without_remember_me_no_cookie(client, auth):
    auth.signup()
    auth.logout()
    auth.login()
    assert client.get_cookie("remember_token") is None


def test_a_revoked_sign_in_session_ends_its_remember_me_cookie(app, client, auth):
    auth.signup()
    auth.logout()
    client.post(
        "/auth/login", data={"email": "viewer@example.com", "password": PASSWORD, "remember": "y"}
    )
    from webapp.auth.sessions import revoke_all

    with app.app_context():
        revoke_all(account_by_email("viewer@example.com").id)
    client.delete_cookie("session")
    assert client.get("/profiles/manage").status_code == 302


def test_logout_is_post_only_and_forgets_everything(client, auth):
    auth.signup()
    client.post(
        "/auth/login", data={"email": "viewer@example.com", "password": PASSWORD, "remember": "y"}
    )
    assert client.get("/auth/logout").status_code == 405
    response = auth.logout()
    assert "You are signed out." in page_text(response)
    assert client.get_cookie("remember_token") is None
    assert client.get("/profiles/manage").status_code == 302


def test_login_starts_a_fresh_session(client, auth):
    auth.signup()
    auth.logout()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login()
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil",
    ],
)
def test_next_never_leaves_the_site(client, auth, target):
    auth.signup()
    auth.logout()
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"email": "viewer@example.com", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/profiles/"


def test_next_inside_the_site_is_followed_after_choosing(app, client, auth):
    auth.signup()
    auth.logout()
    response = client.post(
        "/auth/login",
        query_string={"next": "/browse/genres"},
        data={"email": "viewer@example.com", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/profiles/?next=/browse/genres"
    with app.app_context():
        profile_id = account_by_email("viewer@example.com").profiles[0].id
    response = client.post(f"/profiles/{profile_id}/choose?next=/browse/genres")
    assert response.headers["Location"] == "/browse/genres"


def test_forms_need_csrf_tokens(csrf_app):
    client = csrf_app.test_client()
    response = client.post(
        "/auth/signup", data={"email": "x@example.com", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert response.status_code == 400
    assert "Form expired" in page_text(response)
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'name="csrf_token"' in page


def test_production_hashes_passwords_with_scrypt():
    from webapp.models import Account

    account = Account(email="x@example.com")
    account.set_password("correct horse 42")
    assert account.password_hash.startswith("scrypt:")
    assert account.check_password("correct horse 42")
