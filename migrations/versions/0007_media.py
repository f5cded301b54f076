"""media assets: uploaded video, its transcode progress and its HLS ladder

Revision ID: 0007_media
Revises: 0006_rate_limits
Create Date: 2026-12-03 11:30:00

One row per uploaded source of a film or an episode (see
webapp.models.media). A row moves queued -> transcoding -> ready or failed,
recording the stage and percentage on the way and one line saying why when it
fails; the files live under MEDIA_DIR, published only once the whole ladder
is written. The index serves "the ready asset of this film or episode".
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_media"
down_revision = "0006_rate_limits"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "media_assets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("renditions", sa.String(length=100), nullable=False),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name=op.f("fk_media_assets_episode_id_episodes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["title_id"],
            ["titles.id"],
            name=op.f("fk_media_assets_title_id_titles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_assets")),
    )
    with op.batch_alter_table("media_assets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_media_assets_episode_id"), ["episode_id"], unique=False
        )
        batch_op.create_index(
            "ix_media_assets_target", ["title_id", "episode_id", "state"], unique=False
        )


def downgrade():
    with op.batch_alter_table("media_assets", schema=None) as batch_op:
        batch_op.drop_index("ix_media_assets_target")
        batch_op.drop_index(batch_op.f("ix_media_assets_episode_id"))
    op.drop_table("media_assets")
