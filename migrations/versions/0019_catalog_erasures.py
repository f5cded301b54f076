"""catalog erasures: an erasure may name a title or episode for every profile

Revision ID: 0019_catalog_erasures
Revises: 0018_account_time_zone
Create Date: 2026-12-03 20:30:00

A title, season or episode an admin deletes takes every profile's events of
it with it (ON DELETE CASCADE), so its erasure names no profile:
`event_erasures.profile_id` becomes nullable. The old schema cannot hold such
a note, so the downgrade deletes the ones still pending (run the export
first to apply them to dropped months).
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_catalog_erasures"
down_revision = "0018_account_time_zone"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("event_erasures", schema=None) as batch_op:
        batch_op.alter_column("profile_id", existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM event_erasures WHERE profile_id IS NULL")
    with op.batch_alter_table("event_erasures", schema=None) as batch_op:
        batch_op.alter_column("profile_id", existing_type=sa.Integer(), nullable=False)
