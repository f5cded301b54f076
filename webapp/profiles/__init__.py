"""The profiles area (/profiles): who is watching, and managing the household's profiles.

One blueprint; current.py holds the chosen profile for every other area.
"""

from flask import Blueprint

bp = Blueprint("profiles", __name__, url_prefix="/profiles")

from webapp.profiles import routes  # noqa: F401
