"""Searching the catalog: titles, people and genres, typo tolerant, for one profile.

A query is split into normalised words; every word must match (the last one as
a prefix, since the viewer may still be typing). The index's vocabulary holds
every word of every indexed title, so a word it has never seen cannot match:
such words are swapped for their known spellings one or two slips away
("godfater" -> "godfather", "awy" -> "away") before the one search runs, rather
than after a search that was bound to find nothing. A correction is only stated
when it is that close and finds titles; otherwise the page says nothing matched
and offers titles whose names are near what was typed. Every title list goes through
webapp.catalog.visibility, so kids profiles only find what they may watch.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.catalog.visibility import restrict
from webapp.extensions import db
from webapp.models import Credit, Genre, Person, Profile, Title, title_genres
from webapp.search.backends import backend
from webapp.search.backends.groups import CAST_TIER, TITLE_TIER, Groups
from webapp.search.text import edit_distance, max_edits, normalize, similarity, words

MAX_WORDS = 8
MAX_QUERY = 200
GENRE_SIMILARITY = 0.45
MIN_TYPO = 3  # shorter words are too short to guess what was meant
# Spellings searched per unknown word, all equally close: the search tells which one the
# viewer meant ("awy" is one slip from "away" and from "awe").
SPELLINGS = 3
NEAR_SIMILARITY = 0.3  # a name word this alike is offered as "Did you mean", never searched
NEAR_SPELLINGS = 3


@dataclass
class Results:
    query: str
    titles: list[Title] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    genres: list = field(default_factory=list)  # rows of (id, name, slug)
    # The words actually searched when the query was corrected, else None.
    corrected: str | None = None
    # When nothing matched: visible titles whose names are near what was typed.
    close_titles: list[Title] = field(default_factory=list)

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
    close: int = 0,
) -> Results:
    """Titles (and optionally people and genres) matching a query, best first.

    `typing` is for suggestions as the viewer types: titles are looked for by
    their names and people only (genres come as genre suggestions), titles whose
    name matches before titles whose cast matches, shortest name first; synopses
    and themes are for the results page, where the whole text is searched and
    ranked by relevance. `close` asks for that many titles with names near the
    query when nothing matches it.
    """
    query = (query or "")[:MAX_QUERY]
    terms = words(query)[:MAX_WORDS]
    results = Results(query=query.strip())
    if not terms:
        return results
    groups = Groups([[w] for w in terms])
    # Words the index has never seen cannot match: search their closest spellings instead.
    candidates = _candidates(groups, last_may_be_prefix=True)
    fixed = _corrected(groups, candidates)
    results.titles, results.people = _find(fixed or groups, profile, titles, people, typing)
    if fixed is None and not (results.titles or results.people) and len(terms[-1]) >= MIN_TYPO:
        # The last word only began a known word ("velsano" of "velsanova" in some
        # synopsis), and nothing matched: it may be a finished, misspelt one after all.
        candidates = _candidates(groups, last_may_be_prefix=False)
        fixed = _corrected(groups, candidates)
        if fixed is not None:
            results.titles, results.people = _find(fixed, profile, titles, people, typing)
    if fixed is not None and (results.titles or results.people):
        results.corrected = _stated(groups, fixed, results.titles)
    if close and results.empty:
        results.close_titles = _close_titles(groups, candidates, profile, close)
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


def _candidates(groups: Groups, last_may_be_prefix: bool) -> dict[str, list[str]]:
    """For each word the vocabulary has never seen, known words that may be its spelling.

    With `last_may_be_prefix`, a last word that begins a known word counts as known.
    """
    flat = [g[0] for g in groups]
    last = len(flat) - 1
    checks = {w: last_may_be_prefix and i == last for i, w in enumerate(flat) if len(w) >= MIN_TYPO}
    return backend().corrections(checks) if checks else {}


def _spellings(word: str, candidates: list[str]) -> list[str]:
    """The known words fewest slips from this one, if within what its length forgives."""
    allowed = max_edits(word)
    # Lengths further apart than the slips forgiven cannot be close: skip the full comparison.
    near = [c for c in candidates if c != word and abs(len(c) - len(word)) <= allowed]
    scored = [(d, c) for d, c in ((edit_distance(word, c), c) for c in near) if d <= allowed]
    if not scored:
        return []
    best = min(d for d, _ in scored)
    tied = [c for d, c in scored if d == best]
    return sorted(tied, key=lambda c: (-similarity(word, c), c))[:SPELLINGS]


def _corrected(groups: Groups, candidates: dict[str, list[str]]) -> Groups | None:
    """The query with unknown words swapped for their known spellings; None when there is
    nothing to correct."""
    flat = [g[0] for g in groups]
    spellings = {w: _spellings(w, found) for w, found in candidates.items()}
    if flat[-1] in spellings:
        # The last word is searched as a prefix anyway: "myster" -> "mystery" adds nothing.
        spellings[flat[-1]] = [s for s in spellings[flat[-1]] if not s.startswith(flat[-1])]
    if not any(spellings.values()):
        return None
    # Kept beside its corrections: a last word may be an unfinished one, and any word may
    # be one the vocabulary has not caught up with (after a bulk load).
    return Groups([[w] + spellings.get(w, []) for w in flat])


def _stated(groups: Groups, fixed: Groups, titles: list[Title]) -> str:
    """The corrected query as text, each word spelt as the best match has it."""
    seen: set[str] = set()
    if titles:
        for doc in backend().documents([titles[0].id]):
            seen.update(words(" ".join(doc.values())))
    last = len(fixed) - 1
    spelled = []
    for i, (original, group) in enumerate(zip(groups, fixed)):
        options = group[1:]
        if i == last:
            present = [s for s in options if any(w.startswith(s) for w in seen)]
        else:
            present = [s for s in options if s in seen]
        spelled.append((present or options or original)[0])
    return " ".join(spelled)


def _close_titles(
    groups: Groups, candidates: dict[str, list[str]], profile: Profile | None, limit: int
) -> list[Title]:
    """Visible titles whose names hold words near the unknown ones typed (and the rest)."""
    if not candidates:
        return []
    near = Groups()
    for group in groups:
        word = group[0]
        if word not in candidates:
            near.append([word])
            continue
        alike = sorted(
            ((similarity(word, c), c) for c in candidates[word]), key=lambda p: (-p[0], p[1])
        )
        options = [c for score, c in alike if score >= NEAR_SIMILARITY][:NEAR_SPELLINGS]
        if not options:
            return []
        near.append(options)
    stmt = restrict(backend().suggestion_query(near, TITLE_TIER), profile).limit(limit)
    return list(db.session.scalars(stmt))


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
