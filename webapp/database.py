"""Engine tuning per database backend, and transactions that survive losing a deadlock."""

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from webapp.extensions import db

log = logging.getLogger(__name__)
T = TypeVar("T")

# serialization_failure and deadlock_detected: PostgreSQL rolled the transaction
# back only because a concurrent one raced it; the same work again is safe.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers go on while a writer commits; the busy timeout makes
    # concurrent gunicorn workers wait for the write lock instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask) -> None:
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def lost_a_race(error: BaseException) -> bool:
    """True when the database undid a transaction to break a deadlock or a serialization clash."""
    if not isinstance(error, DBAPIError):
        return False
    orig = error.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return code in RETRYABLE_SQLSTATES


def commit_with_retries(work: Callable[[], T]) -> T:
    """Run `work` in the session and commit; run it again from scratch when it lost a race.

    Each failed try is rolled back whole before the next, so nothing it wrote
    survives twice. Tries are bounded (DATABASE_RETRY_ATTEMPTS) and spaced by a
    random pause that doubles each time, so the racers do not collide again in step.
    Any other error, an unreachable database above all, is raised at once.
    """
    attempts = max(1, int(current_app.config["DATABASE_RETRY_ATTEMPTS"]))
    backoff = float(current_app.config["DATABASE_RETRY_BACKOFF"])
    attempt = 1
    while True:
        try:
            result = work()
            db.session.commit()
            return result
        except Exception as exc:
            db.session.rollback()
            if attempt >= attempts or not lost_a_race(exc):
                raise
            log.info("transaction lost a race (try %d of %d): %s", attempt, attempts, exc.orig)
            time.sleep(random.uniform(0, backoff * 2 ** (attempt - 1)))
            attempt += 1
