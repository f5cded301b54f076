"""The browse area: the home page, films and series by kind and genre,
title and person pages, and drawn artwork.

One blueprint at the top level of the site; the rows themselves are planned in
webapp.home, so these routes stay thin.
"""

from flask import Blueprint

bp = Blueprint("browse", __name__, url_prefix=None)

from webapp.browse import home_routes, routes  # noqa: F401
