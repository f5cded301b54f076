"""Rate limits on sign-in, sign-up and reset mails, so passwords cannot be guessed at speed.

Counters live in RATELIMIT_STORAGE_URI (see Config). The default, "database://",
keeps them in the site's own database (webapp.ratelimit_storage), so every
gunicorn worker of a host counts the same hits; "redis://..." shares them across
hosts without touching the database. "memory://" counts per worker: N workers
allow N times the limit. Limits count POSTs per client address.
"""

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from webapp.extensions import db
from webapp.ratelimit_storage import SCHEME

# Endpoint -> limit; only POSTs count, so reading the form is never refused.
LIMITED_VIEWS = {
    "auth.login": "LOGIN_RATE_LIMIT",
    "auth.signup": "SIGNUP_RATE_LIMIT",
    "auth.forgot_password": "PASSWORD_RESET_RATE_LIMIT",
}


def init_app(app: Flask) -> Limiter | None:
    """Wrap the sign-in and sign-up views with their limits; None when limiting is off."""
    if not app.config["RATELIMIT_ENABLED"]:
        return None
    options = {}
    if app.config["RATELIMIT_STORAGE_URI"].split("://", 1)[0] == SCHEME:
        with app.app_context():
            options["engine"] = db.engine
    # One limiter per app: its storage and settings belong to this app alone.
    limiter = Limiter(get_remote_address, app=app, storage_options=options)
    for endpoint, setting in LIMITED_VIEWS.items():
        view = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(app.config[setting], methods=["POST"])(view)
    return limiter
