"""rate limit counters in the site's own database

Revision ID: 0006_rate_limits
Revises: 0005_ai_use
Create Date: 2026-12-03 11:30:00

Sign-in and sign-up limits count hits per client. Kept in each worker's memory
they allowed the limit once per gunicorn worker; kept in this table (one row
per limit and client, see webapp.ratelimit_storage) every worker on a host, and
every host on one PostgreSQL, shares one count without a Redis server.
`expires_at` is indexed so that expired rows are pruned without a full scan.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_rate_limits"
down_revision = "0005_ai_use"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limits")),
    )
    with op.batch_alter_table("rate_limits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_limits_expires_at"), ["expires_at"], unique=False)


def downgrade():
    with op.batch_alter_table("rate_limits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_limits_expires_at"))
    op.drop_table("rate_limits")
