"""media status in jobs: a transcode's state lives in its job's row, the asset says only if it plays

Revision ID: 0014_media_status_in_jobs
Revises: 0013_episode_synopsis
Create Date: 2026-12-04 12:00:00

A transcode kept its state, stage, percentage and error in media_assets
beside the row of `jobs` that the job runner keeps for every other job: two
status records. Each asset's transcode now has a row of `jobs` named
"transcode-<asset id>" that points at the asset (jobs.asset_id, deleted with
it); the asset keeps what it is, and `published` where it used to say
"ready". Existing values move: queued stays queued, transcoding becomes
running, ready becomes done (and published), failed stays failed.

The columns are added and dropped in place (no table copy on SQLite): copying
media_assets would drop the old table, and with foreign keys on that deletes
every media link and job row that points at it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_media_status_in_jobs"
down_revision = "0013_episode_synopsis"
branch_labels = None
depends_on = None

JOB_STATE = (
    "CASE media_assets.state WHEN 'transcoding' THEN 'running' WHEN 'ready' THEN 'done'"
    " ELSE media_assets.state END"
)
ASSET_STATE = (
    "CASE jobs.state WHEN 'running' THEN 'transcoding' WHEN 'done' THEN 'failed'"
    " WHEN 'idle' THEN 'failed' ELSE jobs.state END"
)


def upgrade():
    # jobs is referenced by nothing: a table copy on SQLite (to add the foreign key) is safe.
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("asset_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_jobs_asset_id_media_assets"),
            "media_assets",
            ["asset_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_jobs_asset_id"), ["asset_id"], unique=False)
    op.add_column(
        "media_assets",
        sa.Column("published", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.execute(
        "INSERT INTO jobs (name, state, stage, percent, error, started_at, finished_at,"
        " updated_at, asset_id)"
        " SELECT 'transcode-' || CAST(id AS VARCHAR(20)), " + JOB_STATE + ", stage, percent,"
        " error, created_at,"
        " CASE WHEN state IN ('ready', 'failed') THEN updated_at END, updated_at, id"
        " FROM media_assets"
    )
    op.execute(
        sa.text("UPDATE media_assets SET published = :yes WHERE state = 'ready'").bindparams(
            yes=True
        )
    )
    op.drop_index("ix_media_assets_target", table_name="media_assets")
    for column in ("state", "stage", "percent", "error", "updated_at"):
        op.drop_column("media_assets", column)
    op.create_index(
        "ix_media_assets_target", "media_assets", ["title_id", "episode_id", "published"]
    )


def downgrade():
    op.drop_index("ix_media_assets_target", table_name="media_assets")
    op.add_column(
        "media_assets",
        sa.Column("state", sa.String(length=12), nullable=False, server_default="failed"),
    )
    op.add_column(
        "media_assets",
        sa.Column("stage", sa.String(length=40), nullable=False, server_default=""),
    )
    op.add_column(
        "media_assets", sa.Column("percent", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("media_assets", sa.Column("error", sa.String(length=300), nullable=True))
    # SQLite adds no column defaulting to the current time: a constant, overwritten below.
    op.add_column(
        "media_assets",
        sa.Column(
            "updated_at", sa.DateTime(), nullable=False, server_default="2000-01-01 00:00:00"
        ),
    )
    job = "(SELECT {value} FROM jobs WHERE jobs.asset_id = media_assets.id)"
    op.execute(
        "UPDATE media_assets SET"
        f" state = COALESCE({job.format(value=ASSET_STATE)}, 'failed'),"
        f" stage = COALESCE({job.format(value='jobs.stage')}, ''),"
        f" percent = COALESCE({job.format(value='jobs.percent')}, 0),"
        f" error = {job.format(value='jobs.error')},"
        f" updated_at = COALESCE({job.format(value='jobs.updated_at')}, created_at)"
    )
    op.execute(
        sa.text(
            "UPDATE media_assets SET state = 'ready', stage = 'ready', percent = 100, error = NULL"
            " WHERE published = :yes"
        ).bindparams(yes=True)
    )
    op.execute("DELETE FROM jobs WHERE asset_id IS NOT NULL")
    op.drop_column("media_assets", "published")
    op.create_index("ix_media_assets_target", "media_assets", ["title_id", "episode_id", "state"])
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jobs_asset_id"))
        batch_op.drop_constraint(batch_op.f("fk_jobs_asset_id_media_assets"), type_="foreignkey")
        batch_op.drop_column("asset_id")
