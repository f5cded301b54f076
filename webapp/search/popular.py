"""What /search offers before anything is typed: titles viewers found by searching, and genres."""

from datetime import timedelta

from sqlalchemy import func, select

from webapp.activity.vocabulary import SEARCH_CLICK
from webapp.catalog.visibility import restrict
from webapp.extensions import db
from webapp.models import Event, Genre, Profile, Title, title_genres
from webapp.models.base import utcnow

POPULAR_DAYS = 30


def popular_searches(profile: Profile | None, limit: int) -> list[Title]:
    """Titles most often opened from search results lately, among those the profile may see.

    Titles, not the queries' own text: a query can name a title this profile may
    not see, while a title passes the one visibility rule. An opened result also
    means the search found something.
    """
    since = utcnow() - timedelta(days=POPULAR_DAYS)
    opened = (
        select(Event.title_id, func.count().label("times"))
        .where(
            Event.type == SEARCH_CLICK,
            Event.occurred_at >= since,
            Event.title_id.is_not(None),
        )
        .group_by(Event.title_id)
        .subquery()
    )
    stmt = (
        select(Title)
        .join(opened, opened.c.title_id == Title.id)
        .order_by(opened.c.times.desc(), Title.name)
    )
    return list(db.session.scalars(restrict(stmt, profile).limit(limit)))


def genres_to_browse(profile: Profile | None) -> list:
    """Genres with at least one title the profile may see, as rows of (id, name, slug)."""
    in_genre = restrict(
        select(title_genres.c.title_id)
        .join(Title, Title.id == title_genres.c.title_id)
        .where(title_genres.c.genre_id == Genre.id),
        profile,
    )
    stmt = select(Genre.id, Genre.name, Genre.slug).where(in_genre.exists()).order_by(Genre.name)
    return list(db.session.execute(stmt))
