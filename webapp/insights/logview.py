"""The slice of the event log a report reads, fetched with a few grouped SQL queries.

A `LogView` is a session and a time window [start, end). Its properties run
one aggregate query each, the first time they are read, and keep the result
as numpy arrays so that several reports share one pass over the events:

- `sittings`: playback grouped by profile, title, episode and session
  (watched seconds = furthest position - first position of the sitting);
- `activity`: events grouped by profile and UTC day;
- `impressions`: impressions grouped by profile and day, with how many were
  followed by a play of that title by that profile within PLAY_WITHIN;
  `impressions_by_title`, and `impressions_by_segment` (per segment, title,
  artwork variant and period, grouped in the database through a temporary
  profile -> segment table);
- `actions`: My List adds, ratings and searches per profile and day;
- `catalog`: titles with their genres, themes and AI label; `profiles`.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

import numpy as np
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    Table,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    select,
)
from sqlalchemy.orm import Session, aliased

from webapp.activity import vocabulary as ev
from webapp.models import Event, Profile, Title
from webapp.models.catalog import Genre, Keyword, title_genres, title_keywords

PLAY_WITHIN = timedelta(minutes=30)
COMPLETE_AT = 0.9
DAYPARTS = ("morning", "afternoon", "evening", "night")  # 5-12, 12-18, 18-23, 23-5 local


def daypart_of(hours: np.ndarray) -> np.ndarray:
    """Index into DAYPARTS for local hours (unknown hours count as evening)."""
    hours = np.where(hours < 0, 20, hours)
    return np.select(
        [(hours >= 5) & (hours < 12), (hours >= 12) & (hours < 18), (hours >= 18) & (hours < 23)],
        [0, 1, 2],
        default=3,
    )


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
    day: np.ndarray  # days since the window start
    shown: np.ndarray
    played: np.ndarray  # followed by a play of the title within PLAY_WITHIN


@dataclass
class ArtworkCounts:
    segment: np.ndarray  # -1: no segment
    title: np.ndarray
    variant: np.ndarray
    period: np.ndarray  # 0 before the split day, 1 from it
    shown: np.ndarray
    played: np.ndarray


@dataclass
class Catalog:
    ids: np.ndarray
    names: list[str]
    kind: np.ndarray
    year: np.ndarray  # 0 unknown
    ai_use: np.ndarray  # none | assisted | generated | None (webapp.catalog.ai_use)
    genre_names: list[str]
    genre_matrix: np.ndarray  # titles x genres, 0/1
    keyword_names: list[str]
    keyword_pairs: tuple[np.ndarray, np.ndarray] = field(
        default=None
    )  # (title index, keyword index)

    @cached_property
    def index(self) -> dict[int, int]:
        return {int(t): i for i, t in enumerate(self.ids)}

    def rows_of(self, title_ids: np.ndarray) -> np.ndarray:
        """Catalog row of each title id (-1 for titles no longer in the catalog)."""
        lookup = self.index
        return np.fromiter(
            (lookup.get(int(t), -1) for t in title_ids), dtype=np.int64, count=len(title_ids)
        )


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
    def day_count(self) -> int:
        """Calendar days the window touches (day numbers run 0 .. day_count - 1)."""
        return (self.end.date() - self.start.date()).days + 1

    def day_of(self, seconds: np.ndarray) -> np.ndarray:
        """Day numbers (as in `day_number`) of times given in seconds since the window start."""
        since_midnight = (
            self.start - datetime.combine(self.start.date(), datetime.min.time())
        ).total_seconds()
        return ((np.asarray(seconds) + since_midnight) // 86400).astype(np.int64)

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def in_window(self, column=Event.occurred_at):
        """SQL condition: `column` falls in [start, end)."""
        return and_(column >= self.start, column < self.end)

    def shifted(self, column, delta: timedelta):
        """SQL for `column + delta` (SQLite keeps datetimes as ISO text)."""
        if self.dialect == "sqlite":
            return func.strftime(
                "%Y-%m-%d %H:%M:%f", column, f"{int(delta.total_seconds()):+d} seconds"
            )
        return column + delta

    @cached_property
    def catalog(self) -> Catalog:
        rows = self.session.execute(
            select(Title.id, Title.name, Title.kind, Title.year, Title.ai_use).order_by(Title.id)
        ).all()
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        index = {int(t): i for i, t in enumerate(ids)}
        genres = self.session.execute(select(Genre.id, Genre.name).order_by(Genre.name)).all()
        genre_col = {g: j for j, (g, _) in enumerate(genres)}
        matrix = np.zeros((len(ids), len(genres)), dtype=np.float64)
        for title_id, genre_id in self.session.execute(
            select(title_genres.c.title_id, title_genres.c.genre_id)
        ):
            if title_id in index:
                matrix[index[title_id], genre_col[genre_id]] = 1.0
        keywords = self.session.execute(
            select(Keyword.id, Keyword.name).order_by(Keyword.name)
        ).all()
        keyword_col = {k: j for j, (k, _) in enumerate(keywords)}
        pairs = [
            (index[t], keyword_col[k])
            for t, k in self.session.execute(
                select(title_keywords.c.title_id, title_keywords.c.keyword_id)
            )
            if t in index
        ]
        pair_arrays = (
            np.array([p[0] for p in pairs], dtype=np.int64),
            np.array([p[1] for p in pairs], dtype=np.int64),
        )
        return Catalog(
            ids=ids,
            names=[r[1] for r in rows],
            kind=np.array([r[2] for r in rows], dtype=object),
            year=np.array([r[3] or 0 for r in rows], dtype=np.int64),
            ai_use=np.array([r[4] for r in rows], dtype=object),
            genre_names=[g[1] for g in genres],
            genre_matrix=matrix,
            keyword_names=[k[1] for k in keywords],
            keyword_pairs=pair_arrays,
        )

    def day_number(self, column):
        """SQL for the whole days between the window's first midnight and `column`."""
        origin = self.start.date()
        if self.dialect == "sqlite":
            return cast(func.julianday(column) - func.julianday(origin.isoformat()), Integer)
        return cast(column, Date) - literal(origin, Date)

    def seconds_since_start(self, column):
        """SQL for the seconds between the window start and `column`."""
        if self.dialect == "sqlite":
            return (
                func.julianday(column) - func.julianday(self.start.isoformat(sep=" "))
            ) * 86400.0
        return func.extract("epoch", column - literal(self.start, DateTime))

    @cached_property
    def sittings(self) -> Sittings:
        query = (
            select(
                Event.profile_id,
                Event.title_id,
                func.coalesce(Event.episode_id, -1),
                self.seconds_since_start(func.min(Event.occurred_at)),
                func.max(Event.value) - func.min(Event.value),
                func.max(Event.duration),
                func.max(case((Event.type == ev.COMPLETE, 1), else_=0)),
                func.min(func.coalesce(Event.local_hour, -1)),
                func.max(Event.value),
                func.min(Event.device),
            )
            .where(Event.type.in_(ev.PLAYBACK), self.in_window(), Event.title_id.is_not(None))
            .group_by(Event.profile_id, Event.title_id, Event.episode_id, Event.session_id)
        )
        numbers, devices = _fetch(self.session.execute(query), 9, text_columns=1)
        duration = numbers[:, 5]
        return Sittings(
            profile=numbers[:, 0].astype(np.int64),
            title=numbers[:, 1].astype(np.int64),
            episode=numbers[:, 2].astype(np.int64),
            started=numbers[:, 3],
            watched=np.maximum(numbers[:, 4], 0.0),
            duration=duration,
            done=(numbers[:, 6] > 0) | ((duration > 0) & (numbers[:, 8] >= COMPLETE_AT * duration)),
            hour=numbers[:, 7].astype(np.int64),
            device=np.array([d or "unknown" for d in devices[:, 0]], dtype=object),
        )

    @cached_property
    def activity(self) -> Activity:
        day = self.day_number(Event.occurred_at)
        numbers, _ = _fetch(
            self.session.execute(
                select(Event.profile_id, day, func.count(), func.count(distinct(Event.session_id)))
                .where(self.in_window())
                .group_by(Event.profile_id, day)
            ),
            4,
        )
        numbers = numbers.astype(np.int64)
        return Activity(
            profile=numbers[:, 0], day=numbers[:, 1], events=numbers[:, 2], sessions=numbers[:, 3]
        )

    def _played_impressions(self):
        """Subquery of the ids of impressions followed by a play of the title within PLAY_WITHIN.

        Found from the plays' side (plays are far fewer than impressions): each
        play_start looks back PLAY_WITHIN over the same title's events by index.
        """
        play = aliased(Event, name="play")
        shown = aliased(Event, name="shown")
        return (
            select(shown.id.label("id"))
            .join(
                play,
                and_(
                    play.profile_id == shown.profile_id,
                    play.title_id == shown.title_id,
                    shown.occurred_at <= play.occurred_at,
                    shown.occurred_at >= self.shifted(play.occurred_at, -PLAY_WITHIN),
                ),
            )
            # No constant window on the impressions: SQLite would then scan the whole window
            # instead of the 30 minutes before each play. Callers apply the window.
            .where(
                play.type == ev.PLAY_START,
                self.in_window(play.occurred_at),
                shown.type == ev.IMPRESSION,
            )
            .with_hint(shown, "INDEXED BY ix_events_profile_time", "sqlite")
            .distinct()
            .subquery("played")
        )

    def _counts_with_plays(self, connection, columns: list, where: list, join=None) -> np.ndarray:
        """Rows of `columns` + impressions + played impressions, grouped by `columns`.

        Two grouped queries (all impressions; those followed by a play) merged
        here: an outer join to the played subquery makes SQLite scan it per row.
        """

        def grouped(extra_join=None):
            query = select(*columns, func.count()).select_from(Event)
            if join is not None:
                query = query.outerjoin(*join)
            if extra_join is not None:
                query = query.join(*extra_join)
            query = query.where(
                Event.type == ev.IMPRESSION, self.in_window(), Event.title_id.is_not(None), *where
            )
            numbers, _ = _fetch(connection.execute(query.group_by(*columns)), len(columns) + 1)
            return numbers.astype(np.int64)

        played = self._played_impressions()
        everything = grouped()
        followed = grouped((played, played.c.id == Event.id))
        out = np.zeros((everything.shape[0], everything.shape[1] + 1), dtype=np.int64)
        out[:, :-1] = everything
        if followed.size:
            keys_all, keys_played = _row_keys(everything[:, :-1]), _row_keys(followed[:, :-1])
            order = np.argsort(keys_all, kind="stable")
            at = order[np.searchsorted(keys_all, keys_played, sorter=order)]
            out[at, -1] = followed[:, -1]
        return out

    @cached_property
    def impressions(self) -> Impressions:
        """Impressions per profile and day, and how many were followed by a play."""
        rows = self._counts_with_plays(
            self.session.connection(), [Event.profile_id, self.day_number(Event.occurred_at)], []
        )
        return Impressions(profile=rows[:, 0], day=rows[:, 1], shown=rows[:, 2], played=rows[:, 3])

    @cached_property
    def impressions_by_title(self) -> tuple[np.ndarray, np.ndarray]:
        """(title ids, impressions) over the window."""
        numbers, _ = _fetch(
            self.session.execute(
                select(Event.title_id, func.count())
                .where(Event.type == ev.IMPRESSION, self.in_window(), Event.title_id.is_not(None))
                .group_by(Event.title_id)
            ),
            2,
        )
        numbers = numbers.astype(np.int64)
        return numbers[:, 0], numbers[:, 1]

    def impressions_by_segment(self, segments: dict[int, int], split_day: int) -> ArtworkCounts:
        """Impressions with an artwork variant and their plays per segment, title, variant and
        period (0 before `split_day`, 1 from it). Profiles not in `segments` count as -1.

        The profile -> segment map goes into a temporary table so the database does the grouping.
        """
        connection = self.session.connection()
        table = Table(
            "insights_segment_map",
            MetaData(),
            Column("profile_id", Integer, primary_key=True),
            Column("segment", Integer, nullable=False),
            prefixes=["TEMPORARY"],
        )
        table.create(connection, checkfirst=True)
        try:
            connection.execute(table.delete())
            if segments:
                connection.execute(
                    table.insert(), [{"profile_id": p, "segment": s} for p, s in segments.items()]
                )
            segment = func.coalesce(table.c.segment, -1)
            period = case((Event.occurred_at >= self.start + timedelta(days=split_day), 1), else_=0)
            rows = self._counts_with_plays(
                connection,
                [segment, Event.title_id, Event.artwork_variant, period],
                [Event.artwork_variant.is_not(None)],
                join=(table, table.c.profile_id == Event.profile_id),
            )
        finally:
            table.drop(connection, checkfirst=True)
        return ArtworkCounts(
            segment=rows[:, 0],
            title=rows[:, 1],
            variant=rows[:, 2],
            period=rows[:, 3],
            shown=rows[:, 4],
            played=rows[:, 5],
        )

    @cached_property
    def actions(self) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Explicit actions (list_add, rate, search) as (profile, day, count) per type."""
        day = self.day_number(Event.occurred_at)
        rows = self.session.execute(
            select(Event.type, Event.profile_id, day, func.count())
            .where(Event.type.in_(ev.ACTIONS), self.in_window())
            .group_by(Event.type, Event.profile_id, day)
        ).all()
        out = {}
        for kind in ev.ACTIONS:
            mine = np.array([r[1:] for r in rows if r[0] == kind], dtype=np.int64).reshape(-1, 3)
            out[kind] = (mine[:, 0], mine[:, 1], mine[:, 2])
        return out

    @cached_property
    def profiles(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(ids, days since the window start each was created, is_kids)."""
        rows = self.session.execute(
            select(Profile.id, Profile.created_at, Profile.is_kids).order_by(Profile.id)
        ).all()
        return (
            np.array([r[0] for r in rows], dtype=np.int64),
            np.array(
                [(_as_datetime(r[1]) - self.start).total_seconds() / 86400 for r in rows],
                dtype=float,
            ),
            np.array([bool(r[2]) for r in rows], dtype=bool),
        )


def _fetch(result, n_numbers: int, text_columns: int = 0, chunk: int = 200_000):
    """Rows as a float array of the first `n_numbers` columns (NULL -> 0) and an object
    array of the text columns after them, read in chunks to bound memory."""
    numeric, texts = [], []
    for part in result.partitions(chunk):
        block = np.array([row[:n_numbers] for row in part], dtype=object)
        block[block == None] = 0
        numeric.append(block.astype(float))
        if text_columns:
            texts.append(np.array([row[n_numbers:] for row in part], dtype=object))
    numbers = np.vstack(numeric) if numeric else np.zeros((0, n_numbers))
    words = np.vstack(texts) if texts else np.zeros((0, text_columns), dtype=object)
    return numbers, words


def _row_keys(rows: np.ndarray) -> np.ndarray:
    """One comparable value per row of an int64 matrix (for matching rows between arrays)."""
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    return rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()


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
    "DAYPARTS",
    "PLAY_WITHIN",
    "Activity",
    "ArtworkCounts",
    "Catalog",
    "Impressions",
    "LogView",
    "Sittings",
    "daypart_of",
    "latest_event_time",
    "window_ending",
]
