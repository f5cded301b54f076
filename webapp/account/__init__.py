"""The account area."""

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from webapp.account import routes, sign_in_routes  # noqa: F401
