"""The browse area."""

from flask import Blueprint

bp = Blueprint("browse", __name__, url_prefix=None)

from webapp.browse import routes  # noqa: F401
