"""Creating accounts and checking credentials, shared by the forms and the CLI."""

import re
import secrets

import email_validator
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Account

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
# A password anyone would try first is refused whatever its length.
COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password123",
        "1234567890",
        "qwertyuiop",
        "letmein123",
        "iloveyou12",
        "marquee123",
        "welcome123",
        "abc1234567",
        "0123456789",
        "passw0rd12",
    }
)

# The demo logins live under marquee.local; "local" is a special-use name that
# email_validator refuses unless taken off its documented list.
if "local" in email_validator.SPECIAL_USE_DOMAIN_NAMES:
    email_validator.SPECIAL_USE_DOMAIN_NAMES.remove("local")


class AccountError(ValueError):
    """Input that cannot make an account; the message is safe to show."""


def normalize_email(email: str) -> str:
    """The canonical form of an address, or AccountError."""
    try:
        result = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise AccountError("Enter a valid email address.") from exc
    return result.normalized.lower()


def password_problem(password: str) -> str | None:
    """Why a password is too weak, or None."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return "That password is too easy to guess."
    if not re.search(r"[A-Za-z]", password) or not re.search(r"[^A-Za-z]", password):
        return "Mix letters with digits, spaces or symbols."
    return None


def find_account(email: str) -> Account | None:
    try:
        normalized = normalize_email(email)
    except AccountError:
        return None
    return db.session.scalar(select(Account).where(func.lower(Account.email) == normalized))


def register_account(email: str, password: str, *, is_admin: bool = False) -> Account:
    """Create an account (not committed). Raises AccountError on bad input or a taken email."""
    normalized = normalize_email(email)
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    if find_account(normalized) is not None:
        raise AccountError("An account with that email already exists. Sign in instead.")
    account = Account(email=normalized, is_admin=is_admin, session_token=secrets.token_hex(8))
    account.set_password(password)
    db.session.add(account)
    return account


def authenticate(email: str, password: str) -> Account | None:
    """The account for these credentials, or None without saying which part was wrong."""
    account = find_account(email)
    if account is not None and "$" in account.password_hash:
        return account if account.check_password(password or "") else None
    # No account, or one that cannot sign in (imported viewers have no password):
    # hash anyway, so that the answer takes as long as a wrong password's.
    Account(email="", password_hash="").set_password(password or "x")
    return None


def create_or_promote_admin(email: str, password: str) -> tuple[Account, bool]:
    """Make an admin: a new account, or an existing one promoted (password unchanged)."""
    account = find_account(email)
    if account is not None:
        account.is_admin = True
        db.session.commit()
        return account, False
    account = register_account(email, password, is_admin=True)
    db.session.commit()
    return account, True
