"""Forgot password: ask for a link by email, then choose a new password from it."""

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, logout_user

from webapp.auth import bp
from webapp.auth.forms import ForgotPasswordForm, ResetPasswordForm
from webapp.auth.reset import account_for_token, send_reset_mail, set_new_password
from webapp.extensions import limiter

SENT = (
    "If an account uses that address, a link to choose a new password is on its way. "
    "It works once, for a limited time."
)
SPENT = "That link has expired or was already used. Ask for a new one below."


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
def forgot_password():
    """The same answer whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        send_reset_mail(form.email.data)
        flash(SENT, "info")
        return redirect(url_for("auth.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/forgot.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password; every device, this one included, is then signed out."""
    account = account_for_token(token)
    if account is None:
        flash(SPENT, "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        set_new_password(account, form.password.data)
        if current_user.is_authenticated:
            session.clear()
            logout_user()
        flash("Your password is changed and every device is signed out. Sign in again.", "success")
        return redirect(url_for("auth.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/reset.html", form=form, token=token, email=account.email), status
