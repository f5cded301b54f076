"""Catalog reads for browse pages, every one filtered by the visibility rule."""

from dataclasses import dataclass, field

from flask import abort
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from webapp.catalog.visibility import restrict
from webapp.extensions import db
from webapp.home.popularity import popular_order
from webapp.models import (
    Credit,
    Genre,
    Person,
    Profile,
    Season,
    SlugHistory,
    Title,
    title_genres,
)
from webapp.models.slugs import SLUGGED


def _of_kind(query: Select, kind: str | None) -> Select:
    return query if kind is None else query.where(Title.kind == kind)


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
_BY_NAME = (func.lower(Title.name), Title.id)


class _OrderedPagination(Pagination):
    """A page of titles whose order was decided in Python (the "popular" sort)."""

    def _query_items(self) -> list[Title]:
        ids = self._query_args["ids"][(self.page - 1) * self.per_page :][: self.per_page]
        found = {t.id: t for t in db.session.scalars(select(Title).where(Title.id.in_(ids)))}
        return [found[t] for t in ids if t in found]

    def _query_count(self) -> int:
        return len(self._query_args["ids"])


def genre_page(
    genre: Genre, profile: Profile | None, sort: str, kind: str | None, page: int, per_page: int
) -> Pagination:
    """One page of a genre's visible titles, of one kind or both, in the order `sort` names.

    `sort` is one of GENRE_SORTS: popular (webapp.home.popularity, the notion
    every "Popular" on Marquee uses), newest release, or by name.
    """
    in_genre = select(title_genres.c.title_id).where(title_genres.c.genre_id == genre.id)
    if sort == "popular":
        query = select(Title.id).where(Title.id.in_(in_genre)).order_by(*_BY_NAME)
        # Equally popular titles (nobody played them lately) follow A-Z.
        ids = popular_order(db.session.scalars(restrict(_of_kind(query, kind), profile)))
        return _OrderedPagination(page=page, per_page=per_page, ids=ids)
    if sort == "newest":
        order = (func.coalesce(Title.year, 0).desc(), Title.added_at.desc(), Title.id)
    else:
        order = _BY_NAME
    query = select(Title).where(Title.id.in_(in_genre)).order_by(*order)
    return db.paginate(restrict(_of_kind(query, kind), profile), page=page, per_page=per_page)


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
