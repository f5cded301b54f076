"""artwork uploads: posters, backdrops and title treatments uploaded by admins

Revision ID: 0016_artwork_uploads
Revises: 0015_trailer_variants
Create Date: 2026-12-03 17:30:00

An uploaded artwork variant is an `artworks` row (style "uploaded") like the
drawn ones, so the artwork bandit treats it as one more arm; its pictures
(one per kind) are rows here, their files named by digest on disk.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_artwork_uploads"
down_revision = "0015_trailer_variants"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "artwork_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("artwork_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["artwork_id"], ["artworks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("artwork_id", "kind", name="uq_artwork_images_kind"),
    )
    with op.batch_alter_table("artwork_images", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_artwork_images_artwork_id"), ["artwork_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("artwork_images", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_artwork_images_artwork_id"))
    op.drop_table("artwork_images")
