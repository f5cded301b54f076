"""A storage for the `limits` package kept in the site's own database: "database://".

Every gunicorn worker of a host (and every host on one PostgreSQL) then counts
the same hits, with nothing to install beyond Python. A counter is one row of
`rate_limits` bumped by a single upsert, which the database applies atomically
however many workers hit it at once. Counters use their own short transactions
on the engine of the app serving the request, apart from the request's
session, so a request that rolls back still counts, and each app counts in its
own database even when one process holds several (as tests do).

Only the fixed-window strategy (Flask-Limiter's default) is supported.
"""

import threading
import time
from typing import ClassVar

from limits.storage import Storage
from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from webapp.extensions import db
from webapp.models import RateLimitCounter

SCHEME = "database"
PRUNE_EVERY_SECONDS = 60.0

table = RateLimitCounter.__table__


class DatabaseStorage(Storage):
    """Fixed-window counters in the `rate_limits` table of the current app's database."""

    STORAGE_SCHEME: ClassVar[list[str]] = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        self._next_prune = 0.0
        self._prune_lock = threading.Lock()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def engine(self) -> Engine:
        """The engine of the app serving the request."""
        return db.engine

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's count, starting a new window if the last one ended."""
        now = time.time()
        engine = self.engine
        dialect = sqlite if engine.dialect.name == "sqlite" else postgresql
        stmt = dialect.insert(table).values(key=key, count=amount, expires_at=now + expiry)
        ended = table.c.expires_at <= now
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case((ended, amount), else_=table.c.count + amount),
                "expires_at": case((ended, now + expiry), else_=table.c.expires_at),
            },
        ).returning(table.c.count)
        with engine.begin() as conn:
            count = conn.execute(stmt).scalar_one()
        self._prune(now)
        return count

    def get(self, key: str) -> int:
        with self.engine.connect() as conn:
            count = conn.scalar(
                select(table.c.count).where(table.c.key == key, table.c.expires_at > time.time())
            )
        return count or 0

    def get_expiry(self, key: str) -> float:
        with self.engine.connect() as conn:
            expires_at = conn.scalar(select(table.c.expires_at).where(table.c.key == key))
        return expires_at if expires_at is not None else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.scalar(select(func.count()).select_from(table).where(table.c.key == ""))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            return conn.execute(delete(table)).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(table).where(table.c.key == key))

    def _prune(self, now: float) -> None:
        """Drop ended windows now and then, so clients seen once do not pile up."""
        if now < self._next_prune or not self._prune_lock.acquire(blocking=False):
            return
        try:
            self._next_prune = now + PRUNE_EVERY_SECONDS
            with self.engine.begin() as conn:
                conn.execute(delete(table).where(table.c.expires_at <= now))
        finally:
            self._prune_lock.release()
