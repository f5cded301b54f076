"""catalog generation: one counter bumped by every catalog edit

Revision ID: 0010_catalog_generation
Revises: 0009_event_partitions
Create Date: 2026-12-04 10:00:00

Every worker on every host keeps per-app caches built from the catalog
(webapp.caching). Admin edits, imports and deletions bump this one row in
their own transaction; a worker that reads a newer number empties its caches.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_catalog_generation"
down_revision = "0009_event_partitions"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "catalog_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_generation")),
    )
    op.bulk_insert(table, [{"id": 1, "value": 0}])


def downgrade():
    op.drop_table("catalog_generation")
