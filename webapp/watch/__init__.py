"""The watch area: the player (films and episodes), resume logic and My List."""

from flask import Blueprint

bp = Blueprint("watch", __name__)

from webapp.watch import routes  # noqa: F401
