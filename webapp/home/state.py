"""A profile's own state for the home page, from the rows its history is read from."""

from dataclasses import dataclass, field

from webapp.recommendations.feedback import ProfileRows, read_profile_rows

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
    rated_at: dict[int, object] = field(default_factory=dict)  # title -> when the thumb was given
    my_list: list[int] = field(default_factory=list)  # newest first


def load_state(profile_id: int, rows: ProfileRows | None = None) -> ProfileState:
    """The profile's rows for the home page, from `read_profile_rows` (read now unless given)."""
    rows = rows if rows is not None else read_profile_rows(profile_id)
    state = ProfileState()
    for (
        title_id,
        position,
        duration,
        completed,
        _,
        hidden,
        _,
        _,
        ep_number,
        ep_name,
        season_number,
    ) in rows.watch:
        state.watched.add(title_id)
        if completed:
            state.completed.add(title_id)
            state.recently_completed.append(title_id)
            continue
        if hidden or len(state.resume) >= CONTINUE_LIMIT:
            continue
        fraction = position / duration if duration else 0.0
        if ep_number is None and fraction <= 0.0:
            continue
        label = f"S{season_number}:E{ep_number} · {ep_name}" if ep_number is not None else None
        state.resume.append(Resume(title_id, min(fraction, 1.0), label))
    for title_id, value, rated_at in rows.ratings:
        if value < 0:
            state.disliked.add(title_id)
        else:
            state.liked[title_id] = value
            state.rated_at[title_id] = rated_at
    state.my_list = [title_id for title_id, _ in rows.list_items]
    return state
