"""Forgot password: a mailed link that expires and works once, the same answer for any
address, a rate limit, and every device signed out after the reset."""

import re
from email import policy
from email.parser import BytesParser

import pytest
from itsdangerous import URLSafeTimedSerializer

from tests.conftest import make_config
from tests.webapp.catalog_factory import PASSWORD, make_account, page_text
from webapp import create_app
from webapp.auth.reset import SALT
from webapp.mail import mail_dir

EMAIL = "viewer@example.com"
NEW_PASSWORD = "brand new horse 7"


@pytest.fixture
def viewer(app):
    with app.app_context():
        _, (profile,) = make_account(EMAIL, [{"name": "Viewer", "onboarded": True}])
    return profile


def _mails(app) -> list:
    with app.app_context():
        folder = mail_dir()
    files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime) if folder.exists() else []
    return [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in files]


def _link(message) -> str:
    body = message.get_body().get_content()
    return re.search(r"http://localhost(/auth/reset/\S+)", body).group(1)


def _signed_in(app, password, profile) -> object:
    client = app.test_client()
    client.post("/auth/login", data={"email": EMAIL, "password": password})
    client.post(f"/profiles/{profile}/choose")
    return client


def test_the_answer_is_the_same_for_a_member_and_a_stranger(app, client, viewer):
    answers = []
    for email in (EMAIL, "nobody@example.com", "VIEWER@example.com"):
        response = client.post("/auth/forgot", data={"email": email}, follow_redirects=True)
        answers.append((response.status_code, page_text(response).count("on its way")))
    assert answers == [(200, 1)] * 3
    mails = _mails(app)
    assert [m["To"] for m in mails] == [EMAIL, EMAIL]
    assert mails[0]["Subject"] == "Reset your Marquee password"


def test_a_reset_link_sets_the_password_once_and_signs_out_every_device(app, client, viewer):
    other_device = _signed_in(app, PASSWORD, viewer)
    assert other_device.get("/my-list").status_code == 200
    client.post("/auth/forgot", data={"email": EMAIL})
    link = _link(_mails(app)[-1])
    page = client.get(link)
    assert page.status_code == 200 and EMAIL in page_text(page)

    weak = client.post(link, data={"password": "short1"})
    assert weak.status_code == 400 and "Use at least 10 characters." in page_text(weak)
    done = client.post(link, data={"password": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/auth/login"

    assert other_device.get("/my-list").status_code == 302
    assert _signed_in(app, NEW_PASSWORD, viewer).get("/my-list").status_code == 200
    assert _signed_in(app, PASSWORD, viewer).get("/my-list").status_code == 302
    again = client.post(link, data={"password": "another new horse 8"})
    assert again.status_code == 302 and again.headers["Location"] == "/auth/forgot"
    assert _signed_in(app, NEW_PASSWORD, viewer).get("/my-list").status_code == 200


@pytest.mark.parametrize("token", ["nonsense", "a" * 500, "x.y.z"])
def test_a_bad_link_is_sent_to_ask_again(client, viewer, token):
    response = client.get(f"/auth/reset/{token}", follow_redirects=True)
    assert response.status_code == 200
    assert "expired or was already used" in page_text(response)


def test_an_expired_link_is_refused(app, client, viewer):
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    client.post("/auth/forgot", data={"email": EMAIL})
    response = client.get(_link(_mails(app)[-1]))
    assert response.status_code == 302 and response.headers["Location"] == "/auth/forgot"


def test_a_link_signed_with_another_key_is_refused(app, client, viewer):
    forged = URLSafeTimedSerializer("not-the-secret", salt=SALT).dumps({"a": 1, "p": "x"})
    response = client.get(f"/auth/reset/{forged}")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/forgot"


def test_an_empty_address_is_a_400_with_a_message(client):
    response = client.post("/auth/forgot", data={"email": ""})
    assert response.status_code == 400 and "Enter your email address." in page_text(response)


def test_the_link_uses_the_configured_site_address(app, client, viewer):
    app.config["SITE_URL"] = "https://watch.example.org/"
    client.post("/auth/forgot", data={"email": EMAIL}, headers={"Host": "evil.example"})
    body = _mails(app)[-1].get_body().get_content()
    assert "https://watch.example.org/auth/reset/" in body and "evil.example" not in body


def test_asking_for_links_is_rate_limited(tmp_path, templates):
    instance = tmp_path / "limited"
    instance.mkdir()
    url, cleanup = templates.clone("sqlite", False, instance)
    try:
        app = create_app(
            make_config(
                instance,
                url,
                RATELIMIT_ENABLED=True,
                RATELIMIT_STORAGE_URI="memory://",
                PASSWORD_RESET_RATE_LIMIT="2 per minute",
            )
        )
        client = app.test_client()
        codes = [
            client.post("/auth/forgot", data={"email": f"n{i}@example.com"}).status_code
            for i in range(3)
        ]
        assert codes == [302, 302, 429]
    finally:
        cleanup()
