"""Who may use the admin area, and which page of a list an admin URL asks for."""

from flask import abort, current_app, request
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from webapp.admin import bp
from webapp.extensions import db, login_manager


@bp.before_request
def require_admin():
    """Anonymous visitors go to sign in; signed-in non-admins get a 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not getattr(current_user, "is_admin", False):
        abort(403, "This area is for Marquee admins.")
    return None


def list_page(stmt: Select) -> Pagination:
    """The ?page= page of an admin list: odd numbers show the first page, ones past the end the last."""
    per_page = current_app.config["ADMIN_PAGE_SIZE"]
    raw = request.args.get("page", "1")
    number = int(raw) if raw.isdigit() and len(raw) < 9 else 1
    page = db.paginate(stmt, page=max(number, 1), per_page=per_page, error_out=False)
    if page.pages and page.page > page.pages:
        page = db.paginate(stmt, page=page.pages, per_page=per_page, error_out=False)
    return page
