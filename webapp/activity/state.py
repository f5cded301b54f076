"""Current-state writes that follow from a batch of events: upserts and deletes, one
statement per table, executed for many rows at once.

Every row is computed from the events alone (never from a row read earlier in
Python), so two tabs reporting at once cannot lose an update: the database
applies the rows one after another and the last one wins. Rows are executed in
event order, so a completion followed by more heartbeats counts once.
The statements are built once per database dialect and reused.

Within each statement rows are sorted by their key (a stable sort, so event
order per key is kept): every batch then locks rows in the same order, and two
tabs reporting the same titles in opposite orders wait for each other instead
of deadlocking.
"""

from functools import cache

from sqlalchemy import and_, case, delete, not_, or_
from sqlalchemy.dialects import postgresql, sqlite

from webapp.extensions import db
from webapp.models import EpisodeProgress, ListItem, Rating, WatchState


def _dialect():
    return sqlite if db.engine.dialect.name == "sqlite" else postgresql


@cache
def _watch_state_upsert(dialect):
    """Resume point of a title; a False -> True change of `completed` bumps times_completed."""
    stmt = dialect.insert(WatchState.__table__)
    new, old = stmt.excluded, WatchState.__table__.c
    return stmt.on_conflict_do_update(
        index_elements=[old.profile_id, old.title_id],
        set_={
            "episode_id": new.episode_id,
            "position": new.position,
            "duration": new.duration,
            "completed": new.completed,
            "times_completed": old.times_completed
            + case((and_(new.completed, not_(old.completed)), 1), else_=0),
            "hidden": False,
            "updated_at": new.updated_at,
        },
    )


@cache
def _episode_progress_upsert(dialect):
    """An episode's progress; once completed, an episode stays completed."""
    stmt = dialect.insert(EpisodeProgress.__table__)
    new, old = stmt.excluded, EpisodeProgress.__table__.c
    return stmt.on_conflict_do_update(
        index_elements=[old.profile_id, old.episode_id],
        set_={
            "position": new.position,
            "duration": new.duration,
            "completed": or_(old.completed, new.completed),
            "updated_at": new.updated_at,
        },
    )


@cache
def _rating_upsert(dialect):
    stmt = dialect.insert(Rating.__table__)
    return stmt.on_conflict_do_update(
        index_elements=[Rating.__table__.c.profile_id, Rating.__table__.c.title_id],
        set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at},
    )


@cache
def _list_insert(dialect):
    """Adding twice keeps the first date, so My List keeps its order."""
    stmt = dialect.insert(ListItem.__table__)
    return stmt.on_conflict_do_nothing(
        index_elements=[ListItem.__table__.c.profile_id, ListItem.__table__.c.title_id]
    )


def _in_key_order(rows: list[dict], *key: str) -> list[dict]:
    return sorted(rows, key=lambda row: tuple(row[k] for k in key))


def save_watch_states(rows: list[dict]) -> None:
    """rows: profile_id, title_id, episode_id, position, duration, completed, at."""
    if rows:
        params = [
            dict(
                r,
                times_completed=1 if r["completed"] else 0,
                hidden=False,
                started_at=r["at"],
                updated_at=r["at"],
            )
            for r in rows
        ]
        for p in params:
            del p["at"]
        db.session.execute(
            _watch_state_upsert(_dialect()), _in_key_order(params, "profile_id", "title_id")
        )


def save_episode_progress(rows: list[dict]) -> None:
    """rows: profile_id, episode_id, position, duration, completed, updated_at."""
    if rows:
        db.session.execute(
            _episode_progress_upsert(_dialect()), _in_key_order(rows, "profile_id", "episode_id")
        )


def save_ratings(rows: list[dict]) -> None:
    """rows: profile_id, title_id, value, updated_at."""
    if rows:
        db.session.execute(
            _rating_upsert(_dialect()), _in_key_order(rows, "profile_id", "title_id")
        )


def remove_ratings(profile_id: int, title_ids: list[int]) -> None:
    if title_ids:
        db.session.execute(
            delete(Rating).where(Rating.profile_id == profile_id, Rating.title_id.in_(title_ids))
        )


def add_to_list(rows: list[dict]) -> None:
    """rows: profile_id, title_id, added_at."""
    if rows:
        db.session.execute(_list_insert(_dialect()), _in_key_order(rows, "profile_id", "title_id"))


def remove_from_list(profile_id: int, title_ids: list[int]) -> None:
    if title_ids:
        db.session.execute(
            delete(ListItem).where(
                ListItem.profile_id == profile_id, ListItem.title_id.in_(title_ids)
            )
        )
