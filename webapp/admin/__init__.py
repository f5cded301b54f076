"""The admin area (/admin): catalog, people, imports, insights and the recommender.

One blueprint for everything only an admin may do; access.py says who that is,
and each kind of record has its own *_routes.py module.
"""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from webapp.admin import routes  # noqa: F401
