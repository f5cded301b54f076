"""Where playback starts: the resume point of a film, the right episode of a series."""

from dataclasses import dataclass

from sqlalchemy import select

from webapp.activity.episodes import (
    EpisodeSlot,
    episode_order,
    film_seconds,
    is_complete,
    next_episode,
)
from webapp.extensions import db
from webapp.models import EpisodeProgress, Profile, Title, WatchState


@dataclass
class PlayTarget:
    """What the player opens: a film or one episode, from a position."""

    title: Title
    episode: EpisodeSlot | None
    start: float
    duration: float
    next_episode: EpisodeSlot | None

    @property
    def resuming(self) -> bool:
        return self.start > 0

    @property
    def episode_code(self) -> str:
        return f"S{self.episode.season}:E{self.episode.number}" if self.episode else ""

    @property
    def label(self) -> str:
        """The Play button's words: "Resume", "Play S1:E1", "Resume S2:E3"."""
        verb = "Resume" if self.resuming else "Play"
        return f"{verb} {self.episode_code}" if self.episode else verb


def _start_from(position: float, duration: float) -> float:
    """Resume mid-way; anything nearly finished starts again from the top."""
    return position if 0 < position and not is_complete(position, duration) else 0.0


def resume_target(profile: Profile, title: Title) -> PlayTarget | None:
    """Where this profile continues the title; None for a series without episodes."""
    state = db.session.get(WatchState, (profile.id, title.id))
    if not title.is_series:
        duration = film_seconds(title)
        start = 0.0 if state is None or state.completed else _start_from(state.position, duration)
        return PlayTarget(title, None, start, duration, None)
    order = episode_order(title.id)
    if not order:
        return None
    by_id = {slot.id: slot for slot in order}
    if state is None or state.completed or state.episode_id not in by_id:
        # New, finished (watch again from the start) or the episode is gone.
        episode, start = order[0], 0.0
    else:
        episode = by_id[state.episode_id]
        start = _start_from(state.position, episode.seconds)
    return PlayTarget(title, episode, start, episode.seconds, next_episode(order, episode.id))


def episode_target(profile: Profile, title: Title, episode_id: int) -> PlayTarget | None:
    """One chosen episode, from where this profile left it; None if not an episode of the title."""
    order = episode_order(title.id)
    episode = next((slot for slot in order if slot.id == episode_id), None)
    if episode is None:
        return None
    progress = db.session.get(EpisodeProgress, (profile.id, episode_id))
    start = 0.0 if progress is None else _start_from(progress.position, episode.seconds)
    return PlayTarget(title, episode, start, episode.seconds, next_episode(order, episode.id))


def episode_progress_map(profile: Profile, episode_ids: list[int]) -> dict[int, EpisodeProgress]:
    """This profile's progress on these episodes, for episode lists."""
    if not episode_ids:
        return {}
    rows = db.session.scalars(
        select(EpisodeProgress).where(
            EpisodeProgress.profile_id == profile.id, EpisodeProgress.episode_id.in_(episode_ids)
        )
    )
    return {row.episode_id: row for row in rows}
