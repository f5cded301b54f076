"""The profiles area."""

from flask import Blueprint

bp = Blueprint("profiles", __name__, url_prefix="/profiles")

from webapp.profiles import routes  # noqa: F401
