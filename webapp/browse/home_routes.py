"""The personalised home page, onboarding, and hiding a title from Continue Watching."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select, update

from webapp.activity.schema import EventError
from webapp.browse import bp
from webapp.catalog.visibility import restrict
from webapp.extensions import db
from webapp.home.builder import build_home
from webapp.home.catalog_index import catalog_index
from webapp.home.onboarding import (
    MIN_PICKS,
    OnboardingError,
    needs_onboarding,
    onboarding_choices,
    save_picks,
    skip,
)
from webapp.home.page_cache import cache as page_cache
from webapp.home.page_cache import profile_fingerprint
from webapp.home.trending import trending
from webapp.input_guard import MAX_ID, whole_number
from webapp.models import Title, WatchState
from webapp.profiles.current import load_current_profile, profile_required
from webapp.recommendations.store import current_model, model_store


@bp.get("/")
def home():
    """Rows for the chosen profile; a welcome page for visitors."""
    if not current_user.is_authenticated:
        return render_template("browse/welcome.html")
    profile = load_current_profile()
    if profile is None:
        return redirect(url_for("profiles.choose"))
    if needs_onboarding(profile):
        return redirect(url_for("browse.onboarding"))
    return render_template("browse/home.html", rows_html=Markup(_personal_rows_html(profile)))


def _personal_rows_html(profile) -> str:
    """The rows' HTML from the per-worker cache, or built now when anything they depend on changed."""
    model = current_model()
    key = (
        profile.id,
        profile.name,
        profile.maturity_limit,
        profile.hide_ai_generated,
        profile_fingerprint(profile.id),
        model_store().version if model is not None else None,
        catalog_index().built_at,
        trending().computed_at,
    )
    html = page_cache.get(key)
    if html is None:
        page = build_home(profile)
        hero = page.rows[0].items[0].title if page.rows and page.rows[0].items else None
        html = render_template(
            "browse/_home_rows.html", rows=page.rows, hero=hero, page=page, profile=profile
        )
        page_cache.put(key, html)
    return html


@bp.route("/welcome/picks", methods=["GET", "POST"])
@profile_required
def onboarding():
    """Pick a few titles you like: the first personal page is built from them at once."""
    profile = load_current_profile()
    error = None
    if request.method == "POST":
        if request.form.get("skip"):
            skip(profile)
            return redirect(url_for("browse.home"))
        try:
            picks = [whole_number(v, "pick", 1, MAX_ID) for v in request.form.getlist("pick")]
            save_picks(profile, picks, request.headers.get("User-Agent"))
        except ValueError as exc:
            db.session.rollback()
            error = (
                exc.message
                if isinstance(exc, EventError)
                else (
                    str(exc)
                    if isinstance(exc, OnboardingError)
                    else "Those picks are not available."
                )
            )
        else:
            flash("Thanks! Your home page is now tuned to your picks.", "success")
            return redirect(url_for("browse.home"))
    ids = onboarding_choices(profile)
    titles = {
        t.id: t
        for t in db.session.scalars(restrict(select(Title).where(Title.id.in_(ids)), profile))
    }
    choices = [titles[t] for t in ids if t in titles]
    return (
        render_template(
            "browse/onboarding.html",
            choices=choices,
            min_picks=MIN_PICKS,
            error=error,
            # After an error the page shows the picks already ticked, not an empty grid.
            picked={int(v) for v in request.form.getlist("pick") if v.isdigit() and len(v) < 12},
        ),
        400 if error else 200,
    )


@bp.post("/continue-watching/<int:title_id>/hide")
@profile_required
def hide_from_continue(title_id: int):
    """Take a title out of Continue Watching; its resume point is kept."""
    profile = load_current_profile()
    result = db.session.execute(
        update(WatchState)
        .where(WatchState.profile_id == profile.id, WatchState.title_id == title_id)
        .values(hidden=True)
    )
    db.session.commit()
    if result.rowcount == 0:
        abort(404)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(hidden=True, title_id=title_id)
    flash("Removed from Continue Watching. Your place is kept if you come back to it.", "success")
    return redirect(url_for("browse.home"))
