"""search suggestions in tiers, shortest name first; vocabulary without stale words

Revision ID: 0003_search_suggestion_order
Revises: 0002_search_index
Create Date: 2026-11-28 18:00:00

Suggestions rank titles whose name matches, then titles whose cast matches,
each shortest name first (see webapp.search.backends). On PostgreSQL:

- `search_titles.title_words`: a tsvector of the title's name alone, with a GIN
  index, so "every word in the name" needs no recheck of weights in the heap;
- `ix_search_titles_shortest`: a btree index in suggestion order, which
  PostgreSQL walks for a common prefix ("th" matches a third of a catalog) and
  stops after the first few visible matches, instead of fetching and ranking
  every match;
- `ix_search_terms_prefix`: the vocabulary in byte order, whatever the
  database's collation, so "is any word starting with 'godf' known?" is a range
  scan (typo correction asks it before every search).

SQLite's FTS5 tables need no change: its column filters already tell a name
match from a cast match, and its matches are few enough to sort.

On both, vocabulary words no indexed title contains any more (left by titles
renamed or deleted before the vocabulary was pruned on every change) are dropped.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_search_suggestion_order"
down_revision = "0002_search_index"
branch_labels = None
depends_on = None

POSTGRES_UP = (
    (
        "ALTER TABLE search_titles ADD COLUMN title_words tsvector"
        " GENERATED ALWAYS AS (to_tsvector('simple', name)) STORED"
    ),
    (
        "CREATE INDEX ix_search_titles_title_words ON search_titles"
        " USING GIN (title_words) WITH (fastupdate = off)"
    ),
    "CREATE INDEX ix_search_titles_shortest ON search_titles (length(name), name, title_id)",
    'CREATE INDEX ix_search_terms_prefix ON search_terms (term COLLATE "C")',
    (
        "DELETE FROM search_terms WHERE NOT EXISTS (SELECT 1 FROM search_titles"
        " WHERE document @@ to_tsquery('simple', search_terms.term))"
    ),
)
POSTGRES_DOWN = (
    "DROP INDEX IF EXISTS ix_search_terms_prefix",
    "DROP INDEX IF EXISTS ix_search_titles_shortest",
    "DROP INDEX IF EXISTS ix_search_titles_title_words",
    "ALTER TABLE search_titles DROP COLUMN IF EXISTS title_words",
)
SQLITE_UP = (
    (
        "DELETE FROM search_terms WHERE NOT EXISTS (SELECT 1 FROM search_titles"
        " WHERE search_titles MATCH '\"' || search_terms.term || '\"')"
    ),
)


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_UP if sqlite else POSTGRES_UP:
        op.execute(sa.text(statement))


def downgrade():
    # The pruned vocabulary words stay pruned: they named nothing in the catalog.
    if op.get_bind().dialect.name != "sqlite":
        for statement in POSTGRES_DOWN:
            op.execute(sa.text(statement))
