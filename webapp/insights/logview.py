"""The slice of the event log a report reads, fetched with a few grouped SQL queries.

A `LogView` is a session and a time window [start, end). Its properties run
one aggregate query each, the first time they are read, and keep the result
as numpy arrays so that several reports share one pass over the events:

- `sittings`: playback grouped by profile, title, episode and session
  (watched seconds = furthest position - first position of the sitting);
- `activity`: events grouped by profile and UTC day;
- `impressions`: impressions grouped by profile, title, artwork variant and
  day, with how many were followed by a play of that title by that profile
  within PLAY_WITHIN of being shown;
- `catalog`: titles with their genres, themes and AI label.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

import numpy as np
from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import Session, aliased

from webapp.models import Event, Profile, Title
from webapp.models.catalog import Genre, Keyword, title_genres, title_keywords

PLAYBACK_TYPES = ("play_start", "heartbeat", "pause", "seek", "complete", "abandon")
ACTION_TYPES = ("list_add", "rate", "search")
PLAY_WITHIN = timedelta(minutes=30)
COMPLETE_AT = 0.9
DAYPARTS = ("morning", "afternoon", "evening", "night")  # 5-12, 12-18, 18-23, 23-5 local


def daypart_of(hours: np.ndarray) -> np.ndarray:
    """Index into DAYPARTS for local hours (unknown hours count as evening)."""
    hours = np.where(hours < 0, 20, hours)
    return np.select([(hours >= 5) & (hours < 12), (hours >= 12) & (hours < 18),
                      (hours >= 18) & (hours < 23)], [0, 1, 2], default=3)


@dataclass
class Sittings:
    profile: np.ndarray
    title: np.ndarray
    episode: np.ndarray  # -1 for films
    started: np.ndarray  # seconds since the window start
    watched: np.ndarray  # seconds
    duration: np.ndarray  # seconds
    done: np.ndarray  # bool
    hour: np.ndarray  # local hour, -1 unknown
    device: np.ndarray  # str

    def __len__(self) -> int:
        return self.profile.size


@dataclass
class Activity:
    profile: np.ndarray
    day: np.ndarray  # days since the window start
    events: np.ndarray
    sessions: np.ndarray


@dataclass
class Impressions:
    profile: np.ndarray
    title: np.ndarray
    variant: np.ndarray  # -1 when no artwork variant was logged
    day: np.ndarray  # days since the window start
    shown: np.ndarray
    played: np.ndarray


@dataclass
class Catalog:
    ids: np.ndarray
    names: list[str]
    kind: np.ndarray
    year: np.ndarray  # 0 unknown
    ai: np.ndarray  # bool
    genre_names: list[str]
    genre_matrix: np.ndarray  # titles x genres, 0/1
    keyword_names: list[str]
    keyword_pairs: tuple[np.ndarray, np.ndarray] = field(default=None)  # (title index, keyword index)

    @cached_property
    def index(self) -> dict[int, int]:
        return {int(t): i for i, t in enumerate(self.ids)}

    def rows_of(self, title_ids: np.ndarray) -> np.ndarray:
        """Catalog row of each title id (-1 for titles no longer in the catalog)."""
        lookup = self.index
        return np.fromiter((lookup.get(int(t), -1) for t in title_ids), dtype=np.int64,
                           count=len(title_ids))


def _day_number(value, origin: date) -> int:
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    elif isinstance(value, datetime):
        value = value.date()
    return (value - origin).days


class LogView:
    """The events of [start, end) and the catalog, read lazily and once."""

    def __init__(self, session: Session, start: datetime, end: datetime):
        if end <= start:
            raise ValueError("The window must end after it starts.")
        self.session = session
        self.start = start
        self.end = end

    @property
    def days(self) -> int:
        return max(1, (self.end - self.start).days)

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def _in_window(self, column=Event.occurred_at):
        return and_(column >= self.start, column < self.end)

    def minutes_before(self, column, delta: timedelta):
        """SQL for `column - delta`, in each database's own date arithmetic."""
        return self.shifted(column, -delta)

    def shifted(self, column, delta: timedelta):
        """SQL for `column + delta` (SQLite keeps datetimes as ISO text)."""
        if self.dialect == "sqlite":
            return func.strftime("%Y-%m-%d %H:%M:%f", column, f"{int(delta.total_seconds()):+d} seconds")
        return column + delta

    @cached_property
    def catalog(self) -> Catalog:
        rows = self.session.execute(
            select(Title.id, Title.name, Title.kind, Title.year, Title.ai_generated).order_by(Title.id)
        ).all()
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        index = {int(t): i for i, t in enumerate(ids)}
        genres = self.session.execute(select(Genre.id, Genre.name).order_by(Genre.name)).all()
        genre_col = {g: j for j, (g, _) in enumerate(genres)}
        matrix = np.zeros((len(ids), len(genres)), dtype=np.float64)
        for title_id, genre_id in self.session.execute(select(title_genres.c.title_id, title_genres.c.genre_id)):
            if title_id in index:
                matrix[index[title_id], genre_col[genre_id]] = 1.0
        keywords = self.session.execute(select(Keyword.id, Keyword.name).order_by(Keyword.name)).all()
        keyword_col = {k: j for j, (k, _) in enumerate(keywords)}
        pairs = [(index[t], keyword_col[k]) for t, k in self.session.execute(
            select(title_keywords.c.title_id, title_keywords.c.keyword_id)) if t in index]
        pair_arrays = (np.array([p[0] for p in pairs], dtype=np.int64),
                       np.array([p[1] for p in pairs], dtype=np.int64))
        return Catalog(
            ids=ids,
            names=[r[1] for r in rows],
            kind=np.array([r[2] for r in rows], dtype=object),
            year=np.array([r[3] or 0 for r in rows], dtype=np.int64),
            ai=np.array([bool(r[4]) for r in rows], dtype=bool),
            genre_names=[g[1] for g in genres],
            genre_matrix=matrix,
            keyword_names=[k[1] for k in keywords],
            keyword_pairs=pair_arrays,
        )

    @cached_property
    def sittings(self) -> Sittings:
        started = func.min(Event.occurred_at)
        query = (
            select(
                Event.profile_id, Event.title_id, func.coalesce(Event.episode_id, -1), started,
                func.max(Event.value) - func.min(Event.value), func.max(Event.duration),
                func.max(case((Event.type == "complete", 1), else_=0)),
                func.min(func.coalesce(Event.local_hour, -1)), func.min(Event.device),
                func.max(Event.value),
            )
            .where(Event.type.in_(PLAYBACK_TYPES), self._in_window(), Event.title_id.is_not(None))
            .group_by(Event.profile_id, Event.title_id, Event.episode_id, Event.session_id)
        )
        rows = self.session.execute(query).all()
        n = len(rows)
        col = list(zip(*rows)) if rows else [[] for _ in range(10)]
        duration = np.array([d or 0.0 for d in col[5]], dtype=float)
        furthest = np.array([v or 0.0 for v in col[9]], dtype=float)
        complete = np.array(col[6], dtype=np.int64).astype(bool) if n else np.zeros(0, bool)
        return Sittings(
            profile=np.array(col[0], dtype=np.int64),
            title=np.array(col[1], dtype=np.int64),
            episode=np.array(col[2], dtype=np.int64),
            started=np.array([(_as_datetime(t) - self.start).total_seconds() for t in col[3]], dtype=float),
            watched=np.maximum(np.array([w or 0.0 for w in col[4]], dtype=float), 0.0),
            duration=duration,
            done=complete | ((duration > 0) & (furthest >= COMPLETE_AT * duration)),
            hour=np.array(col[7], dtype=np.int64),
            device=np.array([d or "unknown" for d in col[8]], dtype=object),
        )

    @cached_property
    def activity(self) -> Activity:
        day = func.date(Event.occurred_at)
        rows = self.session.execute(
            select(Event.profile_id, day, func.count(), func.count(distinct(Event.session_id)))
            .where(self._in_window())
            .group_by(Event.profile_id, day)
        ).all()
        origin = self.start.date()
        return Activity(
            profile=np.array([r[0] for r in rows], dtype=np.int64),
            day=np.array([_day_number(r[1], origin) for r in rows], dtype=np.int64),
            events=np.array([r[2] for r in rows], dtype=np.int64),
            sessions=np.array([r[3] for r in rows], dtype=np.int64),
        )

    @cached_property
    def impressions(self) -> Impressions:
        """Impressions and the plays that followed them, grouped in SQL.

        Played impressions are found from the plays' side (plays are far fewer
        than impressions): each play_start looks back PLAY_WITHIN over the
        same profile's events with the profile/time index.
        """
        day = func.date(Event.occurred_at)
        variant = func.coalesce(Event.artwork_variant, -1)
        shown = self.session.execute(
            select(Event.profile_id, Event.title_id, variant, day, func.count())
            .where(Event.type == "impression", self._in_window(), Event.title_id.is_not(None))
            .group_by(Event.profile_id, Event.title_id, variant, day)
        ).all()
        play = aliased(Event, name="play")
        shown_event = aliased(Event, name="shown")
        seen = (
            select(shown_event.id.label("id"))
            .join(play, and_(
                play.profile_id == shown_event.profile_id,
                play.title_id == shown_event.title_id,
                shown_event.occurred_at <= play.occurred_at,
                shown_event.occurred_at >= self.minutes_before(play.occurred_at, PLAY_WITHIN),
                # The same bound from the other side, so either table can drive the index range.
                play.occurred_at <= self.shifted(shown_event.occurred_at, PLAY_WITHIN),
            ))
            .where(play.type == "play_start", self._in_window(play.occurred_at),
                   shown_event.type == "impression", self._in_window(shown_event.occurred_at))
            .distinct()
            .subquery()
        )
        played_day = func.date(Event.occurred_at)
        played_variant = func.coalesce(Event.artwork_variant, -1)
        played = self.session.execute(
            select(Event.profile_id, Event.title_id, played_variant, played_day, func.count())
            .join(seen, seen.c.id == Event.id)
            .group_by(Event.profile_id, Event.title_id, played_variant, played_day)
        ).all()
        origin = self.start.date()
        counts: dict[tuple, list[int]] = {}
        for p, t, v, d, n in shown:
            counts[(p, t, v, _day_number(d, origin))] = [n, 0]
        for p, t, v, d, n in played:
            key = (p, t, v, _day_number(d, origin))
            counts.setdefault(key, [n, 0])[1] = n
        keys = list(counts)
        values = np.array(list(counts.values()), dtype=np.int64).reshape(-1, 2)
        return Impressions(
            profile=np.array([k[0] for k in keys], dtype=np.int64),
            title=np.array([k[1] for k in keys], dtype=np.int64),
            variant=np.array([k[2] for k in keys], dtype=np.int64),
            day=np.array([k[3] for k in keys], dtype=np.int64),
            shown=values[:, 0],
            played=values[:, 1],
        )

    @cached_property
    def actions(self) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Explicit actions (list_add, rate, search) as (profile, day, count) per type."""
        day = func.date(Event.occurred_at)
        rows = self.session.execute(
            select(Event.type, Event.profile_id, day, func.count())
            .where(Event.type.in_(ACTION_TYPES), self._in_window())
            .group_by(Event.type, Event.profile_id, day)
        ).all()
        origin = self.start.date()
        out = {}
        for kind in ACTION_TYPES:
            mine = [r for r in rows if r[0] == kind]
            out[kind] = (
                np.array([r[1] for r in mine], dtype=np.int64),
                np.array([_day_number(r[2], origin) for r in mine], dtype=np.int64),
                np.array([r[3] for r in mine], dtype=np.int64),
            )
        return out

    @cached_property
    def profiles(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(ids, days since the window start each was created, is_kids)."""
        rows = self.session.execute(
            select(Profile.id, Profile.created_at, Profile.is_kids).order_by(Profile.id)
        ).all()
        return (
            np.array([r[0] for r in rows], dtype=np.int64),
            np.array([(_as_datetime(r[1]) - self.start).total_seconds() / 86400 for r in rows], dtype=float),
            np.array([bool(r[2]) for r in rows], dtype=bool),
        )


def _as_datetime(value) -> datetime:
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value.replace(tzinfo=None) if value.tzinfo else value


def latest_event_time(session: Session) -> datetime | None:
    """When the newest event happened (reports end their windows there)."""
    value = session.scalar(select(func.max(Event.occurred_at)))
    return _as_datetime(value) if value is not None else None


def window_ending(session: Session, days: int, end: datetime | None = None) -> LogView:
    """A LogView of the `days` days that end just after the newest event (or at `end`)."""
    if end is None:
        latest = latest_event_time(session)
        end = (latest or datetime(2000, 1, 1)) + timedelta(seconds=1)
    return LogView(session, end - timedelta(days=days), end)


__all__ = [
    "DAYPARTS", "PLAYBACK_TYPES", "PLAY_WITHIN", "Activity", "Catalog", "Impressions", "LogView",
    "Sittings", "daypart_of", "latest_event_time", "window_ending",
]
