"""jobs: one status row per named background job

Revision ID: 0011_jobs
Revises: 0010_catalog_generation
Create Date: 2026-12-04 10:00:00

Training ran as a subprocess watched through a PID lock file and its log,
and the insights refresh as a thread behind a lock file: each worker saw only
what its own files said. One row per named job (state, stage, percent, the
failure's one line, a short summary) is read by every worker and command, and
a conditional update on it lets only one of them start the job.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_jobs"
down_revision = "0010_catalog_generation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "jobs",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("summary", sa.String(length=300), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_jobs")),
    )


def downgrade():
    op.drop_table("jobs")
