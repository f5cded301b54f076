"""Signing out of every device and changing the password, from the account page."""

from flask import abort, flash, redirect, render_template, session, url_for
from flask_login import current_user, logout_user

from webapp.account import bp
from webapp.account.forms import ChangePasswordForm, SignOutEverywhereForm
from webapp.account.routes import _grown_up
from webapp.auth.lockout import PASSWORD, LockedOut, attempt
from webapp.auth.sessions import revoke_all
from webapp.extensions import db
from webapp.profiles.current import profile_required
from webapp.profiles.guards import locked_out_message

WRONG_PASSWORD = "That is not your current password. Nothing was changed."


@bp.post("/sign-out-everywhere")
@profile_required
def sign_out_everywhere():
    """End every session of the account, this one included."""
    _grown_up()
    if not SignOutEverywhereForm().validate_on_submit():
        abort(400, description="That request was incomplete. Please try again.")
    revoke_all(current_user.id)
    session.clear()
    logout_user()
    flash("You are signed out on every device, this one included.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@profile_required
def change_password():
    """A new password needs the current one; every other device is then signed out."""
    _grown_up()
    form = ChangePasswordForm()
    error = None
    if form.validate_on_submit():
        account = current_user._get_current_object()
        try:
            right = attempt(
                account.id, PASSWORD, lambda: account.check_password(form.current_password.data)
            )
        except LockedOut as exc:
            right, error = False, locked_out_message(exc.minutes, "passwords")
        if right:
            account.set_password(form.new_password.data)
            db.session.commit()
            revoke_all(account.id, keep=account.sign_in_session.id)
            flash(
                "Password changed. Every other device is signed out; this one stays signed in.",
                "success",
            )
            return redirect(url_for("account.index"))
        error = error or WRONG_PASSWORD
    status = 403 if error else (400 if form.is_submitted() else 200)
    return render_template("account/password.html", form=form, error=error), status
