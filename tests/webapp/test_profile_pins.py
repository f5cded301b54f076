"""PIN-locked profiles: no change without the PIN or the account password, and guessing is slow.

Wrong answers are counted in the database per account and profile, so neither
a replayed session cookie nor a fresh sign-in buys more guesses.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.conftest import BACKENDS, AuthActions, _make_app
from tests.webapp.catalog_factory import PASSWORD, make_account, page_text
from webapp.extensions import db
from webapp.models import Profile

EMAIL = "family@example.com"
# Config's defaults: five wrong answers lock a PIN for five minutes.
TRIES = 5
LOCKED = "Too many wrong PINs. Try again in 5 minutes."


@pytest.fixture
def family(app):
    """Parent (PIN 4821), Kid (kids profile, no PIN) and Guest (grown-up, no PIN)."""
    with app.app_context():
        _, (parent, kid, guest) = make_account(
            EMAIL,
            [
                {"name": "Parent", "pin": "4821"},
                {"name": "Kid", "is_kids": True, "maturity_limit": 7},
                {"name": "Guest"},
            ],
        )
    return {"parent": parent, "kid": kid, "guest": guest}


def _form(**overrides):
    data = {"name": "Parent", "avatar_color": "#e50914", "maturity_limit": "18", "pin": ""}
    data.update(overrides)
    return data


def _profile(app, profile_id) -> Profile | None:
    with app.app_context():
        profile = db.session.get(Profile, profile_id)
        if profile is not None:
            db.session.expunge(profile)
        return profile


def _opens(app, profile_id, pin) -> bool:
    """Does this PIN open the profile? Checked on a fresh browser, uncounted."""
    with app.app_context():
        return db.session.get(Profile, profile_id).check_pin(pin)


def _signed_in(app, *, as_profile=None, pin=None):
    client = app.test_client()
    auth = AuthActions(client)
    auth.login(EMAIL, PASSWORD)
    if as_profile is not None:
        auth.choose_profile(as_profile, pin=pin)
    return client, auth


@pytest.mark.parametrize("active", [None, "guest"])
def test_a_locked_profiles_pin_cannot_be_replaced_without_the_pin(app, family, active):
    client, auth = _signed_in(app, as_profile=family.get(active))
    parent = family["parent"]
    assert client.get(f"/profiles/{parent}/edit").status_code == 200
    response = client.post(f"/profiles/{parent}/edit", data=_form(pin="1111"))
    assert response.status_code == 403
    assert "Enter Parent's PIN or the account password to change this profile." in page_text(
        response
    )
    assert _opens(app, parent, "4821") and not _opens(app, parent, "1111")

    response = client.post(
        f"/profiles/{parent}/edit", data=_form(remove_pin="y", current_secret="1234")
    )
    assert response.status_code == 403
    assert "That PIN or password is not right. Nothing was changed." in page_text(response)
    assert _profile(app, parent).has_pin

    assert "Current PIN or account password" in page_text(client.get(f"/profiles/{parent}/edit"))
    # The new PIN does not open the profile for whoever tried to set it.
    chosen = auth.choose_profile(parent, pin="1111")
    assert chosen.status_code == 403
    with client.session_transaction() as session:
        assert session.get("profile_id") != parent


@pytest.mark.parametrize(
    "change",
    [
        {"name": "Renamed"},
        {"maturity_limit": "7"},
        {"is_kids": "y", "maturity_limit": "7"},
        {"avatar_color": "#3498db"},
    ],
)
def test_no_field_of_a_locked_profile_changes_without_the_pin(app, family, change):
    client, _ = _signed_in(app, as_profile=family["guest"])
    parent = family["parent"]
    response = client.post(f"/profiles/{parent}/edit", data=_form(**change))
    assert response.status_code == 403
    kept = _profile(app, parent)
    assert (kept.name, kept.maturity_limit, kept.is_kids, kept.avatar_color) == (
        "Parent",
        18,
        False,
        "#e50914",
    )


@pytest.mark.parametrize("secret", ["4821", PASSWORD])
def test_the_pin_or_the_account_password_allows_the_change(app, family, secret):
    client, _ = _signed_in(app)
    parent = family["parent"]
    response = client.post(
        f"/profiles/{parent}/edit",
        data=_form(name="Mum", pin="2468", current_secret=secret),
        follow_redirects=True,
    )
    assert "Profile Mum saved." in page_text(response)
    assert _profile(app, parent).name == "Mum"
    assert _opens(app, parent, "2468") and not _opens(app, parent, "4821")


def test_a_locked_profile_is_deleted_only_with_its_pin_or_the_password(app, family):
    client, _ = _signed_in(app, as_profile=family["guest"])
    parent = family["parent"]
    for answer in ({}, {"current_secret": "0000"}):
        response = client.post(f"/profiles/{parent}/delete", data=answer)
        assert response.status_code == 403
        assert _profile(app, parent) is not None
    assert "PIN or account password" in page_text(client.get(f"/profiles/{parent}/delete"))
    response = client.post(
        f"/profiles/{parent}/delete", data={"current_secret": PASSWORD}, follow_redirects=True
    )
    assert "Profile Parent deleted." in page_text(response)
    assert _profile(app, parent) is None


@pytest.mark.parametrize(
    ("loosened", "after"),
    [
        ({"is_kids": "y", "maturity_limit": "12"}, (12, True)),
        ({"maturity_limit": "7"}, (7, False)),  # the kids box left unticked
    ],
    ids=["higher-limit", "kids-off"],
)
def test_loosening_a_kids_profile_needs_the_account_password(app, family, loosened, after):
    """Signed in at "Who's watching?", a child cannot lift their own profile's limits."""
    client, _ = _signed_in(app)
    kid = family["kid"]
    data = _form(name="Kid", **loosened)
    response = client.post(f"/profiles/{kid}/edit", data=data)
    assert response.status_code == 403
    assert "Enter the account password to raise Kid's maturity limit" in page_text(response)
    kept = _profile(app, kid)
    assert (kept.maturity_limit, kept.is_kids) == (7, True)

    # A PIN is not enough where there is none: only the account password is.
    response = client.post(f"/profiles/{kid}/edit", data={**data, "current_secret": "4821"})
    assert response.status_code == 403
    response = client.post(f"/profiles/{kid}/edit", data={**data, "current_secret": PASSWORD})
    assert response.status_code == 302
    changed = _profile(app, kid)
    assert (changed.maturity_limit, changed.is_kids) == after


