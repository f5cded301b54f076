"""The auth area: sign-up, sign-in, sign-out and the remember-me session loader."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from webapp.auth import loader, routes  # noqa: F401
