"""Account settings: privacy controls, viewing activity, data export, what we collect."""

import json

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp.account import bp
from webapp.account.export import export_account
from webapp.account.forms import (
    DeleteHistoryForm,
    ExportForm,
    PauseHistoryForm,
    RemoveEntryForm,
    SignOutEverywhereForm,
)
from webapp.activity.history import (
    announce_deleted,
    delete_all_history,
    remove_episode,
    remove_title,
    viewing_activity,
)
from webapp.auth.sessions import open_sessions
from webapp.extensions import db
from webapp.input_guard import page_arg
from webapp.models import Episode
from webapp.models.base import utcnow
from webapp.profiles.current import load_current_profile, owned_profile_or_404, profile_required
from webapp.profiles.guards import change_refused

ACTIVITY_PAGE = 50


def _grown_up() -> None:
    """Account-wide controls are not for kids profiles."""
    profile = load_current_profile()
    if profile is not None and profile.is_kids:
        abort(
            403, description="Ask a grown-up: account settings are not available on a kids profile."
        )


def _locked_profile_check(profile, answer: str | None) -> None:
    """A PIN-locked profile's history changes only with its PIN or the account password."""
    error = change_refused(profile, answer, needed=False)
    if error:
        abort(403, description=error)


@bp.get("/")
@profile_required
def index():
    _grown_up()
    return render_template(
        "account/index.html",
        sessions=open_sessions(current_user.id),
        this_session=current_user.sign_in_session.id,
        sign_out_form=SignOutEverywhereForm(),
    )


@bp.get("/privacy")
@profile_required
def privacy():
    """Per profile: pause history, delete history; for the account: download everything."""
    _grown_up()
    return render_template(
        "account/privacy.html",
        profiles=current_user.profiles,
        pause_form=PauseHistoryForm(),
        delete_form=DeleteHistoryForm(),
        export_form=ExportForm(),
    )


@bp.post("/profiles/<int:profile_id>/history/pause")
@profile_required
def pause_history(profile_id: int):
    _grown_up()
    profile = owned_profile_or_404(profile_id)
    form = PauseHistoryForm()
    if not form.validate_on_submit():
        abort(400, description="That request was incomplete. Please try again.")
    _locked_profile_check(profile, form.current_secret.data)
    profile.history_paused = form.paused.data == "1"
    db.session.commit()
    if profile.history_paused:
        flash(
            f"History is paused for {profile.name}: nothing they watch or browse is recorded.",
            "success",
        )
    else:
        flash(f"History is recorded again for {profile.name}.", "success")
    return redirect(url_for("account.privacy"))


@bp.post("/profiles/<int:profile_id>/history/delete")
@profile_required
def delete_history(profile_id: int):
    _grown_up()
    profile = owned_profile_or_404(profile_id)
    form = DeleteHistoryForm()
    if not form.validate_on_submit():
        flash(
            "Tick the box to confirm that you want to delete all of this profile's history.",
            "error",
        )
        return redirect(url_for("account.privacy"))
    _locked_profile_check(profile, form.current_secret.data)
    delete_all_history(profile.id)
    db.session.commit()
    announce_deleted(profile.id)
    flash(f"All history of {profile.name} was deleted.", "success")
    return redirect(url_for("account.privacy"))


@bp.post("/export")
@profile_required
def export():
    """Download everything held about this account as one JSON file."""
    _grown_up()
    if not ExportForm().validate_on_submit():
        abort(400, description="That request was incomplete. Please try again.")
    body = json.dumps(export_account(current_user), indent=1, ensure_ascii=False)
    stamp = utcnow().strftime("%Y%m%d")
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="marquee-account-{stamp}.json"'},
    )


@bp.get("/activity")
@profile_required
def activity():
    """What the current profile watched, newest first."""
    page = page_arg(ACTIVITY_PAGE) or 1
    if page < 1 or page > 1000:
        abort(404)
    profile = load_current_profile()
    entries = viewing_activity(profile, limit=ACTIVITY_PAGE + 1, offset=(page - 1) * ACTIVITY_PAGE)
    return render_template(
        "account/activity.html",
        entries=entries[:ACTIVITY_PAGE],
        has_more=len(entries) > ACTIVITY_PAGE,
        page=page,
        form=RemoveEntryForm(),
    )


@bp.post("/activity/remove")
@profile_required
def remove_entry():
    """Remove one film or episode from the current profile's viewing activity."""
    profile = load_current_profile()
    page = page_arg(ACTIVITY_PAGE)  # read first: a bad page must not follow a removal
    form = RemoveEntryForm()
    if not form.validate_on_submit():
        abort(400, description="That request was incomplete. Please try again.")
    if form.kind.data == "title":
        remove_title(profile.id, form.item_id.data)
        title_id = form.item_id.data
    else:
        episode = db.get_or_404(Episode, form.item_id.data)
        title_id = episode.title_id
        remove_episode(profile.id, episode.id)
    db.session.commit()
    announce_deleted(profile.id, title_id)
    flash("Removed from your viewing activity.", "success")
    return redirect(url_for("account.activity", page=page))


@bp.get("/what-we-collect")
def what_we_collect():
    """Plain words about what is recorded and why; readable before signing up."""
    return render_template("account/what_we_collect.html")
