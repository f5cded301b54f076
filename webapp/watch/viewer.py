"""What the title page's controls need to know about the current profile and a title."""

from dataclasses import dataclass

from webapp.extensions import db
from webapp.models import ListItem, Rating, Title
from webapp.profiles.current import load_current_profile
from webapp.watch.resume import PlayTarget, resume_target


@dataclass
class ViewerState:
    target: PlayTarget | None  # None: nothing to play (a series without episodes)
    rating: int | None
    in_list: bool


def viewer_state(title: Title) -> ViewerState | None:
    """The Play/Resume target, thumbs and My List of the current profile (three key lookups)."""
    profile = load_current_profile()
    if profile is None:
        return None
    rating = db.session.get(Rating, (profile.id, title.id))
    listed = db.session.get(ListItem, (profile.id, title.id)) is not None
    return ViewerState(resume_target(profile, title), rating.value if rating else None, listed)
