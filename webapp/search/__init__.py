"""Search: the /search page, header suggestions and the full-text index behind them.

`webapp.search.service` answers queries; `webapp.search.indexer` keeps the index
in step with the catalog: `init_app` installs its ORM hook, which reindexes the
titles that rows changed through the session touch, before each commit
(`rebuild_index` after bulk loads).
"""

from flask import Blueprint, Flask

from webapp.search.indexer import (
    rebuild_index,
    reindex_title,
    reindex_titles,
    watch_catalog_changes,
)

bp = Blueprint("search", __name__)


def init_app(app: Flask) -> None:
    """Keep the index in step with the catalog (session hooks, installed once per process)."""
    watch_catalog_changes()


from webapp.search import routes  # noqa: F401

__all__ = ["bp", "rebuild_index", "reindex_title", "reindex_titles"]
