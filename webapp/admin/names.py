"""Matching typed genre and keyword names to the ones already in the catalog.

Two spellings with the same slug ("sci-fi", "Sci Fi") are one entry: the
catalog keeps slugs unique, so the existing spelling wins.
"""

from sqlalchemy import select

from webapp.catalog.service import slugify
from webapp.extensions import db
from webapp.models import Genre, Keyword


def _first_per_slug(names) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for name in names:
        chosen.setdefault(slugify(name), name)
    return chosen


def canonical_keywords(words: list[str]) -> list[str]:
    """Lowercase keywords, each replaced by the stored keyword of the same slug if any."""
    wanted = _first_per_slug(w.lower() for w in words)
    if not wanted:
        return []
    stored = dict(
        db.session.execute(
            select(Keyword.slug, Keyword.name).where(Keyword.slug.in_(list(wanted)))
        ).all()
    )
    return [stored.get(slug, word) for slug, word in wanted.items()]


def genre_names_by_slug() -> dict[str, str]:
    """Every stored genre's name, keyed by slug (a short table)."""
    return dict(db.session.execute(select(Genre.slug, Genre.name)).all())
