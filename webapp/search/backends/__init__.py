"""The search index in each database's own full-text engine.

SQLite keeps it in FTS5 tables (bm25 ranking, a trigram table for typo
tolerance); PostgreSQL in weighted tsvectors (ts_rank) with pg_trgm. Both
index the same normalised words (see webapp.search.text), so a query means the
same thing on either.

The results page ranks by relevance over the whole text: column weights make a
title-name match outrank a cast match, which outranks a synopsis match.
Suggestions, asked for at every keystroke, rank in tiers instead: titles whose
name matches, then titles whose cast matches, each tier shortest name first.
That order needs no score per matching row, so a two-letter prefix that
matches a third of the catalog costs a few index steps, not a ranking of
thousands of rows.

The vocabulary (`search_terms`) holds every word of the indexed titles, for
typo correction; words no title uses any more are pruned as titles change.
"""

from webapp.extensions import db
from webapp.search.backends.postgres import PostgresIndex
from webapp.search.backends.sqlite import SqliteIndex

SQLITE = SqliteIndex()
POSTGRES = PostgresIndex()


def backend():
    """The index implementation for the current database."""
    return SQLITE if db.engine.dialect.name == "sqlite" else POSTGRES
