"""Who's watching: choosing, creating, editing and deleting profiles."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from webapp.auth.lockout import LockedOut, forget, pin_secret
from webapp.auth.safety import safe_next
from webapp.catalog.maturity import KIDS_MAX_LIMIT
from webapp.extensions import db
from webapp.models import Profile
from webapp.models.accounts import MAX_PROFILES
from webapp.profiles import bp
from webapp.profiles.current import load_current_profile, owned_profile_or_404, set_current_profile
from webapp.profiles.forms import ChooseForm, DeleteForm, PinForm, ProfileForm
from webapp.profiles.guards import (
    WRONG_PIN,
    change_refused,
    check_pin,
    forget_unlocks,
    locked_out_message,
    management_locked,
    unlock,
)


def _next_url() -> str | None:
    return safe_next(request.args.get("next"))


@bp.get("/")
@login_required
def choose():
    """Who's watching?"""
    profiles = current_user.profiles
    return render_template(
        "profiles/choose.html",
        profiles=profiles,
        form=ChooseForm(),
        next_url=_next_url(),
        can_add=len(profiles) < MAX_PROFILES and not management_locked(None),
    )


@bp.route("/<int:profile_id>/choose", methods=["GET", "POST"])
@login_required
def select(profile_id: int):
    """Switch to a profile; a profile with a PIN asks for it first."""
    profile = owned_profile_or_404(profile_id)
    form = PinForm() if profile.has_pin else ChooseForm()
    error, status = None, 200
    if request.method == "POST":
        error, status = _choice_error(profile, form)
        if error is None:
            set_current_profile(profile)
            forget_unlocks()
            return redirect(_next_url() or url_for("browse.home"))
    return render_template(
        "profiles/pin.html", profile=profile, form=form, next_url=_next_url(), error=error
    ), status


def _choice_error(profile: Profile, form) -> tuple[str | None, int]:
    """Why this POST may not switch to the profile (and the status to answer), or None."""
    if not form.validate_on_submit():
        errors = form.pin.errors
        return (errors[0] if errors else "The form expired. Try again."), 400
    if not profile.has_pin:
        return None, 200
    try:
        return (None, 200) if check_pin(profile, form.pin.data) else (WRONG_PIN, 403)
    except LockedOut as exc:
        return locked_out_message(exc.minutes), 403


@bp.get("/manage")
@login_required
def manage():
    """The list of profiles with edit and delete, and a button to add one."""
    profiles = current_user.profiles
    return render_template(
        "profiles/manage.html",
        profiles=profiles,
        locked={p.id: management_locked(p) for p in profiles},
        can_add=len(profiles) < MAX_PROFILES and not management_locked(None),
        max_profiles=MAX_PROFILES,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """Add a profile, up to MAX_PROFILES per account."""
    if management_locked(None):
        abort(403, description="Switch to a grown-up profile to add profiles.")
    if len(current_user.profiles) >= MAX_PROFILES:
        flash(f"An account can have at most {MAX_PROFILES} profiles.", "error")
        return redirect(url_for("profiles.manage"))
    form = ProfileForm(taken_names={p.name for p in current_user.profiles})
    if form.validate_on_submit():
        profile = Profile(account_id=current_user.id)
        _fill(profile, form)
        db.session.add(profile)
        if _commit(form):
            flash(f"Profile {profile.name} added.", "success")
            return redirect(url_for("profiles.choose"))
    status = 400 if form.is_submitted() else 200
    return render_template("profiles/form.html", form=form, profile=None), status


@bp.route("/<int:profile_id>/edit", methods=["GET", "POST"])
@login_required
def edit(profile_id: int):
    """Change a profile's name, colour, limit, kids flag or PIN."""
    profile = owned_profile_or_404(profile_id)
    if management_locked(profile):
        return _unlock_page(profile)
    others = {p.name for p in current_user.profiles if p.id != profile.id}
    form = ProfileForm(obj=profile if request.method == "GET" else None, taken_names=others)
    if request.method == "GET":
        form.pin.data = None
    error = None
    if form.validate_on_submit():
        error = change_refused(profile, form.current_secret.data, needed=_loosens(profile, form))
        if error is None:
            _fill(profile, form)
            if _commit(form):
                flash(f"Profile {profile.name} saved.", "success")
                return redirect(url_for("profiles.manage"))
    form.current_secret.data = None
    status = 403 if error else (400 if form.is_submitted() else 200)
    return render_template("profiles/form.html", form=form, profile=profile, error=error), status


def _loosens(profile: Profile, form: ProfileForm) -> bool:
    """Would the form let the profile see more than it does now?"""
    return form.maturity_limit.data > profile.maturity_limit or (
        profile.is_kids and not form.is_kids.data
    )


@bp.route("/<int:profile_id>/delete", methods=["GET", "POST"])
@login_required
def delete(profile_id: int):
    """Confirm, then delete a profile and everything it recorded."""
    profile = owned_profile_or_404(profile_id)
    if management_locked(profile):
        return _unlock_page(profile)
    form = DeleteForm()
    error = None
    if form.validate_on_submit():
        error = change_refused(profile, form.current_secret.data, needed=False)
        if error is None:
            name, secret = profile.name, pin_secret(profile.id)
            if (active := load_current_profile()) is not None and active.id == profile.id:
                set_current_profile(None)
            db.session.delete(profile)
            db.session.commit()
            forget(current_user.id, secret)
            flash(f"Profile {name} deleted.", "info")
            return redirect(url_for("profiles.manage"))
    status = 403 if error else (400 if form.is_submitted() else 200)
    return render_template("profiles/delete.html", form=form, profile=profile, error=error), status


@bp.post("/<int:profile_id>/unlock")
@login_required
def unlock_profile(profile_id: int):
    """From a kids profile, the target's PIN opens its management for this session."""
    profile = owned_profile_or_404(profile_id)
    form = PinForm()
    target = safe_next(request.args.get("next")) or url_for("profiles.edit", profile_id=profile.id)
    if not profile.has_pin:
        return _unlock_page(profile)
    if not form.validate_on_submit():
        return _unlock_page(
            profile, form.pin.errors[0] if form.pin.errors else "Enter the PIN.", 400
        )
    try:
        if not check_pin(profile, form.pin.data):
            return _unlock_page(profile, WRONG_PIN)
    except LockedOut as exc:
        return _unlock_page(profile, locked_out_message(exc.minutes))
    unlock(profile)
    return redirect(target)


def _unlock_page(profile: Profile, error: str | None = None, status: int = 403):
    return render_template(
        "profiles/unlock.html",
        profile=profile,
        form=PinForm(),
        error=error,
        next_url=request.path,
    ), status


def _fill(profile: Profile, form: ProfileForm) -> None:
    profile.name = form.name.data
    profile.avatar_color = form.avatar_color.data
    profile.is_kids = bool(form.is_kids.data)
    profile.hide_ai_generated = bool(form.hide_ai_generated.data)
    limit = form.maturity_limit.data
    profile.maturity_limit = min(limit, KIDS_MAX_LIMIT) if profile.is_kids else limit
    if form.pin.data:
        profile.set_pin(form.pin.data)
    elif form.remove_pin.data:
        profile.set_pin(None)


def _commit(form: ProfileForm) -> bool:
    """Commit, turning a same-name race into a form error."""
    try:
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        form.name.errors = [
            *form.name.errors,
            "Another profile on this account already has that name.",
        ]
        return False
