"""Sign-in and sign-up: rate limited, no user enumeration, no session fixation."""

import hashlib
import re

import pytest

from tests.conftest import BACKENDS, AuthActions, _make_app
from webapp.config import Config
from webapp.extensions import db


@pytest.fixture(params=BACKENDS)
def limited_app(request, templates, tmp_path):
    """The app with rate limiting on, as in production."""
    yield from _make_app(request, templates, tmp_path, seeded=False, RATELIMIT_ENABLED=True)


def _per_minute(limit: str) -> int:
    return int(limit.split(" per minute")[0])


def test_sign_in_is_refused_with_a_clear_page_after_too_many_attempts(limited_app):
    client = limited_app.test_client()
    AuthActions(client).signup()
    client.post("/auth/logout")
    allowed = _per_minute(Config.LOGIN_RATE_LIMIT)
    for _ in range(allowed):
        wrong = client.post(
            "/auth/login", data={"email": "viewer@example.com", "password": "nope nope 1"}
        )
        assert wrong.status_code == 400
    blocked = client.post(
        "/auth/login", data={"email": "viewer@example.com", "password": "correct horse 42"}
    )
    assert blocked.status_code == 429
    page = blocked.get_data(as_text=True)
    assert "Too many attempts" in page and "wait a minute" in page
    assert blocked.headers.get("Retry-After")
    # Reading the form is never limited; the right password still waits its turn.
    assert client.get("/auth/login").status_code == 200
    assert client.get("/profiles/").status_code == 302


def test_sign_up_is_rate_limited(limited_app):
    client = limited_app.test_client()
    statuses = [
        client.post("/auth/signup", data={"email": "not-an-email", "password": "x"}).status_code
        for _ in range(_per_minute(Config.SIGNUP_RATE_LIMIT) + 1)
    ]
    assert statuses[:-1] == [400] * _per_minute(Config.SIGNUP_RATE_LIMIT)
    assert statuses[-1] == 429


def test_limits_are_off_in_the_test_configuration(client):
    for _ in range(_per_minute(Config.LOGIN_RATE_LIMIT) + 2):
        answer = client.post("/auth/login", data={"email": "a@example.com", "password": "b"})
        assert answer.status_code == 400


def test_unknown_email_and_wrong_password_read_the_same(client, auth):
    auth.signup()
    auth.logout()
    unknown = auth.login(email="nobody@example.com", password="correct horse 42")
    wrong = auth.login(password="wrong horse 42")
    assert unknown.status_code == wrong.status_code == 400

    def page(response):
        text = response.get_data(as_text=True).replace("nobody@example.com", "viewer@example.com")
        # CSRF tokens carry a timestamp; everything else must match.
        return re.sub(r'"[\w-]{20,}\.[\w-]+\.[\w-]+"', '"token"', text)

    assert page(unknown) == page(wrong)


def test_the_session_cookie_changes_at_sign_in_and_planted_values_are_dropped(client, auth):
    auth.signup()
    auth.logout()
    client.get("/auth/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["profile_id"] = 1
    before = client.get_cookie("session").value
    response = auth.login(follow=False)
    assert response.status_code == 302
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session and "profile_id" not in session
        assert session.get("_user_id")


def test_passwords_are_stored_hashed(app, auth):
    auth.signup()
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import Account

    with app.app_context():
        stored = db.session.scalar(select(Account.password_hash))
    assert "correct horse 42" not in stored and stored.startswith(("pbkdf2:", "scrypt:"))


def test_every_failed_sign_in_costs_one_password_hash(app, client, auth, monkeypatch):
    """An unknown email, or an account without a password, answers after the same work as
    a wrong password: nothing in how long it takes says which emails have accounts."""
    from webapp.models import Account

    auth.signup(email="known@example.com")
    auth.logout()
    with app.app_context():
        db.session.add(Account(email="imported@example.com", password_hash="!"))
        db.session.commit()
    hashes = []
    real = hashlib.pbkdf2_hmac

    def counted(*args, **kwargs):
        hashes.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counted)
    for email in ("known@example.com", "nobody@example.com", "imported@example.com"):
        hashes.clear()
        answer = auth.login(email=email, password="not the password 1")
        assert answer.status_code == 400
        assert len(hashes) == 1, email
