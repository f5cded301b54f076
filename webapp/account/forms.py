"""Forms of the account area: every state change carries a CSRF token."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, PasswordField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from webapp.auth.accounts import MAX_PASSWORD_LENGTH, password_problem
from webapp.profiles.forms import SECRET_MAX_LENGTH


def _current_secret() -> PasswordField:
    """A PIN-locked profile's PIN or the account password, asked before changing it."""
    return PasswordField(
        "PIN or account password", validators=[Optional(), Length(max=SECRET_MAX_LENGTH)]
    )


from webapp.input_guard import MAX_ID


class PauseHistoryForm(FlaskForm):
    paused = HiddenField(validators=[AnyOf(["0", "1"])])
    current_secret = _current_secret()


class DeleteHistoryForm(FlaskForm):
    confirm = BooleanField(
        "Yes, delete all of this profile's history",
        validators=[DataRequired("Tick the box to confirm.")],
    )
    current_secret = _current_secret()


class RemoveEntryForm(FlaskForm):
    kind = HiddenField(validators=[AnyOf(["title", "episode"])])
    item_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])


class ExportForm(FlaskForm):
    pass


class SignOutEverywhereForm(FlaskForm):
    """Only carries the CSRF token."""


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[
            DataRequired("Enter your current password."),
            Length(max=MAX_PASSWORD_LENGTH * 4),
        ],
    )
    new_password = PasswordField(
        "New password", validators=[DataRequired("Choose a new password.")]
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired("Type the new password again."),
            EqualTo("new_password", message="The two new passwords do not match."),
        ],
    )

    def validate_new_password(self, field) -> None:
        problem = password_problem(field.data)
        if problem:
            raise ValidationError(problem)
