"""The watch area."""

from flask import Blueprint

bp = Blueprint("watch", __name__, url_prefix="/watch")

from webapp.watch import routes  # noqa: E402,F401
