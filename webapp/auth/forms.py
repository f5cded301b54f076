"""Sign-up, sign-in and password-reset forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import PasswordInput

from webapp.auth.accounts import (
    MAX_PASSWORD_LENGTH,
    AccountError,
    find_account,
    normalize_email,
    password_problem,
)


class SignupForm(FlaskForm):
    email = EmailField(
        "Email", validators=[DataRequired("Enter your email address."), Length(max=254)]
    )
    # Asked once, and shown again when only the email needs fixing (a refused password
    # is cleared): a typo in it is mended by "Forgot your password?".
    password = PasswordField(
        "Password",
        validators=[DataRequired("Choose a password.")],
        widget=PasswordInput(hide_value=False),
    )
    submit = SubmitField("Create account")

    def validate_email(self, field) -> None:
        try:
            field.data = normalize_email(field.data)
        except AccountError as exc:
            raise ValidationError(str(exc)) from exc
        if find_account(field.data) is not None:
            raise ValidationError("An account with that email already exists. Sign in instead.")

    def validate_password(self, field) -> None:
        problem = password_problem(field.data)
        if problem:
            field.data = ""
            raise ValidationError(problem)


class LoginForm(FlaskForm):
    # No format checks here: every failure reads the same, so the form never
    # tells whether an email has an account.
    email = EmailField("Email", validators=[DataRequired("Enter your email address.")])
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=MAX_PASSWORD_LENGTH * 4)],
    )
    remember = BooleanField("Remember me")
    submit = SubmitField("Sign in")


class LogoutForm(FlaskForm):
    """Only carries the CSRF token: signing out is a POST."""


class ForgotPasswordForm(FlaskForm):
    # No format check beyond "something was typed": every answer reads the same.
    email = EmailField(
        "Email", validators=[DataRequired("Enter your email address."), Length(max=254)]
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired("Choose a new password.")])

    def validate_password(self, field) -> None:
        problem = password_problem(field.data)
        if problem:
            raise ValidationError(problem)
