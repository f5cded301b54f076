"""Current-state writes that follow from one event, as single upserts or deletes.

Every statement computes the new row from the event alone (never from a row
read earlier in Python), so two tabs reporting at once cannot lose an update:
the database serialises the statements and the last one wins.
"""

from datetime import datetime

from sqlalchemy import and_, case, delete, not_, or_
from sqlalchemy.dialects import postgresql, sqlite

from webapp.extensions import db
from webapp.models import EpisodeProgress, ListItem, Rating, WatchState


def _insert(model):
    dialect = sqlite if db.engine.dialect.name == "sqlite" else postgresql
    return dialect.insert(model)


def save_title_progress(
    profile_id: int,
    title_id: int,
    *,
    episode_id: int | None,
    position: float,
    duration: float,
    completed: bool,
    now: datetime,
) -> None:
    """Upsert the resume point of a title; a first completion bumps times_completed."""
    stmt = _insert(WatchState).values(
        profile_id=profile_id,
        title_id=title_id,
        episode_id=episode_id,
        position=position,
        duration=duration,
        completed=completed,
        times_completed=1 if completed else 0,
        hidden=False,
        started_at=now,
        updated_at=now,
    )
    new = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=[WatchState.profile_id, WatchState.title_id],
        set_={
            "episode_id": new.episode_id,
            "position": new.position,
            "duration": new.duration,
            "completed": new.completed,
            "times_completed": WatchState.times_completed
            + case((and_(new.completed, not_(WatchState.completed)), 1), else_=0),
            "hidden": False,
            "updated_at": new.updated_at,
        },
    )
    db.session.execute(stmt)


def save_episode_progress(
    profile_id: int, episode_id: int, *, position: float, duration: float, completed: bool, now: datetime
) -> None:
    """Upsert an episode's progress; once completed, an episode stays completed."""
    stmt = _insert(EpisodeProgress).values(
        profile_id=profile_id,
        episode_id=episode_id,
        position=position,
        duration=duration,
        completed=completed,
        updated_at=now,
    )
    new = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=[EpisodeProgress.profile_id, EpisodeProgress.episode_id],
        set_={
            "position": new.position,
            "duration": new.duration,
            "completed": or_(EpisodeProgress.completed, new.completed),
            "updated_at": new.updated_at,
        },
    )
    db.session.execute(stmt)


def save_rating(profile_id: int, title_id: int, value: int, now: datetime) -> None:
    stmt = _insert(Rating).values(profile_id=profile_id, title_id=title_id, value=value, updated_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Rating.profile_id, Rating.title_id],
        set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at},
    )
    db.session.execute(stmt)


def remove_rating(profile_id: int, title_id: int) -> None:
    db.session.execute(
        delete(Rating).where(Rating.profile_id == profile_id, Rating.title_id == title_id)
    )


def add_to_list(profile_id: int, title_id: int, now: datetime) -> None:
    """Adding twice keeps the first date, so My List keeps its order."""
    stmt = _insert(ListItem).values(profile_id=profile_id, title_id=title_id, added_at=now)
    db.session.execute(stmt.on_conflict_do_nothing(index_elements=[ListItem.profile_id, ListItem.title_id]))


def remove_from_list(profile_id: int, title_id: int) -> None:
    db.session.execute(
        delete(ListItem).where(ListItem.profile_id == profile_id, ListItem.title_id == title_id)
    )
