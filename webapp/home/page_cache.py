"""The personal part of each home page, kept per worker until something it depends on changes.

The key holds everything the rows are computed from: the profile's own state
(a fingerprint of its resume points, ratings, list and episode progress, read
in one indexed query), its maturity limit, whether it hides AI-generated
titles, its name, the served model version, and the ages of the catalog index
and of the trending figures. A play, a rating, a list change, a changed
preference, a deletion, a new model or a new title therefore changes the key,
and the next load is computed afresh. The cached HTML holds
nothing tied to a browser session.
"""

import threading
import zlib
from collections import OrderedDict

from sqlalchemy import bindparam, func, select

from webapp.extensions import db
from webapp.models import EpisodeProgress, ListItem, Rating, WatchState

MAX_ENTRIES = 512


_PROFILE = bindparam("profile_id")
# Built once: composing nine subqueries cost as much as running them.
_FINGERPRINT = select(
    select(func.count()).where(WatchState.profile_id == _PROFILE).scalar_subquery(),
    select(func.max(WatchState.updated_at))
    .where(WatchState.profile_id == _PROFILE)
    .scalar_subquery(),
    select(func.count())
    .where(WatchState.profile_id == _PROFILE, WatchState.hidden.is_(True))
    .scalar_subquery(),
    select(func.count()).where(Rating.profile_id == _PROFILE).scalar_subquery(),
    select(func.max(Rating.updated_at)).where(Rating.profile_id == _PROFILE).scalar_subquery(),
    select(func.count()).where(ListItem.profile_id == _PROFILE).scalar_subquery(),
    select(func.max(ListItem.added_at)).where(ListItem.profile_id == _PROFILE).scalar_subquery(),
    select(func.count()).where(EpisodeProgress.profile_id == _PROFILE).scalar_subquery(),
    select(func.max(EpisodeProgress.updated_at))
    .where(EpisodeProgress.profile_id == _PROFILE)
    .scalar_subquery(),
)


def profile_fingerprint(profile_id: int) -> tuple:
    """Counts and latest changes of the profile's current-state rows, in one round trip."""
    row = db.session.execute(_FINGERPRINT, {"profile_id": profile_id}).one()
    return tuple(str(v) for v in row)


class PageCache:
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        with self._lock:
            blob = self._entries.get(key)
            if blob is None:
                return None
            self._entries.move_to_end(key)
        return zlib.decompress(blob).decode()

    def put(self, key: tuple, html: str) -> None:
        blob = zlib.compress(html.encode(), 1)
        with self._lock:
            self._entries[key] = blob
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


cache = PageCache()
