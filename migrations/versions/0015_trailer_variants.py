"""trailer variants: a title's trailer cuts, each a short shared ladder, for muted previews

Revision ID: 0015_trailer_variants
Revises: 0014_media_status_in_jobs
Create Date: 2026-12-04 11:00:00

The home hero and the title page play a muted preview; which cut a viewer
sees is chosen per taste segment by a bandit, so a title can have several
(a short cut, another opening). Each row names one cut of one title and the
media asset that holds its ladder; nothing exists before, so no data moves.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_trailer_variants"
down_revision = "0014_media_status_in_jobs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "trailer_variants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["media_assets.id"],
            name=op.f("fk_trailer_variants_asset_id_media_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["title_id"],
            ["titles.id"],
            name=op.f("fk_trailer_variants_title_id_titles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trailer_variants")),
        sa.UniqueConstraint("title_id", "name", name="uq_trailer_variants_title_name"),
    )
    with op.batch_alter_table("trailer_variants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trailer_variants_asset_id"), ["asset_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("trailer_variants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trailer_variants_asset_id"))
    op.drop_table("trailer_variants")
    # Trailer ladders are shared assets no media link plays: they go with their table.
    op.execute(
        "DELETE FROM media_assets WHERE title_id IS NULL AND id NOT IN "
        "(SELECT asset_id FROM media_links)"
    )
