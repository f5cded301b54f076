"""Search: the /search page, header suggestions and the full-text index behind them.

`webapp.search.service` answers queries; `webapp.search.indexer` keeps the index
in step with the catalog (`reindex_title`, `rebuild_index`, and an ORM hook that
reindexes titles changed through the session before each commit).
"""

from flask import Blueprint

from webapp.search.indexer import (
    rebuild_index,
    reindex_title,
    reindex_titles,
    watch_catalog_changes,
)

bp = Blueprint("search", __name__)
watch_catalog_changes()

from webapp.search import routes  # noqa: F401

__all__ = ["bp", "rebuild_index", "reindex_title", "reindex_titles"]
