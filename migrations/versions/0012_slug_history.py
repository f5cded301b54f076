"""slug history: the former slugs of renamed people and genres

Revision ID: 0012_slug_history
Revises: 0011_jobs
Create Date: 2026-12-04 09:00:00

Person and genre pages are addressed by slug; renaming one used to break every
link made before. The old slug is kept here and its page redirects to the new
one (webapp.models.slugs).
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_slug_history"
down_revision = "0011_jobs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "slug_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("slug", sa.String(length=240), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slug_history")),
    )
    with op.batch_alter_table("slug_history", schema=None) as batch_op:
        batch_op.create_index("ix_slug_history_kind_slug", ["kind", "slug"], unique=False)


def downgrade():
    with op.batch_alter_table("slug_history", schema=None) as batch_op:
        batch_op.drop_index("ix_slug_history_kind_slug")
    op.drop_table("slug_history")
