"""search index (full text + typo-tolerant vocabulary) and a viewing-activity index

Revision ID: 0002_search_index
Revises: 0001_initial
Create Date: 2026-11-28 13:00:00

The search index lives in tables the ORM does not map, because each database
keeps it in its own way:

- SQLite: FTS5 virtual tables `search_titles` (rowid = title id) and
  `search_people` (rowid = person id), and a vocabulary `search_terms` mirrored
  into the trigram FTS5 table `search_terms_trigram` for typo tolerance.
- PostgreSQL: `search_titles` / `search_people` with generated, weighted
  tsvectors (the whole text, and names only) with GIN indexes, and
  `search_terms` with a pg_trgm GIN index.

Text is normalised (lowercase, accents removed) by webapp.search.text before it
is stored, so both databases index the same words.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_search_index"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

SQLITE_UP = (
    (
        "CREATE VIRTUAL TABLE search_titles USING fts5("
        "name, people, body, tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
    ),
    (
        "CREATE VIRTUAL TABLE search_people USING fts5("
        "name, tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
    ),
    "CREATE TABLE search_terms (id INTEGER PRIMARY KEY, term VARCHAR(80) NOT NULL UNIQUE)",
    (
        "CREATE VIRTUAL TABLE search_terms_trigram USING fts5("
        "term, content='search_terms', content_rowid='id', tokenize='trigram')"
    ),
    # The trigram table is external-content: triggers keep it in step with the vocabulary.
    (
        "CREATE TRIGGER search_terms_ai AFTER INSERT ON search_terms BEGIN "
        "INSERT INTO search_terms_trigram(rowid, term) VALUES (new.id, new.term); END"
    ),
    (
        "CREATE TRIGGER search_terms_ad AFTER DELETE ON search_terms BEGIN "
        "INSERT INTO search_terms_trigram(search_terms_trigram, rowid, term) "
        "VALUES ('delete', old.id, old.term); END"
    ),
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS search_terms_ad",
    "DROP TRIGGER IF EXISTS search_terms_ai",
    "DROP TABLE IF EXISTS search_terms_trigram",
    "DROP TABLE IF EXISTS search_terms",
    "DROP TABLE IF EXISTS search_people",
    "DROP TABLE IF EXISTS search_titles",
)

# fastupdate = off: GIN's pending list makes searches slow until a vacuum merges it,
# and the index changes only as fast as the catalog does.
POSTGRES_UP = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    (
        "CREATE TABLE search_titles ("
        " title_id INTEGER PRIMARY KEY REFERENCES titles(id) ON DELETE CASCADE,"
        " name TEXT NOT NULL DEFAULT '', people TEXT NOT NULL DEFAULT '', body TEXT NOT NULL DEFAULT '',"
        " document tsvector GENERATED ALWAYS AS ("
        "  setweight(to_tsvector('simple', name), 'A') ||"
        "  setweight(to_tsvector('simple', people), 'B') ||"
        "  setweight(to_tsvector('simple', body), 'C')) STORED,"
        # Names only (title A, people B): what suggestions search as the viewer types.
        " names tsvector GENERATED ALWAYS AS ("
        "  setweight(to_tsvector('simple', name), 'A') ||"
        "  setweight(to_tsvector('simple', people), 'B')) STORED)"
    ),
    "CREATE INDEX ix_search_titles_document ON search_titles USING GIN (document) WITH (fastupdate = off)",
    "CREATE INDEX ix_search_titles_names ON search_titles USING GIN (names) WITH (fastupdate = off)",
    (
        "CREATE TABLE search_people ("
        " person_id INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,"
        " name TEXT NOT NULL DEFAULT '',"
        " document tsvector GENERATED ALWAYS AS (to_tsvector('simple', name)) STORED)"
    ),
    "CREATE INDEX ix_search_people_document ON search_people USING GIN (document) WITH (fastupdate = off)",
    "CREATE TABLE search_terms (id SERIAL PRIMARY KEY, term VARCHAR(80) NOT NULL UNIQUE)",
    (
        "CREATE INDEX ix_search_terms_trigram ON search_terms"
        " USING GIN (term gin_trgm_ops) WITH (fastupdate = off)"
    ),
)
POSTGRES_DOWN = (
    "DROP TABLE IF EXISTS search_terms",
    "DROP TABLE IF EXISTS search_people",
    "DROP TABLE IF EXISTS search_titles",
    # pg_trgm stays installed: other schemas in the database may use it.
)


def upgrade():
    with op.batch_alter_table("episode_progress", schema=None) as batch_op:
        batch_op.create_index(
            "ix_episode_progress_profile_updated", ["profile_id", "updated_at"], unique=False
        )
    statements = SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRES_UP
    for statement in statements:
        op.execute(sa.text(statement))
    # Titles that already exist are indexed by `flask --app wsgi search rebuild` (or on their next edit).


def downgrade():
    statements = SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRES_DOWN
    for statement in statements:
        op.execute(sa.text(statement))
    with op.batch_alter_table("episode_progress", schema=None) as batch_op:
        batch_op.drop_index("ix_episode_progress_profile_updated")
