"""Per-app caches, and the one "catalog changed" signal that empties them everywhere.

Each app (so each gunicorn worker) holds its caches in `app.extensions`, as
cachetools caches behind one lock. Catalog edits, imports and deletions send
`catalog_changed` before they commit; its receiver bumps the one row of
`catalog_generation` in the same transaction. The first cache use of each
request reads that row (a primary-key read) and, when the number moved,
empties the caches built from the catalog. A database row rather than an
in-process message, because workers and hosts share nothing but the database:
the edit and the bump commit or roll back together, and no worker can miss it.

Caches whose keys already hold everything they are made from (card markup,
report files by modification time, facts about the schema) need no emptying;
they are reached through `app_caches()` without the read.
"""

import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from cachetools import LRUCache, TTLCache
from flask import Flask, current_app, g
from flask.signals import Namespace
from sqlalchemy import insert, select, update

from webapp.extensions import db
from webapp.models.catalog import CatalogGeneration

EXTENSION = "marquee_caches"

signals = Namespace()
# Sent (with the app as sender) by every catalog write before it commits.
catalog_changed = signals.signal("catalog-changed")


class AppCaches:
    """The caches of one app: those built from the catalog, and those that key on their sources."""

    def __init__(self, config):
        self.lock = threading.RLock()
        # Builds under way, by (cache, key): who builds and what the others wait on.
        self._building: dict[tuple[int, Hashable], tuple[int, threading.Event]] = {}
        # Counts emptyings, so a build that began before one is not stored after it.
        self._emptied = 0
        self.generation: int | None = None
        # Emptied when the catalog changes; the TTL also catches writes that bypass
        # the signal (Core bulk inserts of a seed into a running site's database).
        self.catalog = TTLCache(maxsize=8, ttl=config["CATALOG_CACHE_SECONDS"])
        self.trending = TTLCache(maxsize=4, ttl=config["TRENDING_CACHE_SECONDS"])
        self.pages = LRUCache(maxsize=config["HOME_PAGE_CACHE_ENTRIES"])
        # Keyed by every value they are made from: never stale, only evicted.
        self.cards = LRUCache(maxsize=config["CARD_CACHE_ENTRIES"])
        self.reports = LRUCache(maxsize=256)
        self.schema: set[str] = set()

    def clear_catalog(self) -> None:
        """Forget everything built from the catalog."""
        with self.lock:
            self._emptied += 1
            for cache in (self.catalog, self.trending, self.pages):
                cache.clear()

    def clear(self) -> None:
        """Forget everything (a test's own database, a benchmark's fresh build)."""
        with self.lock:
            self.clear_catalog()
            self.cards.clear()
            self.reports.clear()
            self.schema.clear()

    def get(self, cache, key: Hashable) -> Any:
        with self.lock:
            return cache.get(key)

    def put(self, cache, key: Hashable, value: Any) -> None:
        with self.lock:
            cache[key] = value

    def get_or_build(self, cache, key: Hashable, build: Callable[[], Any]) -> Any:
        """The cached value, or `build()` stored under key.

        The build runs outside the lock, so other keys are read and built
        meanwhile; a second caller of the same key waits for the first build
        rather than repeating it (and builds itself if that one failed). A
        value whose build began before the caches were emptied is returned
        but not kept: it may hold what the emptying was for.
        """
        building = (id(cache), key)
        me = threading.get_ident()
        while True:
            with self.lock:
                try:
                    return cache[key]
                except KeyError:
                    pass
                owner, done = self._building.get(building, (None, None))
                if done is None or owner == me:  # none under way (or this thread's own)
                    done = threading.Event()
                    self._building[building] = (me, done)
                    emptied = self._emptied
                    break
            done.wait()
        try:
            value = build()
            with self.lock:
                if self._emptied == emptied:
                    cache[key] = value
            return value
        finally:
            with self.lock:
                self._building.pop(building, None)
            done.set()


def app_caches(app: Flask | None = None) -> AppCaches:
    """This app's caches, as they are (for caches keyed by everything they hold)."""
    return (app or current_app).extensions[EXTENSION]


def catalog_caches() -> AppCaches:
    """This app's caches, emptied first if the catalog changed since they were built.

    The generation is read once per request (or app context) and kept on `g`.
    """
    caches = app_caches()
    if "catalog_generation" not in g:
        g.catalog_generation = current_generation()
        with caches.lock:
            if caches.generation != g.catalog_generation:
                caches.clear_catalog()
                caches.generation = g.catalog_generation
    return caches


def current_generation() -> int:
    """The catalog's generation number as committed (0 before the first edit)."""
    value = db.session.scalar(select(CatalogGeneration.value).where(CatalogGeneration.id == 1))
    return value or 0


def send_catalog_changed() -> None:
    """Announce a catalog edit in the current transaction (call before it commits)."""
    catalog_changed.send(current_app._get_current_object())


@catalog_changed.connect
def _bump_generation(_sender, **_extra) -> None:
    """Receiver of `catalog_changed`: count the edit in the edit's own transaction."""
    bumped = db.session.execute(
        update(CatalogGeneration)
        .where(CatalogGeneration.id == 1)
        .values(value=CatalogGeneration.value + 1)
    )
    if bumped.rowcount == 0:
        db.session.execute(insert(CatalogGeneration).values(id=1, value=1))


def memo_file(path: Path, build: Callable[[], Any]) -> Any:
    """A value made from a file (None if it is missing), made again when the file changes.

    Kept per file and per maker, so a file's contents and values derived from them
    are kept side by side.
    """
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    caches = app_caches()
    key = (str(path), build.__qualname__)
    hit = caches.get(caches.reports, key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    value = build()
    caches.put(caches.reports, key, (stamp, value))
    return value


def init_app(app: Flask) -> None:
    """Give the app its caches."""
    app.extensions[EXTENSION] = AppCaches(app.config)
