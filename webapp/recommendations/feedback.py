"""Viewing behaviour -> the recommender's weighted implicit feedback.

Training reads the event log; a page reads a profile's current state
(resume points, ratings, My List). Both go through the library's one
weighting, `recommender.events_to_feedback`, so a title weighs the same in
training and at request time.
"""

import calendar
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import case, func, select

from recommender import Interactions, events_to_feedback
from webapp.extensions import db
from webapp.models import Episode, EpisodeProgress, Event, ListItem, Rating, Title, WatchState
from webapp.models.base import utcnow

# The event types that say something about taste; impressions, searches and
# pauses are left to the analytics.
FEEDBACK_TYPES = (
    "play_start", "heartbeat", "complete", "abandon",
    "rate", "unrate", "list_add", "list_remove", "click",
)
PLAYBACK_TYPES = ("play_start", "heartbeat", "complete", "abandon")
# A start this long ago that never got past 10 % counts as abandoned.
STALE_START = timedelta(days=2)


def to_unix(moment: datetime) -> float:
    return float(calendar.timegm(moment.utctimetuple())) + moment.microsecond / 1e6


def training_feedback(now: datetime | None = None, chunk: int = 100_000, progress=None) -> Interactions:
    """Every profile's feedback from the event log, streamed in chunks."""
    fraction = case(
        (Event.type.in_(PLAYBACK_TYPES) & (Event.duration > 0), Event.value / Event.duration),
        else_=Event.value,
    )
    query = (
        select(Event.profile_id, Event.title_id, Event.occurred_at, Event.type, fraction)
        .where(Event.type.in_(FEEDBACK_TYPES), Event.title_id.is_not(None))
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


def profile_history(profile_id: int, now: datetime | None = None) -> dict[int, float]:
    """{title id: weight}, oldest first, from the profile's current state in four indexed queries.

    Deleted history is gone from these tables, so it is gone from the next
    recommendation too.
    """
    now = now or utcnow()
    users, items, stamps, types, values = [], [], [], [], []

    def add(title_id: int, moment: datetime, kind: str, value: float) -> None:
        users.append(profile_id)
        items.append(title_id)
        stamps.append(to_unix(moment))
        types.append(kind)
        values.append(value)

    episodes_done = dict(
        db.session.execute(
            select(Episode.title_id, func.count())
            .join(EpisodeProgress, EpisodeProgress.episode_id == Episode.id)
            .where(EpisodeProgress.profile_id == profile_id, EpisodeProgress.completed.is_(True))
            .group_by(Episode.title_id)
        ).all()
    )
    states = db.session.execute(
        select(WatchState, Title.kind)
        .join(Title, Title.id == WatchState.title_id)
        .where(WatchState.profile_id == profile_id)
    ).all()
    for state, kind in states:
        fraction = state.position / state.duration if state.duration else 0.0
        if kind == "series":
            # A series is judged by how many episodes were finished, not by
            # where the current episode stands.
            fraction = max(fraction, min(1.0, 0.2 * episodes_done.get(state.title_id, 0)))
        if state.completed or state.times_completed or fraction >= 0.9:
            add(state.title_id, state.updated_at, "complete", 1.0)
        elif fraction < 0.1 and now - state.updated_at > STALE_START:
            add(state.title_id, state.updated_at, "abandon", fraction)
        else:
            add(state.title_id, state.updated_at, "play_start", fraction)
    for rating in db.session.scalars(select(Rating).where(Rating.profile_id == profile_id)):
        add(rating.title_id, rating.updated_at, "rate", float(rating.value))
    for item in db.session.scalars(select(ListItem).where(ListItem.profile_id == profile_id)):
        add(item.title_id, item.added_at, "list_add", np.nan)
    if not users:
        return {}
    feedback = events_to_feedback(
        np.asarray(users, dtype=np.int64),
        np.asarray(items, dtype=np.int64),
        np.asarray(stamps, dtype=np.float64),
        np.asarray(types, dtype=object),
        np.asarray(values, dtype=np.float64),
        now=to_unix(now),
    )
    # The library weighs recent history more, and reads recency from the order.
    order = np.argsort(feedback.timestamps, kind="stable")
    return {int(feedback.item_ids[j]): float(feedback.weights[j]) for j in order}
