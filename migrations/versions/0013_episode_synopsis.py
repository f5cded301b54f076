"""episode synopsis: one line on what happens in each episode

Revision ID: 0013_episode_synopsis
Revises: 0012_slug_history
Create Date: 2026-12-04 09:10:00

Episode lists showed a bare name; the demo and the admin can now say in a line
what happens. Existing episodes get an empty line.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_episode_synopsis"
down_revision = "0012_slug_history"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("synopsis", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.alter_column("synopsis", server_default=None)


def downgrade():
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.drop_column("synopsis")
