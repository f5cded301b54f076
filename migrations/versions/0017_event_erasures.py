"""event erasures: history erasures the Parquet export still has to apply to dropped months

Revision ID: 0017_event_erasures
Revises: 0016_artwork_uploads
Create Date: 2026-12-04 12:00:00

An erasure deletes events in the database, and the export rewrites the days
it touched from the database; a month dropped from PostgreSQL after export
cannot be rewritten that way. Each erasure is noted here until the export has
filtered the Parquet files of dropped months by it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_event_erasures"
down_revision = "0016_artwork_uploads"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "event_erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("title_id", sa.Integer(), nullable=True),
        sa.Column("episode_id", sa.Integer(), nullable=True),
        sa.Column("playback_only", sa.Boolean(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_erasures")),
    )


def downgrade():
    op.drop_table("event_erasures")
