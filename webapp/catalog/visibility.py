"""The one visibility rule: which titles a profile may see.

Every list, search, page and recommendation passes through here, so a kids
profile can never meet a title above its limit, nor a profile that hides
AI-generated titles meet one, because one query forgot it.
"""

import numpy as np
from flask import abort
from sqlalchemy import Select, select

from webapp.catalog.ai_use import GENERATED
from webapp.extensions import db
from webapp.models import Profile, Title


def visible_titles(profile: Profile | None) -> Select:
    """A SELECT of the titles this profile may see (all titles when there is none)."""
    return restrict(select(Title), profile)


def restrict(query: Select, profile: Profile | None) -> Select:
    """Add the visibility rule to any query that selects from Title."""
    if profile is None:
        return query
    query = query.where(Title.maturity_age <= profile.maturity_limit)
    if profile.hide_ai_generated:
        # Unanswered titles (NULL) are not known to be AI-generated, so they stay.
        query = query.where(Title.ai_use.is_distinct_from(GENERATED))
    return query


def is_visible(title, profile: Profile | None) -> bool:
    """The rule for one title already loaded (a Title or a row with the same fields)."""
    if profile is None:
        return True
    if title.maturity_age > profile.maturity_limit:
        return False
    return not (profile.hide_ai_generated and title.ai_use == GENERATED)


def visible_mask(maturity: np.ndarray, generated: np.ndarray, profile: Profile) -> np.ndarray:
    """The rule over parallel arrays of minimum ages and AI-generated marks (in-memory indexes)."""
    mask = maturity <= profile.maturity_limit
    if profile.hide_ai_generated:
        mask &= ~generated
    return mask


def get_visible_title_or_404(title_id: int, profile: Profile | None) -> Title:
    """A title the profile may see; anything else is indistinguishable from missing."""
    title = db.session.get(Title, title_id)
    if title is None or not is_visible(title, profile):
        abort(404)
    return title


def visible_title_ids(profile: Profile | None) -> set[int]:
    return set(db.session.scalars(restrict(select(Title.id), profile)))
