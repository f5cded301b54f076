"""The browse area."""

from flask import Blueprint

bp = Blueprint("browse", __name__, url_prefix=None)

from webapp.browse import home_routes, routes  # noqa: F401
