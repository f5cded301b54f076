"""Rate limits on sign-in and sign-up, so passwords cannot be guessed at speed.

Counters live in MARQUEE_RATELIMIT_STORAGE (default "memory://", one count per
gunicorn worker); point it at "redis://..." or "memcached://..." to share one
count across workers and hosts. Limits count POSTs per client address.
"""

import os

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

LOGIN_LIMIT = "10 per minute; 60 per hour"
SIGNUP_LIMIT = "5 per minute; 30 per hour"
# Endpoint -> limit; only POSTs count, so reading the form is never refused.
LIMITED_VIEWS = {"auth.login": "LOGIN_RATE_LIMIT", "auth.signup": "SIGNUP_RATE_LIMIT"}


def init_app(app: Flask) -> Limiter | None:
    """Wrap the sign-in and sign-up views with their limits; None when limiting is off."""
    app.config.setdefault("RATELIMIT_ENABLED", True)
    app.config.setdefault(
        "RATELIMIT_STORAGE_URI", os.environ.get("MARQUEE_RATELIMIT_STORAGE", "memory://")
    )
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("LOGIN_RATE_LIMIT", os.environ.get("MARQUEE_LOGIN_LIMIT", LOGIN_LIMIT))
    app.config.setdefault("SIGNUP_RATE_LIMIT", os.environ.get("MARQUEE_SIGNUP_LIMIT", SIGNUP_LIMIT))
    if not app.config["RATELIMIT_ENABLED"]:
        return None
    # One limiter per app: its storage and settings belong to this app alone.
    limiter = Limiter(get_remote_address, app=app)
    for endpoint, setting in LIMITED_VIEWS.items():
        view = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(app.config[setting], methods=["POST"])(view)
    return limiter
