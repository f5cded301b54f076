"""Searching the catalog: titles, people and genres, typo tolerant, for one profile.

A query is split into normalised words; every word must match (the last one as
a prefix, since the viewer may still be typing). When nothing matches, words
the index has never seen are swapped for their closest known spellings
("godfater" -> "godfather") and the search runs once more. Every title list
goes through webapp.catalog.visibility, so kids profiles only find what they
may watch.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.catalog.visibility import restrict
from webapp.extensions import db
from webapp.models import Credit, Genre, Person, Profile, Title, title_genres
from webapp.search.backends import Groups, backend, known_terms
from webapp.search.text import normalize, similarity, words

MAX_WORDS = 8
MAX_QUERY = 200
GENRE_SIMILARITY = 0.45


@dataclass
class Results:
    query: str
    titles: list[Title] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    genres: list = field(default_factory=list)  # rows of (id, name, slug)
    # The words actually searched when the query was corrected, else None.
    corrected: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.titles or self.people or self.genres)


def search(
    query: str,
    profile: Profile | None,
    *,
    titles: int = 60,
    people: int = 0,
    genres: int = 0,
    typing: bool = False,
) -> Results:
    """Titles (and optionally people and genres) matching a query, best first.

    `typing` is for suggestions as the viewer types: titles are looked for by
    their names and people only (genres come as genre suggestions); synopses and
    themes are for the results page, where the whole text is searched.
    """
    query = (query or "")[:MAX_QUERY]
    terms = words(query)[:MAX_WORDS]
    results = Results(query=query.strip())
    if not terms:
        return results
    backend().before_search()
    # Suggestions look in names (of titles and people) only; the results page in everything.
    groups = Groups([[w] for w in terms]).with_names_only(typing)
    title_ids = _title_ids(groups, profile, titles)
    person_ids = _person_ids(groups, profile, people) if people else []
    if not title_ids and not person_ids:
        fixed = _corrected(groups)
        if fixed is not None:
            groups, spelled = fixed
            title_ids = _title_ids(groups.with_names_only(typing), profile, titles)
            person_ids = _person_ids(groups, profile, people) if people else []
            if title_ids or person_ids:
                results.corrected = spelled
    results.titles = _load_titles(title_ids, with_art=not typing)
    results.people = _load_people(person_ids)
    if genres:
        results.genres = _genres(query, profile, genres)
    return results


def suggest(query: str, profile: Profile | None) -> Results:
    """What the header box offers as the viewer types."""
    return search(query, profile, titles=6, people=4, genres=3, typing=True)


def _title_ids(groups: Groups, profile: Profile | None, limit: int) -> list[int]:
    stmt = restrict(backend().title_query(groups), profile).limit(limit)
    return list(db.session.scalars(stmt))


def _person_ids(groups: Groups, profile: Profile | None, limit: int) -> list[int]:
    """People who match and appear in at least one title the profile may see."""
    candidates = backend().person_ids(groups, limit * 4)
    if not candidates:
        return []
    credited = restrict(
        select(Credit.title_id)
        .join(Title, Title.id == Credit.title_id)
        .where(Credit.person_id == Person.id),
        profile,
    )
    visible = set(
        db.session.scalars(select(Person.id).where(Person.id.in_(candidates), credited.exists()))
    )
    return [pid for pid in candidates if pid in visible][:limit]


def _corrected(groups: Groups) -> tuple[Groups, str] | None:
    """The query with unknown words swapped for their closest known spellings, and those
    spellings as text; None when there is nothing to correct."""
    flat = [g[0] for g in groups]
    known = known_terms(flat)
    index = backend()
    fixed, spelled, changed = Groups(), [], False
    for i, word in enumerate(flat):
        last = i == len(flat) - 1
        spellings = [] if word in known or len(word) < 3 else index.similar_terms(word, 2)
        if spellings:
            changed = True
            # A last word may be an unfinished one: keep it as a prefix beside the corrections.
            fixed.append(([word] if last else []) + spellings)
            spelled.append(spellings[0])
        else:
            fixed.append([word])
            spelled.append(word)
    return (fixed, " ".join(spelled)) if changed else None


def _load_titles(ids: list[int], with_art: bool) -> list[Title]:
    """Titles in ranking order; with what cards need (genres, artwork) for the results page."""
    if not ids:
        return []
    stmt = select(Title).where(Title.id.in_(ids))
    if with_art:
        stmt = stmt.options(selectinload(Title.genres), selectinload(Title.artworks))
    rows = db.session.scalars(stmt).all()
    by_id = {t.id: t for t in rows}
    return [by_id[i] for i in ids if i in by_id]


def _load_people(ids: list[int]) -> list[Person]:
    if not ids:
        return []
    by_id = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def _genres(query: str, profile: Profile | None, limit: int) -> list:
    """Genres whose name starts with, contains or resembles the query, and have visible titles."""
    wanted = normalize(query)
    if len(wanted) < 2:
        return []
    scored = []
    for genre in db.session.execute(select(Genre.id, Genre.name, Genre.slug)):
        name = normalize(genre.name)
        if name.startswith(wanted):
            scored.append((0, 0.0, genre))
        elif f" {wanted}" in f" {name}":
            scored.append((1, 0.0, genre))
        else:
            score = similarity(wanted, name)
            if score >= GENRE_SIMILARITY:
                scored.append((2, -score, genre))
    scored.sort(key=lambda s: (s[0], s[1], s[2].name))
    candidates = [g for *_, g in scored][: limit * 3]
    if not candidates:
        return []
    in_genre = restrict(
        select(title_genres.c.title_id)
        .join(Title, Title.id == title_genres.c.title_id)
        .where(title_genres.c.genre_id == Genre.id),
        profile,
    )
    with_titles = set(
        db.session.scalars(
            select(Genre.id).where(Genre.id.in_([g.id for g in candidates]), in_genre.exists())
        )
    )
    return [g for g in candidates if g.id in with_titles][:limit]
