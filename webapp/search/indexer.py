"""Keeping the search index in step with the catalog.

The one way the index follows the catalog is `watch_catalog_changes`, which
webapp.search.init_app installs: it hooks the ORM session, and every
`SearchIndexed` row (titles, credits, people, genres, keywords) added, edited
or deleted through the ORM (the catalog service, the admin forms, the seed)
has the titles whose text it is part of reindexed in the same transaction,
just before it commits. Rows written with Core bulk inserts are not seen:
`rebuild_index()` after those.
"""

import logging

from flask import has_app_context
from sqlalchemy import Select, event, inspect, select
from sqlalchemy.orm import Session, selectinload

from webapp.caching import app_caches
from webapp.extensions import db
from webapp.models import Credit, Person, Title
from webapp.models.catalog import SearchIndexed
from webapp.search.backends import backend
from webapp.search.text import normalize

log = logging.getLogger(__name__)

CHUNK = 500
PENDING = "search_pending"


def title_document(title: Title) -> dict:
    """The indexed text of a title: its name, its people, then everything else."""
    people = " ".join(c.person.name for c in title.credits)
    body = " ".join(
        [title.synopsis or ""]
        + [g.name for g in title.genres]
        + [k.name for k in title.keywords]
        + [c.character or "" for c in title.credits]
    )
    return {
        "id": title.id,
        "name": normalize(title.name),
        "people": normalize(people),
        "body": normalize(body),
    }


def reindex_titles(title_ids, stale_terms=()) -> int:
    """(Re)index these titles and their people; ids that no longer exist are dropped.

    The vocabulary follows: words of the new text are added, and words that were
    in the old text (or in `stale_terms`) are pruned unless some title still uses them.
    """
    ids = sorted(set(title_ids))
    index = backend()
    found: set[int] = set()
    old_terms = set(stale_terms)
    new_terms: set[str] = set()
    for begin in range(0, len(ids), CHUNK):
        chunk = ids[begin : begin + CHUNK]
        old_terms |= _terms(index.documents(chunk))
        titles = db.session.scalars(
            select(Title)
            .where(Title.id.in_(chunk))
            .options(
                selectinload(Title.credits).selectinload(Credit.person),
                selectinload(Title.genres),
                selectinload(Title.keywords),
            )
        ).all()
        docs = [title_document(t) for t in titles]
        index.put_titles(docs)
        people = {c.person.id: c.person for t in titles for c in t.credits}
        _put_people(list(people.values()))
        new_terms |= _terms(docs)
        found.update(t.id for t in titles)
    gone = set(ids) - found
    if gone:
        index.delete_titles(gone)
    index.add_terms(new_terms)
    index.prune_terms(old_terms - new_terms)
    return len(found)


def reindex_title(title_id: int) -> None:
    """(Re)index one title, e.g. after the admin edited it."""
    reindex_titles([title_id])


def reindex_people(person_ids) -> None:
    """(Re)index these people's names; people who no longer exist are dropped."""
    ids = sorted(set(person_ids))
    for begin in range(0, len(ids), CHUNK):
        chunk = ids[begin : begin + CHUNK]
        people = db.session.scalars(select(Person).where(Person.id.in_(chunk))).all()
        _put_people(people)
        gone = set(chunk) - {p.id for p in people}
        if gone:
            backend().delete_people(gone)


def rebuild_index() -> int:
    """Empty the index and index the whole catalog again (not committed). Returns titles indexed."""
    backend().clear()
    return reindex_titles(db.session.scalars(select(Title.id)).all())


def _put_people(people: list[Person]) -> None:
    rows = [{"id": p.id, "name": normalize(p.name)} for p in people]
    backend().put_people(rows)


def _terms(docs: list[dict]) -> set[str]:
    terms: set[str] = set()
    for doc in docs:
        for key in ("name", "people", "body"):
            terms.update(w for w in doc.get(key, "").split() if 2 < len(w) <= 80)
    return terms


