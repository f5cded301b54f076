"""Template globals: the current profile, URLs for titles and artwork, labels."""

from flask import Flask, url_for

from webapp.artwork.svg import url_version
from webapp.catalog.maturity import PROFILE_LIMITS
from webapp.profiles.current import load_current_profile
from webapp.profiles.defaults import AVATAR_COLOURS

ROLE_LABELS = {"cast": "Cast", "director": "Director", "creator": "Creator"}


def title_url(title) -> str:
    """The canonical address of a title page."""
    return url_for("browse.title", title_id=title.id, slug=title.slug)


def artwork_url(title, variant: int = 0, shape: str = "poster") -> str:
    """A versioned artwork address, so browsers may keep it for a year."""
    return url_for(
        "browse.artwork",
        title_id=title.id,
        variant=variant,
        shape=shape,
        v=url_version(title, variant),
    )


def avatar_class(colour: str | None) -> str:
    """The CSS class of a palette colour, or "" for a colour outside the palette."""
    for index, (hex_, _) in enumerate(AVATAR_COLOURS):
        if (colour or "").lower() == hex_:
            return f"avatar-c{index}"
    return ""


def runtime_label(minutes: int | None) -> str:
    if not minutes:
        return ""
    hours, mins = divmod(int(minutes), 60)
    return f"{hours} h {mins} min" if hours and mins else (f"{hours} h" if hours else f"{mins} min")


def years_label(title) -> str:
    if not title.year:
        return ""
    if title.kind == "series" and title.end_year and title.end_year != title.year:
        return f"{title.year}–{title.end_year}"
    return str(title.year)


def limit_label(limit: int) -> str:
    return dict(PROFILE_LIMITS).get(limit, f"Up to age {limit}")


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        title_url=title_url,
        artwork_url=artwork_url,
        avatar_colours=AVATAR_COLOURS,
        avatar_class=avatar_class,
        role_labels=ROLE_LABELS,
    )
    app.jinja_env.filters.update(runtime=runtime_label, years=years_label, limit_label=limit_label)

    @app.context_processor
    def inject_globals():
        return {
            "current_profile": load_current_profile(),
            "profile_limits": dict(PROFILE_LIMITS),
        }
