"""Sign-up and sign-in forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

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
    password = PasswordField("Password", validators=[DataRequired("Choose a password.")])
    confirm = PasswordField(
        "Confirm password",
        validators=[
            DataRequired("Type the password again."),
            EqualTo("password", message="The two passwords do not match."),
        ],
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