def test_tightening_a_profile_needs_no_secret(app, family):
    client, _ = _signed_in(app, as_profile=family["guest"])
    guest = family["guest"]
    response = client.post(f"/profiles/{guest}/edit", data=_form(name="Guest", maturity_limit="16"))
    assert response.status_code == 302
    assert _profile(app, guest).maturity_limit == 16


@pytest.mark.parametrize(
    ("action", "data"),
    [("pause", {"paused": "1"}), ("delete", {"confirm": "y"})],
)
def test_a_locked_profiles_history_changes_only_with_its_pin(app, family, action, data):
    client, _ = _signed_in(app, as_profile=family["guest"])
    parent = family["parent"]
    url = f"/account/profiles/{parent}/history/{action}"
    response = client.post(url, data=data)
    assert response.status_code == 403
    assert "Enter Parent's PIN or the account password" in page_text(response)
    assert not _profile(app, parent).history_paused
    page = page_text(client.get("/account/privacy"))
    assert "Parent's PIN or the account password" in page
    response = client.post(url, data={**data, "current_secret": "4821"})
    assert response.status_code == 302
    assert _profile(app, parent).history_paused == (action == "pause")


def test_wrong_answers_on_the_edit_form_count_toward_the_pin_lockout(app, family):
    client, auth = _signed_in(app)
    parent = family["parent"]
    for _ in range(TRIES):
        response = client.post(
            f"/profiles/{parent}/edit", data=_form(pin="1111", current_secret="0000")
        )
        assert response.status_code == 403
    response = client.post(
        f"/profiles/{parent}/edit", data=_form(pin="1111", current_secret="4821")
    )
    assert response.status_code == 403 and LOCKED in page_text(response)
    assert _opens(app, parent, "4821")
    chosen = auth.choose_profile(parent, pin="4821")
    assert chosen.status_code == 403 and LOCKED in page_text(chosen)


