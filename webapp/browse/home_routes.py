"""The personalised home page, onboarding, and hiding a title from Continue Watching."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select, update

from webapp.activity.schema import EventError
from webapp.browse import bp
from webapp.catalog.visibility import restrict
from webapp.extensions import db
from webapp.home.onboarding import (
    MIN_PICKS,
    OnboardingError,
    needs_onboarding,
    onboarding_choices,
    save_picks,
    skip,
)
from webapp.home.page import home_rows_html
from webapp.input_guard import MAX_ID, whole_number
from webapp.models import Title, WatchState
from webapp.profiles.current import load_current_profile, profile_required


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
    return render_template("browse/home.html", rows_html=Markup(home_rows_html(profile)))


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
