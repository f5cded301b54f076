"""Password reset by email: a signed link that expires and works once.

The token carries the account id and a fingerprint of the current password
hash, signed with the app's secret (itsdangerous). Setting a new password
changes the hash, so every link sent before, used or not, stops working. The
mail goes out only when the address has an account; the page says the same
either way, so it never tells a stranger who is a member.
"""

import hashlib

from flask import current_app, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from webapp.auth.accounts import find_account
from webapp.auth.lockout import PASSWORD, forget
from webapp.auth.sessions import revoke_all
from webapp.extensions import db
from webapp.mail import send_mail
from webapp.models import Account

SALT = "marquee.password-reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _fingerprint(account: Account) -> str:
    return hashlib.sha256(account.password_hash.encode()).hexdigest()[:20]


def make_token(account: Account) -> str:
    return _serializer().dumps({"a": account.id, "p": _fingerprint(account)})


def account_for_token(token: str) -> Account | None:
    """The account a live, unused link was made for; None when it is bad, old or spent."""
    if not token or len(token) > 400:
        return None
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return None
    account = db.session.get(Account, data["a"])
    if account is None or data.get("p") != _fingerprint(account):
        return None
    return account


def reset_link(token: str) -> str:
    """The link in the mail, on SITE_URL when set (never on a Host header a stranger chose)."""
    path = url_for("auth.reset_password", token=token)
    base = current_app.config["SITE_URL"] or request.url_root
    return base.rstrip("/") + path


def send_reset_mail(email: str) -> None:
    """Mail a reset link when an account uses this address; nothing otherwise."""
    account = find_account(email)
    if account is None:
        return
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    send_mail(
        account.email,
        "Reset your Marquee password",
        "Someone (we hope you) asked to reset the password of this Marquee account.\n\n"
        f"Choose a new password here:\n{reset_link(make_token(account))}\n\n"
        f"The link works once, for {minutes} minutes. Setting a new password signs out "
        "every device signed in to the account.\n\n"
        "If you did not ask, ignore this mail: your password stays as it is.\n",
    )


def set_new_password(account: Account, password: str) -> None:
    """Set the password (committed), then end every sign-in session and past wrong guesses."""
    account.set_password(password)
    db.session.commit()
    revoke_all(account.id)
    forget(account.id, PASSWORD)
