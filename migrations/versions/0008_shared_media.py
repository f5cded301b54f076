"""shared media: an asset many films and episodes play

Revision ID: 0008_shared_media
Revises: 0007_media
Create Date: 2026-12-03 12:10:00

The demo's few synthetic clips are transcoded once and played by every demo
title (see webapp.media.demo). Such an asset belongs to no one title
(media_assets.title_id becomes nullable); media_links say which film
(episode_id NULL) or episode plays it. A film's or episode's own upload still
comes first once ready. The target index serves "what does this film or
episode play"; the asset index serves the visibility check when its playlist
is fetched.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_shared_media"
down_revision = "0007_media"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("media_assets", schema=None) as batch_op:
        batch_op.alter_column("title_id", existing_type=sa.Integer(), nullable=True)
    op.create_table(
        "media_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=True),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["media_assets.id"],
            name=op.f("fk_media_links_asset_id_media_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name=op.f("fk_media_links_episode_id_episodes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["title_id"],
            ["titles.id"],
            name=op.f("fk_media_links_title_id_titles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_links")),
    )
    with op.batch_alter_table("media_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_media_links_asset_id"), ["asset_id"], unique=False)
        batch_op.create_index("ix_media_links_target", ["title_id", "episode_id"], unique=False)


def downgrade():
    with op.batch_alter_table("media_links", schema=None) as batch_op:
        batch_op.drop_index("ix_media_links_target")
        batch_op.drop_index(batch_op.f("ix_media_links_asset_id"))
    op.drop_table("media_links")
    op.execute("DELETE FROM media_assets WHERE title_id IS NULL")
    with op.batch_alter_table("media_assets", schema=None) as batch_op:
        batch_op.alter_column("title_id", existing_type=sa.Integer(), nullable=False)
