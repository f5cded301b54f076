"""Catalog reads for browse pages, every one filtered by the visibility rule."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from webapp.catalog.visibility import restrict
from webapp.extensions import db
from webapp.models import (
    Credit,
    Genre,
    Person,
    Profile,
    Season,
    SlugHistory,
    Title,
    WatchState,
    title_genres,
)
from webapp.models.slugs import SLUGGED

KINDS = ("film", "series")


def plays_by_title():
    """Subquery: how many profiles have played each title (one WatchState row each)."""
    return (
        select(WatchState.title_id.label("title_id"), func.count().label("plays"))
        .group_by(WatchState.title_id)
        .subquery("plays")
    )


def _of_kind(query: Select, kind: str | None) -> Select:
    return query if kind is None else query.where(Title.kind == kind)


def newest(profile: Profile | None, kind: str | None = None, limit: int = 40) -> Sequence[Title]:
    query = select(Title).order_by(Title.added_at.desc(), Title.id.desc()).limit(limit)
    return db.session.scalars(restrict(_of_kind(query, kind), profile)).all()


def most_played(
    profile: Profile | None, kind: str | None = None, limit: int = 40
) -> Sequence[Title]:
    """Titles by number of profiles that played them, in one aggregate query."""
    plays = plays_by_title()
    query = (
        select(Title)
        .join(plays, plays.c.title_id == Title.id)
        .order_by(plays.c.plays.desc(), Title.added_at.desc(), Title.id)
        .limit(limit)
    )
    return db.session.scalars(restrict(_of_kind(query, kind), profile)).all()


@dataclass
class GenreShelf:
    """A genre with its most played visible titles, and how popular it is overall."""

    genre: Genre
    plays: int
    size: int
    titles: list[Title] = field(default_factory=list)


def genre_shelves(
    profile: Profile | None, kind: str | None = None, per_genre: int = 40
) -> list[GenreShelf]:
    """Every genre's top titles, genres ordered by their total plays: two queries in all."""
    plays = plays_by_title()
    score = func.coalesce(plays.c.plays, 0)
    genre_id = title_genres.c.genre_id
    ranked = (
        select(
            genre_id.label("genre_id"),
            Title.id.label("title_id"),
            func.row_number()
            .over(partition_by=genre_id, order_by=(score.desc(), Title.added_at.desc(), Title.id))
            .label("rank"),
            func.sum(score).over(partition_by=genre_id).label("genre_plays"),
            func.count().over(partition_by=genre_id).label("genre_size"),
        )
        .select_from(Title)
        .join(title_genres, title_genres.c.title_id == Title.id)
        .outerjoin(plays, plays.c.title_id == Title.id)
    )
    ranked = restrict(_of_kind(ranked, kind), profile).subquery("ranked")
    rows = db.session.execute(
        select(ranked.c.genre_id, ranked.c.genre_plays, ranked.c.genre_size, Title)
        .join(Title, Title.id == ranked.c.title_id)
        .where(ranked.c.rank <= per_genre)
        .order_by(ranked.c.genre_plays.desc(), ranked.c.genre_id, ranked.c.rank)
    ).all()
    if not rows:
        return []
    genres = {
        g.id: g for g in db.session.scalars(select(Genre).where(Genre.id.in_({r[0] for r in rows})))
    }
    shelves: dict[int, GenreShelf] = {}
    for gid, gplays, gsize, title in rows:
        shelf = shelves.setdefault(gid, GenreShelf(genres[gid], int(gplays or 0), int(gsize)))
        shelf.titles.append(title)
    return sorted(shelves.values(), key=lambda s: (-s.plays, s.genre.name))


def genres_with_counts(profile: Profile | None) -> list[tuple[Genre, int]]:
    """Genres that have titles this profile may see, with how many."""
    query = (
        select(Genre, func.count(Title.id))
        .join(title_genres, title_genres.c.genre_id == Genre.id)
        .join(Title, Title.id == title_genres.c.title_id)
        .group_by(Genre.id)
        .order_by(Genre.name)
    )
    return [(g, n) for g, n in db.session.execute(restrict(query, profile)).all()]


def genre_by_slug(slug: str) -> Genre | None:
    return db.session.scalar(select(Genre).where(Genre.slug == slug))


def current_slug(model: type[Genre] | type[Person], slug: str) -> str | None:
    """The slug a person or genre has now, if `slug` is one it had before a rename."""
    kind = SLUGGED[model]
    target = db.session.scalar(
        select(SlugHistory.target_id)
        .where(SlugHistory.kind == kind, SlugHistory.slug == slug)
        .order_by(SlugHistory.id.desc())
        .limit(1)
    )
    if target is None:
        return None
    now = db.session.scalar(select(model.slug).where(model.id == target))
    return now if now != slug else None


GENRE_SORTS = ("popular", "newest", "az")


def _genre_order(sort: str, plays):
    if sort == "newest":
        return (func.coalesce(Title.year, 0).desc(), Title.added_at.desc(), Title.id)
    if sort == "az":
        return (func.lower(Title.name), Title.id)
    return (func.coalesce(plays.c.plays, 0).desc(), Title.name, Title.id)


def genre_titles(
    genre: Genre, profile: Profile | None, sort: str = "popular", kind: str | None = None
) -> Select:
    """A genre's visible titles, of one kind or both, in the order `sort` names.

    `sort` is one of GENRE_SORTS: most played, newest release, or by name.
    """
    in_genre = select(title_genres.c.title_id).where(title_genres.c.genre_id == genre.id)
    plays = plays_by_title()
    query = (
        select(Title)
        .outerjoin(plays, plays.c.title_id == Title.id)
        .where(Title.id.in_(in_genre))
        .order_by(*_genre_order(sort, plays))
    )
    return restrict(_of_kind(query, kind), profile)


def title_or_404(title_id: int, profile: Profile | None) -> Title:
    """A visible title with everything its page shows, in a fixed number of queries."""
    query = (
        select(Title)
        .where(Title.id == title_id)
        .options(
            selectinload(Title.genres),
            selectinload(Title.keywords),
            selectinload(Title.credits).joinedload(Credit.person),
            selectinload(Title.seasons).selectinload(Season.episodes),
        )
    )
    title = db.session.scalar(restrict(query, profile))
    if title is None:
        abort(404)
    return title


@dataclass
class FilmographyEntry:
    title: Title
    roles: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)


def person_by_slug(slug: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.slug == slug))


def filmography_or_404(person: Person, profile: Profile | None) -> list[FilmographyEntry]:
    """A person's visible titles, newest first; 404 for anyone with no visible title."""
    query = (
        select(Credit)
        .join(Title, Title.id == Credit.title_id)
        .where(Credit.person_id == person.id)
        .options(joinedload(Credit.title))
        .order_by(func.coalesce(Title.year, 0).desc(), Title.name, Credit.billing_order)
    )
    entries: dict[int, FilmographyEntry] = {}
    for credit in db.session.scalars(restrict(query, profile)).unique():
        entry = entries.setdefault(credit.title_id, FilmographyEntry(credit.title))
        if credit.role not in entry.roles:
            entry.roles.append(credit.role)
        if credit.character:
            entry.characters.append(credit.character)
    if not entries:
        abort(404)
    return list(entries.values())
