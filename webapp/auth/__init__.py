"""The auth area: sign-up, sign-in, sign-out, password reset and the session loader."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from webapp.auth import loader, reset_routes, routes  # noqa: F401
