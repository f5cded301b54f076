"""The profile that is watching: stored in the session, always owned by the signed-in account.

`load_viewer` reads the account and its profile before each view, so views
ask for them without a second query and templates only read what was loaded.
"""

from functools import wraps

from flask import g, redirect, request, session, url_for
from flask_login import current_user

from webapp.extensions import db
from webapp.models import Profile

SESSION_KEY = "profile_id"


def load_current_profile() -> Profile | None:
    """The session's profile, if it still exists and belongs to the signed-in account."""
    if "current_profile" in g:
        return g.current_profile
    profile = None
    profile_id = session.get(SESSION_KEY)
    if profile_id is not None and current_user.is_authenticated:
        candidate = db.session.get(Profile, profile_id)
        if candidate is not None and candidate.account_id == current_user.id:
            profile = candidate
        else:
            session.pop(SESSION_KEY, None)
    g.current_profile = profile
    return profile


def load_viewer() -> None:
    """Before each request: the signed-in account and its chosen profile, read once."""
    # Files and health probes render no page and must not wait on the database.
    if request.endpoint == "static" or request.blueprint == "health":
        return
    if current_user.is_authenticated:
        load_current_profile()


def viewer_profile() -> Profile | None:
    """The profile `load_viewer` read for this request; never asks the database."""
    return g.get("current_profile")


def set_current_profile(profile: Profile | None) -> None:
    if profile is None:
        session.pop(SESSION_KEY, None)
    else:
        session[SESSION_KEY] = profile.id
    g.current_profile = profile


def owned_profile_or_404(profile_id: int) -> Profile:
    """Another account's profile is reported as missing, never as forbidden."""
    from flask import abort

    profile = db.session.get(Profile, profile_id)
    if (
        profile is None
        or not current_user.is_authenticated
        or profile.account_id != current_user.id
    ):
        abort(404)
    return profile


def profile_required(view):
    """Sign-in and a chosen profile are needed; otherwise go to the right step."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        if load_current_profile() is None:
            return redirect(url_for("profiles.choose", next=request.full_path))
        return view(*args, **kwargs)

    return wrapped
