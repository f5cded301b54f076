"""Searching the catalog: titles, people and genres, typo tolerant, for one profile.

A query is split into normalised words; every word must match (the last one as
a prefix, since the viewer may still be typing). The index's vocabulary holds
every word of every indexed title, so a word it has never seen cannot match:
such words are swapped for their closest known spellings ("godfater" ->
"godfather") before the one search runs, rather than after a search that was
bound to find nothing. Every title list goes through
webapp.catalog.visibility, so kids profiles only find what they may watch.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.catalog.visibility import restrict
from webapp.extensions import db
from webapp.models import Credit, Genre, Person, Profile, Title, title_genres
from webapp.search.backends import CAST_TIER, TITLE_TIER, Groups, backend
from webapp.search.text import normalize, similarity, words

MAX_WORDS = 8
MAX_QUERY = 200
GENRE_SIMILARITY = 0.45
MIN_TYPO = 3  # shorter words are too short to guess what was meant
# Closest spellings searched per unknown word: only the best. Suggestions list the
# shortest names first, so a second spelling's short titles would push out the best's.
SPELLINGS = 1


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
    their names and people only (genres come as genre suggestions), titles whose
    name matches before titles whose cast matches, shortest name first; synopses
    and themes are for the results page, where the whole text is searched and
    ranked by relevance.
    """
    query = (query or "")[:MAX_QUERY]
    terms = words(query)[:MAX_WORDS]
    results = Results(query=query.strip())
    if not terms:
        return results
    groups = Groups([[w] for w in terms])
    # Words the index has never seen cannot match: search their closest spellings instead.
    fixed = _corrected(groups, last_may_be_prefix=True)
    results.titles, results.people = _find(
        fixed[0] if fixed else groups, profile, titles, people, typing
    )
    if fixed is None and not (results.titles or results.people) and len(terms[-1]) >= MIN_TYPO:
        # The last word only began a known word ("velsano" of "velsanova" in some
        # synopsis), and nothing matched: it may be a finished, misspelt one after all.
        fixed = _corrected(groups, last_may_be_prefix=False)
        if fixed is not None:
            results.titles, results.people = _find(fixed[0], profile, titles, people, typing)
    if fixed is not None and (results.titles or results.people):
        results.corrected = fixed[1]
    if genres:
        results.genres = _genres(query, profile, genres)
    return results


def suggest(query: str, profile: Profile | None) -> Results:
    """What the header box offers as the viewer types."""
    return search(query, profile, titles=6, people=4, genres=3, typing=True)


def _find(
    groups: Groups, profile: Profile | None, titles: int, people: int, typing: bool
) -> tuple[list[Title], list[Person]]:
    """Titles and people matching the query (suggestions look in names only)."""
    if typing:
        found = _suggested_titles(groups.with_names_only(True), profile, titles)
    else:
        found = _load_titles(_title_ids(groups, profile, titles))
    return found, (_people(groups, profile, people) if people else [])


def _title_ids(groups: Groups, profile: Profile | None, limit: int) -> list[int]:
    stmt = restrict(backend().title_query(groups), profile).limit(limit)
    return list(db.session.scalars(stmt))


def _suggested_titles(groups: Groups, profile: Profile | None, limit: int) -> list[Title]:
    """Titles whose name matches, then (if room is left) titles whose cast matches."""
    index = backend()
    stmt = restrict(index.suggestion_query(groups, TITLE_TIER), profile).limit(limit)
    found = list(db.session.scalars(stmt))
    if len(found) < limit and groups.cast_tier_possible:
        stmt = restrict(index.suggestion_query(groups, CAST_TIER), profile)
        found += db.session.scalars(stmt.limit(limit - len(found)))
    return found


def _people(groups: Groups, profile: Profile | None, limit: int) -> list[Person]:
    """People who match and appear in at least one title the profile may see."""
    credited = restrict(
        select(Credit.title_id)
        .join(Title, Title.id == Credit.title_id)
        .where(Credit.person_id == Person.id),
        profile,
    )
    stmt = backend().person_query(groups).where(credited.exists()).limit(limit)
    return list(db.session.scalars(stmt))


def _corrected(groups: Groups, last_may_be_prefix: bool) -> tuple[Groups, str] | None:
    """The query with unknown words swapped for their closest known spellings, and those
    spellings as text; None when there is nothing to correct.

    With `last_may_be_prefix`, a last word that begins a known word counts as known.
    """
    flat = [g[0] for g in groups]
    last = len(flat) - 1
    checks = {w: last_may_be_prefix and i == last for i, w in enumerate(flat) if len(w) >= MIN_TYPO}
    spellings = backend().corrections(checks, SPELLINGS) if checks else {}
    if flat[-1] in spellings:
        # The last word is searched as a prefix anyway: "myster" -> "mystery" adds nothing.
        spellings[flat[-1]] = [s for s in spellings[flat[-1]] if not s.startswith(flat[-1])]
    if not any(spellings.values()):
        return None
    fixed, spelled = Groups(), []
    for word in flat:
        found = spellings.get(word)
        if found:
            # Kept beside its correction: a last word may be an unfinished one, and any
            # word may be one the vocabulary has not caught up with (after a bulk load).
            fixed.append([word] + found)
            spelled.append(found[0])
        else:
            fixed.append([word])
            spelled.append(word)
    return fixed, " ".join(spelled)


def _load_titles(ids: list[int]) -> list[Title]:
    """Titles in ranking order, with what result cards need (genres, artwork)."""
    if not ids:
        return []
    stmt = (
        select(Title)
        .where(Title.id.in_(ids))
        .options(selectinload(Title.genres), selectinload(Title.artworks))
    )
    by_id = {t.id: t for t in db.session.scalars(stmt)}
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
