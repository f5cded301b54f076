"""Who may call the JSON API: a signed-in account with a chosen profile."""

from functools import wraps

from flask import current_app, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from webapp.profiles.current import load_current_profile


def profile_api(view):
    """JSON 401 instead of a redirect when there is no signed-in profile."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated or load_current_profile() is None:
            return jsonify(error="not signed in", message="Sign in and choose a profile."), 401
        return view(*args, **kwargs)

    return wrapped


def csrf_problem(payload) -> str | None:
    """Why the request's CSRF token is refused, or None.

    Pages send it in the X-CSRFToken header; navigator.sendBeacon cannot set
    headers, so beacons carry it in the body as `csrf_token`.
    """
    if not current_app.config["WTF_CSRF_ENABLED"]:
        return None
    token = request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token")
    if not token and isinstance(payload, dict):
        token = payload.get("csrf_token")
    try:
        validate_csrf(token if isinstance(token, str) else None)
    except ValidationError as exc:
        return str(exc) or "The CSRF token is missing or invalid."
    return None


def json_body():
    """The request body as JSON whatever its content type (beacons send text/plain), or None."""
    return request.get_json(force=True, silent=True)
