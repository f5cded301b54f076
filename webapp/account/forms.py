"""Forms of the account area: every state change carries a CSRF token."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField
from wtforms.validators import AnyOf, DataRequired, InputRequired, NumberRange

from webapp.input_guard import MAX_ID


class PauseHistoryForm(FlaskForm):
    paused = HiddenField(validators=[AnyOf(["0", "1"])])


class DeleteHistoryForm(FlaskForm):
    confirm = BooleanField(
        "Yes, delete all of this profile's history",
        validators=[DataRequired("Tick the box to confirm.")],
    )


class RemoveEntryForm(FlaskForm):
    kind = HiddenField(validators=[AnyOf(["title", "episode"])])
    item_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])


class ExportForm(FlaskForm):
    pass
