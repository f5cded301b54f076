"""Admin forms: titles, people, genres, credits, seasons, episodes, artwork and the CSV upload."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select
from wtforms import (
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from webapp.admin import fields as f
from webapp.artwork.uploads import UPLOADED_STYLE
from webapp.catalog.ai_use import AI_USES, CHOICES, MAX_NOTE, needs_note
from webapp.catalog.maturity import FILM_RATINGS, SERIES_RATINGS
from webapp.catalog.service import slugify
from webapp.extensions import db
from webapp.models import Artwork, Genre, Person, Title


class NoControlChars:
    """Refuse invisible control characters (NUL and friends).

    Stops the chain so that later checks never send such text to the database.
    """

    message = "Remove the invisible control characters from this field."

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and f.has_control_chars(field.data):
            raise StopValidation(self.message)


def _text(label: str, max_len: int, required: str | None = None, **kwargs) -> StringField:
    """A one-line text field: squashed spaces, a length limit, no control characters."""
    rules = [DataRequired(required)] if required else [Optional()]
    rules += [Length(max=max_len, message=f"Use at most {max_len} characters."), NoControlChars()]
    return StringField(
        label, filters=[f.squash], validators=rules, render_kw={"maxlength": max_len}, **kwargs
    )


def _number(label: str, low: int, high: int, required: str | None = None) -> IntegerField:
    first = InputRequired(required) if required else Optional()
    return IntegerField(
        label,
        validators=[
            first,
            NumberRange(low, high, message=f"Use a whole number from {low} to {high}."),
        ],
        render_kw={"min": low, "max": high, "inputmode": "numeric"},
    )


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class ConfirmForm(FlaskForm):
    """An empty form: the CSRF token behind every delete, toggle and move button."""


class TitleForm(FlaskForm):
    kind = SelectField("Kind", choices=_choices(f.KINDS), default="film")
    name = _text("Name", f.MAX_TITLE_NAME, required="Give the title a name.")
    year = _number("Year", f.MIN_YEAR, f.MAX_YEAR)
    end_year = _number("Last year (series that ended)", f.MIN_YEAR, f.MAX_YEAR)
    runtime_minutes = _number("Runtime in minutes (films)", 1, f.MAX_RUNTIME)
    maturity_rating = SelectField(
        "Maturity rating",
        choices=[SelectChoice(r, optgroup="Films") for r in FILM_RATINGS]
        + [SelectChoice(r, optgroup="Series") for r in SERIES_RATINGS if r != "NR"],
        default="NR",
    )
    genres = SelectMultipleField("Genres", coerce=int, validate_choice=True)
    keywords = StringField(
        "Keywords (comma-separated)",
        filters=[f.squash],
        validators=[
            Optional(),
            Length(max=2000, message="That is too many keywords."),
            NoControlChars(),
        ],
    )
    synopsis = TextAreaField(
        "Synopsis",
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[
            Optional(),
            Length(max=f.MAX_SYNOPSIS, message=f"Use at most {f.MAX_SYNOPSIS} characters."),
            NoControlChars(),
        ],
        render_kw={"rows": 5, "maxlength": f.MAX_SYNOPSIS},
    )
    mood = SelectField(
        "Mood (colours the artwork)",
        choices=[SelectChoice(m, m.title()) for m in f.MOODS],
        default="cool",
    )
    ai_use = SelectField("Use of AI", choices=_choices(CHOICES), default="")
    ai_use_note = TextAreaField(
        "What AI did (shown to viewers)",
        filters=[f.squash],
        # No Optional(): it would end the chain before validate_ai_use_note asks for a note.
        validators=[
            Length(max=MAX_NOTE, message=f"Use at most {MAX_NOTE} characters."),
            NoControlChars(),
        ],
        render_kw={"rows": 2, "maxlength": MAX_NOTE},
    )

    def __init__(self, *args, has_seasons: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._has_seasons = has_seasons
        self.genres.choices = [
            SelectChoice(g.id, g.name)
            for g in db.session.scalars(select(Genre).order_by(Genre.name))
        ]

    def validate_kind(self, field) -> None:
        if field.data == "film" and self._has_seasons:
            raise ValidationError("This series has seasons: remove them before making it a film.")

    def validate_end_year(self, field) -> None:
        if field.data is not None and self.year.data is not None and field.data < self.year.data:
            raise ValidationError("The last year cannot come before the first.")

    def validate_maturity_rating(self, field) -> None:
        allowed = FILM_RATINGS if self.kind.data == "film" else SERIES_RATINGS
        if field.data not in allowed:
            kind = "film" if self.kind.data == "film" else "series"
            raise ValidationError(f"Pick a {kind} rating: {', '.join(allowed)}.")

    def validate_ai_use(self, field) -> None:
        if field.data not in AI_USES:
            raise ValidationError(
                "Say whether AI was used to make this title: none, AI-assisted or AI-generated."
            )

    def validate_ai_use_note(self, field) -> None:
        if needs_note(self.ai_use.data) and not field.data:
            raise ValidationError(
                "Tell viewers what AI did, e.g. “Some archival photographs were reconstructed "
                "with AI”."
            )

    def validate_keywords(self, field) -> None:
        words = self.keyword_list()
        if len(words) > f.MAX_KEYWORDS:
            raise ValidationError(f"Use at most {f.MAX_KEYWORDS} keywords.")
        too_long = [w for w in words if len(w) > f.MAX_KEYWORD]
        if too_long:
            raise ValidationError(f"Keep each keyword under {f.MAX_KEYWORD} characters.")
        for word in words:
            problem = f.slug_problem(word)
            if problem:
                raise ValidationError(problem)

    def keyword_list(self) -> list[str]:
        return [w.lower() for w in f.split_list(self.keywords.data, ",")]


class PersonForm(FlaskForm):
    name = _text("Name", f.MAX_PERSON_NAME, required="Give the person a name.")

    def __init__(self, *args, person_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._person_id = person_id

    def validate_name(self, field) -> None:
        problem = f.slug_problem(field.data or "")
        if problem:
            raise ValidationError(problem)
        slug = slugify(field.data or "")
        clash = db.session.scalar(
            select(Person).where(Person.slug == slug, Person.id != (self._person_id or 0))
        )
        if clash is not None:
            raise ValidationError(
                f"{clash.name} already has the address “{slug}”: use a distinct name."
            )


class GenreForm(FlaskForm):
    name = _text("Name", f.MAX_GENRE_NAME, required="Give the genre a name.")
    slug = StringField(
        "Slug (lowercase letters, digits and hyphens; blank: made from the name)",
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
        validators=[
            Length(max=f.MAX_GENRE_SLUG, message=f"Use at most {f.MAX_GENRE_SLUG} characters.")
        ],
        render_kw={"maxlength": f.MAX_GENRE_SLUG},
    )

    def __init__(self, *args, genre_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._genre_id = genre_id or 0

    def validate_name(self, field) -> None:
        clash = db.session.scalar(
            select(Genre.id).where(
                func.lower(Genre.name) == (field.data or "").lower(), Genre.id != self._genre_id
            )
        )
        if clash is not None:
            raise ValidationError("There is already a genre with that name.")

    def validate_slug(self, field) -> None:
        if not self.name.data:
            return
        if not field.data and f.slug_problem(self.name.data or ""):
            raise ValidationError(
                "Type a slug: the name has no Latin letters or digits to make one."
            )
        slug = self.final_slug()
        if not f.SLUG_RULE.match(slug):
            raise ValidationError("Use lowercase letters, digits and single hyphens only.")
        if db.session.scalar(
            select(Genre.id).where(Genre.slug == slug, Genre.id != self._genre_id)
        ):
            raise ValidationError(f"Another genre already uses the slug “{slug}”.")

    def final_slug(self) -> str:
        return self.slug.data or slugify(self.name.data or "")[: f.MAX_GENRE_SLUG]


class CreditForm(FlaskForm):
    person_name = _text("Person (added if new)", f.MAX_PERSON_NAME, required="Name the person.")
    role = SelectField("Role", choices=_choices(f.ROLES), default="cast")
    character = _text("Character (optional)", f.MAX_CHARACTER)
    billing_order = _number("Billing order (blank: last)", 0, f.MAX_BILLING)

    def validate_person_name(self, field) -> None:
        problem = f.slug_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class SeasonForm(FlaskForm):
    number = _number("Season number", 1, f.MAX_SEASON, required="Give the season a number.")
    episodes = _number("Episodes to create now", 0, f.MAX_EPISODE)
    runtime = _number("Minutes per episode", 1, f.MAX_RUNTIME)

    def __init__(self, *args, taken: set[int] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self._taken = taken

    def validate_number(self, field) -> None:
        if field.data in self._taken:
            raise ValidationError(f"Season {field.data} already exists.")


class EpisodeForm(FlaskForm):
    number = _number("Episode number", 1, f.MAX_EPISODE, required="Give the episode a number.")
    name = _text("Episode title", f.MAX_EPISODE_NAME, required="Give the episode a title.")
    runtime_minutes = _number("Runtime in minutes", 1, f.MAX_RUNTIME, required="Give the runtime.")

    def __init__(self, *args, taken: set[int] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self._taken = taken

    def validate_number(self, field) -> None:
        if field.data in self._taken:
            raise ValidationError(f"Episode {field.data} already exists in this season.")


class ImportForm(FlaskForm):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file to import.")])


NEW_VARIANT = ("new", "A new variant")


class ArtworkForm(FlaskForm):
    """Pictures for a new uploaded artwork variant, or to replace those of an uploaded one."""

    variant = SelectField("Artwork variant", choices=_choices([NEW_VARIANT]), default="new")
    label = StringField("Name", validators=[Optional(), Length(max=60)])
    poster = FileField("Poster")
    backdrop = FileField("Backdrop")
    treatment = FileField("Title treatment")


def uploaded_variants(title: Title) -> list[Artwork]:
    """A title's uploaded artwork variants, oldest first (from its loaded artworks)."""
    return sorted((a for a in title.artworks if a.style == UPLOADED_STYLE), key=lambda a: a.variant)


def artwork_form(title: Title, **kwargs) -> ArtworkForm:
    """The upload form, offering each uploaded variant of the title as a target."""
    form = ArtworkForm(**kwargs)
    form.variant.choices = _choices(
        [NEW_VARIANT, *((str(a.variant), a.label) for a in uploaded_variants(title))]
    )
    return form
