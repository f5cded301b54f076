"""Rows of title cards as plain values: built here, only rendered by templates.

The home and kind pages take whatever `home_rows` returns, so a later,
personalised builder can replace it without touching the templates.
"""

from flask import url_for

from webapp.browse import queries
from webapp.home.types import Row, RowItem
from webapp.models import Profile

MIN_ROW = 10
MAX_ROW = 40
# Genre rows beyond these are one click away on the Genres page; fewer rows keep pages light.
MAX_GENRE_ROWS = 10
KIND_WORDS = {
    None: ("Marquee", "titles"),
    "film": ("films", "films"),
    "series": ("series", "series"),
}


def make_row(
    key: str, title: str, titles, href: str | None = None, minimum: int = MIN_ROW, **meta
) -> Row | None:
    """A row of `minimum`..MAX_ROW cards, or None when there are too few to fill one."""
    items = tuple(RowItem(t) for t in list(titles)[:MAX_ROW])
    if len(items) < max(minimum, 1):
        return None
    return Row(key=key, title=title, items=items, href=href, meta=meta)


def home_rows(profile: Profile | None, kind: str | None = None) -> list[Row]:
    """New, popular, then one row per genre by that genre's popularity.

    A profile that may see too few titles to fill a row (a kids profile's series)
    still gets them, in one short row of the newest: a page shows what the profile
    may see.
    """
    place, noun = KIND_WORDS[kind]
    suffix = f"-{kind}" if kind else ""
    newest = queries.newest(profile, kind, MAX_ROW)
    new_label = "New on Marquee" if kind is None else f"New {noun}"
    candidates = [
        make_row(f"new{suffix}", new_label, newest),
        make_row(
            f"popular{suffix}",
            f"Popular on {place}" if kind is None else f"Popular {noun}",
            queries.most_played(profile, kind, MAX_ROW),
        ),
    ]
    shelves = [s for s in queries.genre_shelves(profile, kind, MAX_ROW) if len(s.titles) >= MIN_ROW]
    for shelf in shelves[:MAX_GENRE_ROWS]:
        label = shelf.genre.name if kind is None else f"{shelf.genre.name} {noun}"
        candidates.append(
            make_row(
                f"genre-{shelf.genre.slug}{suffix}",
                label,
                shelf.titles,
                href=url_for("browse.genre", slug=shelf.genre.slug),
                genre=shelf.genre.slug,
            )
        )
    rows = [row for row in candidates if row is not None]
    if not rows:
        short = make_row(f"new{suffix}", new_label, newest, minimum=1)
        rows = [short] if short else []
    return rows
