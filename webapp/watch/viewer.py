"""What the title page's controls need to know about a profile and a title."""

from dataclasses import dataclass

from webapp.extensions import db
from webapp.models import ListItem, Profile, Rating, Title
from webapp.watch.resume import PlayTarget, resume_target


@dataclass
class ViewerState:
    target: PlayTarget | None  # None: nothing to play (a series without episodes)
    rating: int | None
    in_list: bool


def viewer_state(profile: Profile, title: Title) -> ViewerState:
    """The Play/Resume target, thumbs and My List of a profile (three key lookups)."""
    rating = db.session.get(Rating, (profile.id, title.id))
    listed = db.session.get(ListItem, (profile.id, title.id)) is not None
    return ViewerState(resume_target(profile, title), rating.value if rating else None, listed)
