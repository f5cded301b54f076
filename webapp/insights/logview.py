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

from datetime import datetime, timedelta
from functools import cached_property

import numpy as np
from sqlalchemy import Column, Integer, MetaData, Table, case, distinct, func, select
from sqlalchemy.orm import Session

from webapp.activity import vocabulary as ev
from webapp.insights.log_arrays import as_datetime, fetch_arrays
from webapp.insights.log_impressions import counts_with_plays
from webapp.insights.log_records import (
    COMPLETE_AT,
    Activity,
    ArtworkCounts,
    Catalog,
    Impressions,
    Sittings,
)
from webapp.insights.log_window import LogWindow
from webapp.models import Event, Profile, Title
from webapp.models.catalog import Genre, Keyword, title_genres, title_keywords


class LogView(LogWindow):
    """The events of [start, end) and the catalog, read lazily and once."""

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
        numbers, devices = fetch_arrays(self.session.execute(query), 9, text_columns=1)
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
        numbers, _ = fetch_arrays(
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

    @cached_property
    def impressions(self) -> Impressions:
        """Impressions per profile and day, and how many were followed by a play."""
        rows = counts_with_plays(
            self,
            self.session.connection(),
            [Event.profile_id, self.day_number(Event.occurred_at)],
            [],
        )
        return Impressions(profile=rows[:, 0], day=rows[:, 1], shown=rows[:, 2], played=rows[:, 3])

    @cached_property
    def impressions_by_title(self) -> tuple[np.ndarray, np.ndarray]:
        """(title ids, impressions) over the window."""
        numbers, _ = fetch_arrays(
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
            rows = counts_with_plays(
                self,
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
                [(as_datetime(r[1]) - self.start).total_seconds() / 86400 for r in rows],
                dtype=float,
            ),
            np.array([bool(r[2]) for r in rows], dtype=bool),
        )


def latest_event_time(session: Session) -> datetime | None:
    """When the newest event happened (reports end their windows there)."""
    value = session.scalar(select(func.max(Event.occurred_at)))
    return as_datetime(value) if value is not None else None


def window_ending(session: Session, days: int, end: datetime | None = None) -> LogView:
    """A LogView of the `days` days that end just after the newest event (or at `end`)."""
    if end is None:
        latest = latest_event_time(session)
        end = (latest or datetime(2000, 1, 1)) + timedelta(seconds=1)
    return LogView(session, end - timedelta(days=days), end)


__all__ = ["LogView", "latest_event_time", "window_ending"]
