"""The JSON API (/api): the event log's intake, a title's state for a profile
and search suggestions.

One blueprint whose answers are JSON, errors included; guard.py says who may call it.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from webapp.api import routes  # noqa: F401
