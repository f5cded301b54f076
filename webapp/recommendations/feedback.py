"""Viewing behaviour -> the recommender's weighted implicit feedback.

Training reads the event log; a page reads a profile's current state
(resume points, ratings, My List). Both go through the library's one
weighting, `recommender.events_to_feedback`, so a title weighs the same in
training and at request time.
"""

import calendar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import bindparam, case, func, select

from recommender import Interactions, events_to_feedback
from webapp.activity import vocabulary as ev
from webapp.extensions import db
from webapp.models import (
    Episode,
    EpisodeProgress,
    Event,
    ListItem,
    Rating,
    Season,
    Title,
    WatchState,
)
from webapp.models.base import utcnow

# A start this long ago that never got past 10 % counts as abandoned.
STALE_START = timedelta(days=2)


def to_unix(moment: datetime) -> float:
    return float(calendar.timegm(moment.utctimetuple())) + moment.microsecond / 1e6


def training_feedback(
    now: datetime | None = None, chunk: int = 100_000, progress=None
) -> Interactions:
    """Every profile's feedback from the event log, streamed in chunks."""
    fraction = case(
        (Event.type.in_(ev.WATCHED) & (Event.duration > 0), Event.value / Event.duration),
        else_=Event.value,
    )
    query = (
        select(Event.profile_id, Event.title_id, Event.occurred_at, Event.type, fraction)
        .where(Event.type.in_(ev.FEEDBACK), Event.title_id.is_not(None))
        .order_by(Event.id)
        .execution_options(yield_per=chunk)
    )
    users, items, stamps, types, values = [], [], [], [], []
    for profile_id, title_id, occurred_at, kind, value in db.session.execute(query):
        users.append(profile_id)
        items.append(title_id)
        stamps.append(to_unix(occurred_at))
        types.append(kind)
        values.append(np.nan if value is None else value)
        if progress is not None and len(users) % chunk == 0:
            progress(len(users))
    return events_to_feedback(
        np.asarray(users, dtype=np.int64),
        np.asarray(items, dtype=np.int64),
        np.asarray(stamps, dtype=np.float64),
        np.asarray(types, dtype=object),
        np.asarray(values, dtype=np.float64),
        now=to_unix(now or utcnow()),
    )


@dataclass
class ProfileRows:
    """A profile's current-state rows, read once and shared by its history and its home page state."""

    # (title_id, position, duration, completed, times_completed, hidden, updated_at,
    #  kind, episode number, episode name, season number), most recently updated first
    watch: list = field(default_factory=list)
    ratings: list = field(default_factory=list)  # (title_id, value, updated_at)
    list_items: list = field(default_factory=list)  # (title_id, added_at), newest first
    episodes_done: dict[int, int] = field(default_factory=dict)  # series title -> finished episodes


# Built once: a page reads these on every fresh build, and composing a
# SELECT costs about as much as running it on an indexed profile.
_PROFILE = bindparam("profile_id")
_WATCH = (
    select(
        WatchState.title_id,
        WatchState.position,
        WatchState.duration,
        WatchState.completed,
        WatchState.times_completed,
        WatchState.hidden,
        WatchState.updated_at,
        Title.kind,
        Episode.number,
        Episode.name,
        Season.number,
    )
    .join(Title, Title.id == WatchState.title_id)
    .outerjoin(Episode, Episode.id == WatchState.episode_id)
    .outerjoin(Season, Season.id == Episode.season_id)
    .where(WatchState.profile_id == _PROFILE)
    .order_by(WatchState.updated_at.desc())
)
_RATINGS = select(Rating.title_id, Rating.value, Rating.updated_at).where(
    Rating.profile_id == _PROFILE
)
_LIST = (
    select(ListItem.title_id, ListItem.added_at)
    .where(ListItem.profile_id == _PROFILE)
    .order_by(ListItem.added_at.desc())
)
_EPISODES_DONE = (
    select(Episode.title_id, func.count())
    .join(EpisodeProgress, EpisodeProgress.episode_id == Episode.id)
    .where(EpisodeProgress.profile_id == _PROFILE, EpisodeProgress.completed.is_(True))
    .group_by(Episode.title_id)
)


def read_profile_rows(profile_id: int) -> ProfileRows:
    """The profile's resume points, ratings, list and finished episodes in four indexed Core selects.

    Plain rows rather than ORM objects: a long history is hundreds of rows,
    and building an object per row cost more than the queries themselves.
    """
    params = {"profile_id": profile_id}
    return ProfileRows(
        watch=db.session.execute(_WATCH, params).all(),
        ratings=db.session.execute(_RATINGS, params).all(),
        list_items=db.session.execute(_LIST, params).all(),
        episodes_done=dict(db.session.execute(_EPISODES_DONE, params).all()),
    )


def profile_history(
    profile_id: int, now: datetime | None = None, rows: ProfileRows | None = None
) -> dict[int, float]:
    """{title id: weight}, oldest first, from the profile's current state (`read_profile_rows`).

    Deleted history is gone from these tables, so it is gone from the next
    recommendation too.
    """
    rows = rows if rows is not None else read_profile_rows(profile_id)
    now = now or utcnow()
    items, stamps, types, values = [], [], [], []

    def add(title_id: int, moment: datetime, kind: str, value: float) -> None:
        items.append(title_id)
        stamps.append(to_unix(moment))
        types.append(kind)
        values.append(value)

    for (
        title_id,
        position,
        duration,
        completed,
        times_completed,
        _,
        updated_at,
        kind,
        *_,
    ) in rows.watch:
        fraction = position / duration if duration else 0.0
        if kind == "series":
            # A series is judged by how many episodes were finished, not by
            # where the current episode stands.
            fraction = max(fraction, min(1.0, 0.2 * rows.episodes_done.get(title_id, 0)))
        if completed or times_completed or fraction >= 0.9:
            add(title_id, updated_at, ev.COMPLETE, 1.0)
        elif fraction < 0.1 and now - updated_at > STALE_START:
            add(title_id, updated_at, ev.ABANDON, fraction)
        else:
            add(title_id, updated_at, ev.PLAY_START, fraction)
    for title_id, value, updated_at in rows.ratings:
        add(title_id, updated_at, ev.RATE, float(value))
    for title_id, added_at in rows.list_items:
        add(title_id, added_at, ev.LIST_ADD, np.nan)
    if not items:
        return {}
    feedback = events_to_feedback(
        np.full(len(items), profile_id, dtype=np.int64),
        np.asarray(items, dtype=np.int64),
        np.asarray(stamps, dtype=np.float64),
        np.asarray(types, dtype=object),
        np.asarray(values, dtype=np.float64),
        now=to_unix(now),
    )
    # The library weighs recent history more, and reads recency from the order.
    order = np.argsort(feedback.timestamps, kind="stable")
    return dict(
        zip(feedback.item_ids[order].tolist(), feedback.weights[order].tolist(), strict=True)
    )
