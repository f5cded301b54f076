"""Sign-in sessions kept in the database, so that signing out ends a session on the server.

The signed session cookie and the remember-me cookie carry only a session's id;
the user loader accepts it while its row exists, is not revoked and was seen
recently. Revoking rows is how every kind of sign-out works.
"""

import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, or_, select, update

from webapp.extensions import db
from webapp.models import Account, SignInSession
from webapp.models.base import utcnow

BROWSERS = (
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/")),
    ("Safari", re.compile(r"Safari/")),
)
SYSTEMS = (
    ("Android", re.compile(r"Android")),
    ("iOS", re.compile(r"iPhone|iPad|iPod")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("Linux", re.compile(r"Linux|X11")),
)


def describe_user_agent(user_agent: str | None) -> str:
    """A short "Browser on System" for the account page; never the full string."""
    agent = (user_agent or "")[:512]
    browser = next((name for name, pattern in BROWSERS if pattern.search(agent)), None)
    system = next((name for name, pattern in SYSTEMS if pattern.search(agent)), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"


def _idle_limit() -> timedelta:
    """A session unseen for longer than any cookie could keep it is over."""
    cfg = current_app.config
    longest = max(cfg["REMEMBER_COOKIE_DURATION"], cfg["PERMANENT_SESSION_LIFETIME"], key=_seconds)
    return timedelta(seconds=_seconds(longest))


def _seconds(value) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def start_session(account: Account, user_agent: str | None) -> SignInSession:
    """A new session for this sign-in (committed), after dropping the account's dead ones."""
    now = utcnow()
    db.session.execute(
        delete(SignInSession).where(
            SignInSession.account_id == account.id,
            or_(
                SignInSession.revoked_at.is_not(None),
                SignInSession.last_seen_at < now - _idle_limit(),
            ),
        )
    )
    row = SignInSession(
        id=secrets.token_urlsafe(32),
        account_id=account.id,
        created_at=now,
        last_seen_at=now,
        user_agent=describe_user_agent(user_agent),
    )
    db.session.add(row)
    db.session.commit()
    account.sign_in_session = row
    return row


# Built once: every request runs it, and building a statement costs more than running it.
_LIVE = (
    select(SignInSession, Account)
    .join(Account, Account.id == SignInSession.account_id)
    .where(SignInSession.id == bindparam("session_id"))
)


def live_account(session_id: str) -> Account | None:
    """The account of the session with this id if it may still be used; notes that it was seen.

    One query reads the session and its account together: this runs on every request.
    The account carries the session as `sign_in_session`.
    """
    if not session_id or len(session_id) > 64:
        return None
    found = db.session.execute(_LIVE, {"session_id": session_id}).first()
    if found is None:
        return None
    row, account = found
    now = utcnow()
    if row.revoked_at is not None or row.last_seen_at < now - _idle_limit():
        return None
    # Write at most once per interval: most requests only read.
    if now - row.last_seen_at > timedelta(seconds=current_app.config["SIGN_IN_SEEN_INTERVAL"]):
        row.last_seen_at = now
        db.session.commit()
    account.sign_in_session = row
    return account


def revoke(session_id: str | None) -> None:
    """End one session (committed); an unknown id is already over."""
    if session_id:
        db.session.execute(
            update(SignInSession)
            .where(SignInSession.id == session_id, SignInSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        db.session.commit()


def revoke_all(account_id: int, *, keep: str | None = None) -> int:
    """End every session of an account but `keep` (committed); how many were ended."""
    query = update(SignInSession).where(
        SignInSession.account_id == account_id, SignInSession.revoked_at.is_(None)
    )
    if keep:
        query = query.where(SignInSession.id != keep)
    ended = db.session.execute(query.values(revoked_at=utcnow())).rowcount
    db.session.commit()
    return ended


def open_sessions(account_id: int) -> list[SignInSession]:
    """The account's sessions that are still on, newest first."""
    return list(
        db.session.scalars(
            select(SignInSession)
            .where(
                SignInSession.account_id == account_id,
                SignInSession.revoked_at.is_(None),
                SignInSession.last_seen_at >= utcnow() - _idle_limit(),
            )
            .order_by(SignInSession.last_seen_at.desc())
        )
    )
