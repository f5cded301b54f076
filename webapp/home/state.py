"""A profile's own state for the home page, in a fixed number of indexed queries."""

from dataclasses import dataclass, field

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Episode, ListItem, Rating, Season, WatchState

CONTINUE_LIMIT = 40


@dataclass
class Resume:
    title_id: int
    fraction: float
    episode_label: str | None  # "S2:E3 · Title" for series


@dataclass
class ProfileState:
    resume: list[Resume] = field(default_factory=list)  # Continue Watching, most recent first
    watched: set[int] = field(default_factory=set)  # any playback at all
    completed: set[int] = field(default_factory=set)  # finished films and series
    recently_completed: list[int] = field(default_factory=list)  # most recent first
    disliked: set[int] = field(default_factory=set)
    liked: dict[int, int] = field(default_factory=dict)  # title -> 1 or 2
    my_list: list[int] = field(default_factory=list)  # newest first


def load_state(profile_id: int) -> ProfileState:
    state = ProfileState()
    rows = db.session.execute(
        select(WatchState, Episode.number, Episode.name, Season.number)
        .outerjoin(Episode, Episode.id == WatchState.episode_id)
        .outerjoin(Season, Season.id == Episode.season_id)
        .where(WatchState.profile_id == profile_id)
        .order_by(WatchState.updated_at.desc())
    ).all()
    for ws, ep_number, ep_name, season_number in rows:
        state.watched.add(ws.title_id)
        if ws.completed:
            state.completed.add(ws.title_id)
            state.recently_completed.append(ws.title_id)
            continue
        if ws.hidden or len(state.resume) >= CONTINUE_LIMIT:
            continue
        fraction = ws.position / ws.duration if ws.duration else 0.0
        if ep_number is None and fraction <= 0.0:
            continue
        label = f"S{season_number}:E{ep_number} · {ep_name}" if ep_number is not None else None
        state.resume.append(Resume(ws.title_id, min(fraction, 1.0), label))
    for title_id, value in db.session.execute(
        select(Rating.title_id, Rating.value).where(Rating.profile_id == profile_id)
    ):
        if value < 0:
            state.disliked.add(title_id)
        else:
            state.liked[title_id] = value
    state.my_list = list(
        db.session.scalars(
            select(ListItem.title_id)
            .where(ListItem.profile_id == profile_id)
            .order_by(ListItem.added_at.desc())
        )
    )
    return state