def test_replaying_the_cookie_from_before_the_first_wrong_pin_gets_no_more_guesses(app, family):
    client, auth = _signed_in(app)
    parent = family["parent"]
    fresh = client.get_cookie("session").value
    for _ in range(TRIES):
        client.set_cookie("session", fresh)
        assert auth.choose_profile(parent, pin="1111").status_code == 403
    client.set_cookie("session", fresh)
    response = auth.choose_profile(parent, pin="4821")
    assert response.status_code == 403
    assert LOCKED in page_text(response)
    with client.session_transaction() as session:
        assert "profile_id" not in session


def test_signing_in_again_does_not_reset_the_count(app, family):
    _, auth = _signed_in(app)
    parent = family["parent"]
    for _ in range(TRIES):
        auth.choose_profile(parent, pin="1111")
    auth.logout()
    auth.login(EMAIL, PASSWORD)
    _, elsewhere = _signed_in(app)  # another browser, too
    for browser in (auth, elsewhere):
        response = browser.choose_profile(parent, pin="4821")
        assert response.status_code == 403 and LOCKED in page_text(response)


def test_a_right_pin_resets_the_count(app, family):
    client, auth = _signed_in(app)
    parent = family["parent"]
    for _ in range(2):
        for _ in range(TRIES - 1):
            assert auth.choose_profile(parent, pin="1111").status_code == 403
        assert auth.choose_profile(parent, pin="4821").status_code == 200
        with client.session_transaction() as session:
            assert session["profile_id"] == parent
            session.pop("profile_id")


def test_the_lockout_ends_after_its_window(app, family):
    _, auth = _signed_in(app)
    parent = family["parent"]
    for _ in range(TRIES):
        auth.choose_profile(parent, pin="1111")
    assert LOCKED in page_text(auth.choose_profile(parent, pin="4821"))
    # Move the failures back past the window rather than waiting for it.
    from webapp.models import SecretFailure

    with app.app_context():
        window = timedelta(seconds=app.config["PIN_LOCKOUT_SECONDS"] + 1)
        db.session.execute(
            update(SecretFailure).values(last_failed_at=SecretFailure.last_failed_at - window)
        )
        db.session.commit()
    assert auth.choose_profile(parent, pin="4821").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(SecretFailure)) is None


def test_one_profiles_lockout_leaves_the_others_open(app, family):
    with app.app_context():
        profile = db.session.get(Profile, family["guest"])
        profile.set_pin("1357")
        db.session.commit()
    _, auth = _signed_in(app)
    for _ in range(TRIES):
        auth.choose_profile(family["parent"], pin="1111")
    assert auth.choose_profile(family["guest"], pin="1357").status_code == 200


@pytest.fixture(params=BACKENDS)
def strict_app(request, templates, tmp_path):
    """Stricter PIN settings, as an operator may set them on Config."""
    yield from _make_app(
        request, templates, tmp_path, seeded=False, PIN_MAX_FAILURES=2, PIN_LOCKOUT_SECONDS=900
    )


def test_the_limits_come_from_the_configuration(strict_app):
    app = strict_app
    with app.app_context():
        _, (parent,) = make_account(EMAIL, [{"name": "Parent", "pin": "4821"}])
    _, auth = _signed_in(app)
    for _ in range(2):
        assert auth.choose_profile(parent, pin="1111").status_code == 403
    response = auth.choose_profile(parent, pin="4821")
    assert "Too many wrong PINs. Try again in 15 minutes." in page_text(response)


def test_unlocking_from_a_kids_profile_shares_the_same_count(app, family):
    client, auth = _signed_in(app, as_profile=family["kid"])
    parent = family["parent"]
    for _ in range(TRIES):
        wrong = client.post(f"/profiles/{parent}/unlock", data={"pin": "1111"})
        assert wrong.status_code == 403 and "That PIN is not right." in page_text(wrong)
    refused = client.post(f"/profiles/{parent}/unlock", data={"pin": "4821"})
    assert refused.status_code == 403 and LOCKED in page_text(refused)
    assert client.get(f"/profiles/{parent}/edit").status_code == 403
    assert LOCKED in page_text(auth.choose_profile(parent, pin="4821"))
