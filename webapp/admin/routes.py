"""Routes of the admin area: the dashboard here, each catalog area in its own module."""

from flask import current_app, render_template
from sqlalchemy import func, select

from webapp.admin import access, bp  # noqa: F401  (access installs the admin-only guard)
from webapp.extensions import db
from webapp.models import Account, Episode, Genre, Person, Season, Title


@bp.get("/")
def index():
    """Counts of everything in the catalog, with links to manage each."""
    by_kind = dict(db.session.execute(select(Title.kind, func.count()).group_by(Title.kind)).all())
    counts = {
        "films": by_kind.get("film", 0),
        "series": by_kind.get("series", 0),
        "ai_use": dict(
            db.session.execute(select(Title.ai_use, func.count()).group_by(Title.ai_use)).all()
        ),
        "people": db.session.scalar(select(func.count()).select_from(Person)),
        "genres": db.session.scalar(select(func.count()).select_from(Genre)),
        "seasons": db.session.scalar(select(func.count()).select_from(Season)),
        "episodes": db.session.scalar(select(func.count()).select_from(Episode)),
        "accounts": db.session.scalar(select(func.count()).select_from(Account)),
        "admins": db.session.scalar(select(func.count()).where(Account.is_admin.is_(True))),
    }
    latest = db.session.scalars(
        select(Title).order_by(Title.added_at.desc(), Title.id.desc()).limit(8)
    ).all()
    return render_template("admin/index.html", counts=counts, latest=latest)


from webapp.admin import (  # noqa: F401  (each module adds its routes to bp)
    artwork_routes,
    credit_routes,
    genre_routes,
    import_routes,
    insights_routes,
    people_routes,
    recommender_routes,
    season_routes,
    title_routes,
)
from webapp.media import admin_routes as media_admin_routes  # noqa: F401  (uploads)

# The modules that make up catalog management (insights pages live on the same blueprint).
CATALOG_MODULES = frozenset(
    f"webapp.admin.{name}"
    for name in (
        "routes",
        "title_routes",
        "credit_routes",
        "season_routes",
        "people_routes",
        "genre_routes",
        "import_routes",
        "artwork_routes",
    )
)


@bp.context_processor
def admin_navigation() -> dict:
    """Whether the insights pages are installed, for the admin menu."""
    return {"has_insights": "admin.insights_index" in current_app.view_functions}
