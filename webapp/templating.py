"""Template globals: the current profile, URLs for titles and artwork, labels.

Nothing here asks the database or the model store: each view passes what its
page shows, and the account and profile are read before the view runs.
"""

from flask import Flask, request, url_for

from webapp.artwork.svg import url_version
from webapp.catalog.ai_use import ai_label
from webapp.catalog.maturity import PROFILE_LIMITS
from webapp.profiles.current import load_viewer, viewer_profile
from webapp.profiles.defaults import AVATAR_COLOURS

ROLE_LABELS = {"cast": "Cast", "director": "Director", "creator": "Creator"}


# A home page links each card three times; building those links by string
# formatting from the routes' own patterns (checked by a test against url_for)
# saves a routing-map walk per link.
def title_url(title) -> str:
    """The canonical address of a title page."""
    return f"{request.script_root}/title/{title.id}-{title.slug}"


def artwork_url(title, variant: int = 0, shape: str = "poster") -> str:
    """A versioned artwork address, so browsers may keep it for a year."""
    if shape not in ("poster", "backdrop"):
        return url_for("browse.artwork", title_id=title.id, variant=variant, shape=shape)
    return (
        f"{request.script_root}/artwork/{title.id}/{variant}/{shape}.svg"
        f"?v={url_version(title, variant)}"
    )


def play_url(title) -> str:
    return f"{request.script_root}/watch/{title.id}"


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
    # Rows hold hundreds of cards: dropping template indentation keeps pages lean.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals.update(
        title_url=title_url,
        artwork_url=artwork_url,
        play_url=play_url,
        avatar_colours=AVATAR_COLOURS,
        avatar_class=avatar_class,
        role_labels=ROLE_LABELS,
    )
    app.jinja_env.filters.update(
        runtime=runtime_label, years=years_label, limit_label=limit_label, ai_label=ai_label
    )

    app.before_request(load_viewer)

    @app.context_processor
    def inject_globals():
        return {
            "current_profile": viewer_profile(),
            "profile_limits": dict(PROFILE_LIMITS),
        }
