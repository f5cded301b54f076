"""'More like this' on a title page: the recommender's similar titles, visible to the profile.

The title page's view calls it and hands the row to its template; the row's
`meta["model_version"]` names the model that chose it, for the page's event log.
"""

from sqlalchemy import select

from webapp.catalog.visibility import restrict
from webapp.extensions import db
from webapp.home.catalog_index import catalog_index
from webapp.home.types import Row, RowItem
from webapp.models import Profile, Rating, Title
from webapp.recommendations.store import model_for_catalog, model_store
from webapp.recommendations.wording import reason

LIMIT = 20


def more_like_this(title: Title, profile: Profile | None) -> Row | None:
    """A row of similar titles with their reasons, or None when there is no model or nothing fits.

    The row's meta holds `model_version`, the version of the model that chose it.
    """
    if profile is None:
        return None
    index = catalog_index()
    # A title added since training may be opened before any home page taught it to this worker.
    model = model_for_catalog(index.max_id)
    if model is None:
        return None
    allowed = index.allowed(profile)
    disliked = set(
        db.session.scalars(
            select(Rating.title_id).where(Rating.profile_id == profile.id, Rating.value < 0)
        )
    )
    try:
        similar = model.similar_items(
            title.id, k=LIMIT, allowed=allowed, exclude=disliked | {title.id}
        )
    except ValueError:  # a title added after training that the model has not met yet
        return None
    ids = [r.item_id for r in similar]
    titles = {
        t.id: t
        for t in db.session.scalars(restrict(select(Title).where(Title.id.in_(ids)), profile))
    }
    items = tuple(
        RowItem(titles[r.item_id], 0, reason(r, model)) for r in similar if r.item_id in titles
    )
    if not items:
        return None
    return Row(
        key="more-like-this",
        title="More like this",
        items=items,
        kind="similar",
        anchor=title.id,
        meta={"model_version": model_store().version},
    )
