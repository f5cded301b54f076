"""Wrong PINs and passwords counted in the database, so that guessing one is slow everywhere.

Each secret ("password", or "pin:<profile id>") of an account has one row. An
attempt is counted before the secret is checked, in one UPDATE, so parallel
requests from any worker or host cannot slip extra guesses past the limit; a
right answer deletes the row. PIN_MAX_FAILURES failures lock the secret for
PIN_LOCKOUT_SECONDS after the last one; after that the count starts over.
"""

import math
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, delete, not_, select, update
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import SecretFailure
from webapp.models.base import utcnow

PASSWORD = "password"


class LockedOut(Exception):
    """Too many wrong answers lately; `minutes` until the next try is allowed."""

    def __init__(self, minutes: int):
        super().__init__(f"locked for {minutes} minutes")
        self.minutes = minutes


def pin_secret(profile_id: int) -> str:
    return f"pin:{profile_id}"


def _limits() -> tuple[int, timedelta]:
    cfg = current_app.config
    return cfg["PIN_MAX_FAILURES"], timedelta(seconds=cfg["PIN_LOCKOUT_SECONDS"])


def _key(account_id: int, secret: str):
    return and_(SecretFailure.account_id == account_id, SecretFailure.secret == secret)


def _count_one(account_id: int, secret: str, now: datetime) -> bool:
    """Count an attempt unless the secret is locked; False when it is locked."""
    most, lockout = _limits()
    forgotten = now - lockout
    for _ in range(2):
        counted = db.session.execute(
            update(SecretFailure)
            .where(
                _key(account_id, secret),
                not_(
                    and_(
                        SecretFailure.failures >= most,
                        SecretFailure.last_failed_at > forgotten,
                    )
                ),
            )
            .values(
                failures=case(
                    (SecretFailure.last_failed_at <= forgotten, 1),
                    else_=SecretFailure.failures + 1,
                ),
                last_failed_at=now,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if counted:
            db.session.commit()
            return True
        found = db.session.scalar(select(SecretFailure.failures).where(_key(account_id, secret)))
        if found is not None:
            db.session.rollback()
            return False
        db.session.add(
            SecretFailure(account_id=account_id, secret=secret, failures=1, last_failed_at=now)
        )
        try:
            db.session.commit()
            return True
        except IntegrityError:
            # Another request made the row first: count on it.
            db.session.rollback()
    return False


def minutes_locked(account_id: int, secret: str) -> int:
    """Whole minutes (at least 1) until the secret may be tried again, or 0."""
    most, lockout = _limits()
    row = db.session.execute(
        select(SecretFailure.failures, SecretFailure.last_failed_at).where(_key(account_id, secret))
    ).first()
    if row is None or row.failures < most:
        return 0
    left = (row.last_failed_at + lockout - utcnow()).total_seconds()
    return max(1, math.ceil(left / 60)) if left > 0 else 0


def attempt(account_id: int, secret: str, check: Callable[[], bool]) -> bool:
    """Run `check` as one counted try at a secret; LockedOut when tries are used up.

    Commits the database session: call it before changing anything else.
    """
    if not _count_one(account_id, secret, utcnow()):
        raise LockedOut(minutes_locked(account_id, secret) or 1)
    if not check():
        return False
    forget(account_id, secret)
    return True


def forget(account_id: int, secret: str) -> None:
    """Clear a secret's failures (committed): a right answer, or the secret is gone."""
    db.session.execute(
        delete(SecretFailure)
        .where(_key(account_id, secret))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
