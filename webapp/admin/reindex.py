"""Telling search about catalog changes, when the search package is installed."""

import logging

from webapp.extensions import db

log = logging.getLogger(__name__)


def reindex(title_ids) -> None:
    """Reindex these titles (after the change is committed); search is optional."""
    ids = sorted({i for i in title_ids if i})
    if not ids:
        return
    try:
        from webapp import search
    except ImportError:
        return
    many = getattr(search, "reindex_titles", None)
    one = getattr(search, "reindex_title", None)
    if many is None and one is None:
        return
    try:
        if many is not None:  # one batched call for bulk imports
            many(ids)
        else:
            for title_id in ids:
                one(title_id)
        db.session.commit()
    except Exception:
        # The catalog change is already saved; a stale index must not turn it into an error.
        db.session.rollback()
        log.exception("search reindex failed for titles %s", ids[:20])
