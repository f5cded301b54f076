"""A profile's history as the viewer sees it: listing, removing, deleting, exporting.

Deleting removes rows for real (events and the current state they produced),
notes the erasure for the Parquet export's dropped months (webapp.activity.erasures),
and then sends `history_deleted`, so anything caching recommendations for the
profile can drop them.
"""

from dataclasses import dataclass
from datetime import datetime

from blinker import Namespace
from sqlalchemy import delete, select, update

from webapp.activity import erasures
from webapp.activity.episodes import episode_order, next_episode
from webapp.activity.vocabulary import PLAYBACK
from webapp.catalog.visibility import restrict
from webapp.extensions import db
from webapp.models import (
    Episode,
    EpisodeProgress,
    Event,
    ListItem,
    Profile,
    Rating,
    Season,
    Title,
    WatchState,
)

signals = Namespace()
# Sent with profile_id= and title_id= (None when everything was deleted).
history_deleted = signals.signal("history-deleted")


@dataclass
class Entry:
    """One line of viewing activity: a film, or one episode of a series."""

    title: Title
    episode: Episode | None
    season_number: int | None
    updated_at: datetime
    position: float
    duration: float
    completed: bool

    @property
    def percent(self) -> int:
        if self.completed:
            return 100
        return round(100 * self.position / self.duration) if self.duration else 0


def viewing_activity(profile: Profile, limit: int = 50, offset: int = 0) -> list[Entry]:
    """Films and episodes this profile played and may still see, newest first (two queries).

    Titles above the profile's current limit stay in the database (and in the
    account's data export) but are not listed: the limit may have been lowered.
    """
    wanted = limit + offset
    films = db.session.execute(
        restrict(
            select(WatchState, Title)
            .join(Title, Title.id == WatchState.title_id)
            .where(WatchState.profile_id == profile.id, Title.kind == "film")
            .order_by(WatchState.updated_at.desc())
            .limit(wanted),
            profile,
        )
    ).all()
    episodes = db.session.execute(
        restrict(
            select(EpisodeProgress, Episode, Season.number, Title)
            .join(Episode, Episode.id == EpisodeProgress.episode_id)
            .join(Season, Season.id == Episode.season_id)
            .join(Title, Title.id == Episode.title_id)
            .where(EpisodeProgress.profile_id == profile.id)
            .order_by(EpisodeProgress.updated_at.desc())
            .limit(wanted),
            profile,
        )
    ).all()
    entries = [
        Entry(t, None, None, s.updated_at, s.position, s.duration, s.completed) for s, t in films
    ] + [
        Entry(t, e, n, p.updated_at, p.position, p.duration, p.completed) for p, e, n, t in episodes
    ]
    entries.sort(key=lambda e: e.updated_at, reverse=True)
    return entries[offset:wanted]


def remove_title(profile_id: int, title_id: int) -> None:
    """Forget that this profile watched a title: progress and playback events (not commited)."""
    episode_ids = select(Episode.id).where(Episode.title_id == title_id)
    db.session.execute(
        delete(EpisodeProgress).where(
            EpisodeProgress.profile_id == profile_id, EpisodeProgress.episode_id.in_(episode_ids)
        )
    )
    db.session.execute(
        delete(WatchState).where(
            WatchState.profile_id == profile_id, WatchState.title_id == title_id
        )
    )
    db.session.execute(
        delete(Event).where(
            Event.profile_id == profile_id, Event.title_id == title_id, Event.type.in_(PLAYBACK)
        )
    )
    erasures.note(profile_id, title_id=title_id, playback_only=True)


def remove_episode(profile_id: int, episode_id: int) -> None:
    """Forget one episode; the series' resume point falls back to what remains (not committed)."""
    episode = db.session.get(Episode, episode_id)
    if episode is None:
        return
    db.session.execute(
        delete(EpisodeProgress).where(
            EpisodeProgress.profile_id == profile_id, EpisodeProgress.episode_id == episode_id
        )
    )
    db.session.execute(
        delete(Event).where(
            Event.profile_id == profile_id, Event.episode_id == episode_id, Event.type.in_(PLAYBACK)
        )
    )
    erasures.note(profile_id, episode_id=episode_id, playback_only=True)
    _restate_series(profile_id, episode.title_id)


def _restate_series(profile_id: int, title_id: int) -> None:
    """Point the series' WatchState at its most recent remaining episode, or drop it."""
    latest = db.session.execute(
        select(EpisodeProgress)
        .join(Episode, Episode.id == EpisodeProgress.episode_id)
        .where(EpisodeProgress.profile_id == profile_id, Episode.title_id == title_id)
        .order_by(EpisodeProgress.updated_at.desc())
        .limit(1)
    ).scalar()
    where = (WatchState.profile_id == profile_id, WatchState.title_id == title_id)
    if latest is None:
        db.session.execute(delete(WatchState).where(*where))
        return
    following = (
        next_episode(episode_order(title_id), latest.episode_id) if latest.completed else None
    )
    if following is not None:
        values = {
            "episode_id": following.id,
            "position": 0.0,
            "duration": following.seconds,
            "completed": False,
        }
    else:
        values = {
            "episode_id": latest.episode_id,
            "position": latest.position,
            "duration": latest.duration,
            "completed": latest.completed,
        }
    db.session.execute(update(WatchState).where(*where).values(**values))


def delete_all_history(profile_id: int) -> None:
    """Everything this profile did: events, progress, thumbs and My List (not committed)."""
    for model in (Event, EpisodeProgress, WatchState, Rating, ListItem):
        db.session.execute(delete(model).where(model.profile_id == profile_id))
    erasures.note(profile_id)


def announce_deleted(profile_id: int, title_id: int | None = None) -> None:
    """Tell listeners (recommendation caches) after the deletion was committed."""
    history_deleted.send(profile_id, profile_id=profile_id, title_id=title_id)
