"""Who may use the admin area, and loading records named in admin URLs."""

from flask import abort
from flask_login import current_user

from webapp.admin import bp
from webapp.extensions import db, login_manager

# Ids beyond a 32-bit integer cannot exist; refusing them early also spares
# SQLite an integer overflow.
MAX_ID = 2**31 - 1


@bp.before_request
def require_admin():
    """Anonymous visitors go to sign in; signed-in non-admins get a 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not getattr(current_user, "is_admin", False):
        abort(403, "This area is for Marquee admins.")
    return None


def get_or_404(model, record_id: int):
    """The record with this id, or a 404."""
    record = db.session.get(model, record_id) if 0 < record_id <= MAX_ID else None
    if record is None:
        abort(404)
    return record
