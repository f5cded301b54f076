"""The account area (/account): settings, the data export and the sign-in sessions.

One blueprint for everything an account holder manages about the account itself;
its routes live in routes.py and sign_in_routes.py.
"""

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from webapp.account import routes, sign_in_routes  # noqa: F401
