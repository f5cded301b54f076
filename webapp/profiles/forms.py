"""Profile forms: create/edit, choose with a PIN, unlock management, delete."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from webapp.catalog.maturity import KIDS_MAX_LIMIT, PROFILE_LIMITS
from webapp.profiles.defaults import AVATAR_COLOURS

PIN_RULE = Regexp(r"^\d{4}$", message="A PIN is exactly 4 digits.")
# Long enough for any password the site accepts; longer input is never hashed.
SECRET_MAX_LENGTH = 512


def _strip(value):
    return " ".join(value.split()) if isinstance(value, str) else value


class ProfileForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[_strip],
        validators=[
            DataRequired("Give the profile a name."),
            Length(max=40, message="Use at most 40 characters."),
        ],
    )
    avatar_color = RadioField(
        "Avatar colour",
        choices=[SelectChoice(hex_, label) for hex_, label in AVATAR_COLOURS],
        default=AVATAR_COLOURS[0][0],
        validators=[DataRequired("Pick an avatar colour.")],
    )
    maturity_limit = SelectField(
        "Maturity limit",
        choices=[SelectChoice(limit, label) for limit, label in PROFILE_LIMITS],
        coerce=int,
        default=18,
    )
    is_kids = BooleanField("Kids profile (simpler look, at most older-kids titles)")
    hide_ai_generated = BooleanField("Hide AI-generated titles")
    pin = PasswordField(
        "PIN (optional, 4 digits)",
        filters=[lambda v: (v or "").strip() or None],
        validators=[Optional(), PIN_RULE],
        render_kw={"inputmode": "numeric", "autocomplete": "new-password", "maxlength": 4},
    )
    remove_pin = BooleanField("Remove the PIN")
    current_secret = PasswordField(
        "Current PIN or account password",
        validators=[Optional(), Length(max=SECRET_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Save")

    def __init__(self, *args, taken_names: set[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self._taken = {n.casefold() for n in taken_names}

    def validate_name(self, field) -> None:
        if field.data and field.data.casefold() in self._taken:
            raise ValidationError("Another profile on this account already has that name.")

    def validate_maturity_limit(self, field) -> None:
        if self.is_kids.data and field.data is not None and field.data > KIDS_MAX_LIMIT:
            raise ValidationError(
                "A kids profile can see at most older-kids titles (up to PG, TV-PG)."
            )


class PinForm(FlaskForm):
    pin = PasswordField(
        "PIN",
        validators=[DataRequired("Enter the profile's PIN."), PIN_RULE],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 4},
    )
    submit = SubmitField("Continue")


class ChooseForm(FlaskForm):
    """Choosing a profile; the PIN is only checked when the profile has one."""

    pin = PasswordField(
        "PIN", render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 4}
    )


class DeleteForm(FlaskForm):
    current_secret = PasswordField(
        "PIN or account password",
        validators=[Optional(), Length(max=SECRET_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Delete profile")
