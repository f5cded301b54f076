"""The one visibility rule: which titles a profile may see.

Every list, search, page and recommendation passes through here, so a kids
profile can never meet a title above its limit because one query forgot it.
"""

from flask import abort
from sqlalchemy import Select, select

from webapp.extensions import db
from webapp.models import Profile, Title


def visible_titles(profile: Profile | None) -> Select:
    """A SELECT of the titles this profile may see (all titles when there is none)."""
    query = select(Title)
    if profile is not None:
        query = query.where(Title.maturity_age <= profile.maturity_limit)
    return query


def restrict(query: Select, profile: Profile | None) -> Select:
    """Add the visibility rule to any query that selects from Title."""
    if profile is None:
        return query
    return query.where(Title.maturity_age <= profile.maturity_limit)


def is_visible(title: Title, profile: Profile | None) -> bool:
    return profile is None or title.maturity_age <= profile.maturity_limit


def get_visible_title_or_404(title_id: int, profile: Profile | None) -> Title:
    """A title the profile may see; anything else is indistinguishable from missing."""
    title = db.session.get(Title, title_id)
    if title is None or not is_visible(title, profile):
        abort(404)
    return title


def visible_title_ids(profile: Profile | None) -> set[int]:
    return set(db.session.scalars(restrict(select(Title.id), profile)))
