"""Sign-up, sign-in and sign-out."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from webapp.auth import bp
from webapp.auth.accounts import AccountError, authenticate, register_account
from webapp.auth.forms import LoginForm, SignupForm
from webapp.auth.safety import safe_next
from webapp.auth.sessions import revoke, start_session
from webapp.extensions import db, limiter
from webapp.profiles.defaults import create_first_profile

BAD_CREDENTIALS = "That email and password do not match an account."


def _start_session(account, remember: bool) -> None:
    """Sign in on a fresh session so that no value planted before sign-in survives it."""
    session.clear()
    start_session(account, request.headers.get("User-Agent"))
    login_user(account, remember=remember)


def _after_sign_in():
    """Always "Who's watching?" next, carrying a safe `next` along."""
    target = safe_next(request.args.get("next"))
    return redirect(
        url_for("profiles.choose", next=target) if target else url_for("profiles.choose")
    )


@bp.route("/signup", methods=["GET", "POST"])
# Only POSTs count, so reading the form is never refused.
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
def signup():
    """Create an account with a first profile, then sign in."""
    if current_user.is_authenticated:
        return redirect(url_for("browse.home"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            account = register_account(form.email.data, form.password.data)
            create_first_profile(account)
            db.session.commit()
        except (AccountError, IntegrityError) as exc:
            db.session.rollback()
            message = (
                str(exc)
                if isinstance(exc, AccountError)
                else ("An account with that email already exists. Sign in instead.")
            )
            form.email.errors = [*form.email.errors, message]
        else:
            _start_session(account, remember=False)
            flash("Welcome to Marquee. Your account is ready.", "success")
            return _after_sign_in()
    status = 400 if form.is_submitted() else 200
    return render_template("auth/signup.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """Sign in; a wrong email and a wrong password read the same."""
    if current_user.is_authenticated:
        return _after_sign_in()
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        account = authenticate(form.email.data, form.password.data)
        if account is not None:
            _start_session(account, remember=bool(form.remember.data))
            return _after_sign_in()
        error = BAD_CREDENTIALS
    elif form.is_submitted():
        error = BAD_CREDENTIALS if form.email.data and form.password.data else None
    status = 400 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    """Sign out: end this device's session on the server, then forget the cookies."""
    if current_user.is_authenticated:
        revoke(current_user.sign_in_session.id)
    # Clear first: logout_user then marks the remember cookie for deletion in the new session.
    session.clear()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
