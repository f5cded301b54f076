"""Media: uploaded video transcoded to HLS, and serving it behind signed, expiring URLs."""

from flask import Blueprint

bp = Blueprint("media", __name__, url_prefix="/media")

from webapp.media import routes  # noqa: F401