# -- ORM hook ---------------------------------------------------------------------------------


def _pending(session: Session) -> dict:
    return session.info.setdefault(PENDING, {"titles": set(), "people": set(), "stale": set()})


def _titles_of(session: Session, row: SearchIndexed) -> set[int]:
    found = row.indexed_titles()
    if isinstance(found, Select):
        found = session.scalars(found)
    return {i for i in found if i is not None}


def _text_changed(row: SearchIndexed) -> bool:
    """The flush changed what this row gives to search (its SEARCH_COLUMNS)."""
    if row.SEARCH_COLUMNS is None:
        return True
    attrs = inspect(row).attrs
    return any(attrs[name].history.has_changes() for name in row.SEARCH_COLUMNS)


def _remember_deleted(session: Session, _context, _instances) -> None:
    """Before a flush deletes rows, learn which titles held their text.

    The flush removes the links (a genre's titles, a person's credits) and, on
    PostgreSQL, a deleted title's index row by cascade, so this is the last
    moment to learn which titles to reindex and which vocabulary words may have
    lost their only title.
    """
    deleted = [o for o in session.deleted if isinstance(o, SearchIndexed)]
    if not deleted:
        return
    pending = _pending(session)
    for row in deleted:
        pending["titles"].update(_titles_of(session, row))
    ids = [o.id for o in deleted if isinstance(o, Title) and o.id is not None]
    if ids and has_app_context() and _index_exists(session):
        pending["stale"].update(_terms(backend().documents(ids)))


def _collect(session: Session, _context) -> None:
    """After each flush, remember which titles and people changed."""
    pending = _pending(session)
    # session.new builds a new set on each call: once per flush, not once per row.
    added = session.new
    for row in list(added) + list(session.dirty):
        if not isinstance(row, SearchIndexed) or not _text_changed(row):
            continue
        if isinstance(row, Person):
            pending["people"].add(row.id)
        # A row added in this flush is linked to titles only by rows also added
        # (credits, a title's genres), which name those titles themselves.
        if row not in added or not isinstance(row.indexed_titles(), Select):
            pending["titles"].update(_titles_of(session, row))
    for row in session.deleted:
        if isinstance(row, Person) and row.id is not None:
            pending["people"].add(row.id)


def _flush_index(session: Session) -> None:
    """Just before commit: write the index rows for what changed, in the same transaction."""
    session.flush()
    pending = session.info.pop(PENDING, None)
    if not pending or not (pending["titles"] or pending["people"]):
        return
    if not has_app_context() or not _index_exists(session):
        return
    if pending["people"]:
        reindex_people(pending["people"])
    if pending["titles"]:
        reindex_titles(pending["titles"], pending["stale"])


def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)


def _index_exists(session: Session) -> bool:
    """The index tables exist (they do once migration 0002 ran); only a yes is kept."""
    known = app_caches().schema
    if "search_terms" not in known and inspect(session.get_bind()).has_table("search_terms"):
        known.add("search_terms")
    return "search_terms" in known


def watch_catalog_changes() -> None:
    """Install the session hooks once per process."""
    if event.contains(Session, "after_flush", _collect):
        return
    event.listen(Session, "before_flush", _remember_deleted)
    event.listen(Session, "after_flush", _collect)
    event.listen(Session, "before_commit", _flush_index)
    event.listen(Session, "after_rollback", _forget)


# -- migrations -------------------------------------------------------------------------------

INDEX_TABLE_PREFIX = "search_"


def alembic_include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic's `include_object`: autogenerate leaves the search index alone.

    Its tables (and SQLite's FTS5 shadow tables) are made by migration 0002 and
    are not mapped by the ORM, so autogenerate would otherwise propose dropping them.
    """
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    return not (reflected and compare_to is None and (table or "").startswith(INDEX_TABLE_PREFIX))
