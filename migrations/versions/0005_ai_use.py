"""how each title used AI, with a note for viewers; profiles may hide AI-generated titles

Revision ID: 0005_ai_use
Revises: 0004_household_trust
Create Date: 2026-12-03 11:30:00

`titles.ai_generated` (a yes/no mark) becomes `titles.ai_use`: `none`,
`assisted` or `generated` (see webapp.catalog.ai_use), NULL while nobody has
answered, which the admin forms and the CSV import refuse to save. Marked titles
become `generated`, the others `none`. `titles.ai_use_note` holds the sentence
viewers read about what AI did.

`profiles.hide_ai_generated` lets a profile leave AI-generated titles out of
everything it is shown (webapp.catalog.visibility).

Downgrading keeps only the mark: `generated` becomes true, `assisted` and
`none` false, and the notes and the profile choice are dropped.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_ai_use"
down_revision = "0004_household_trust"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("titles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ai_use", sa.String(length=10), nullable=True))
        batch_op.add_column(
            sa.Column("ai_use_note", sa.String(length=300), nullable=False, server_default="")
        )
    op.execute(
        sa.text(
            "UPDATE titles SET ai_use = CASE WHEN ai_generated THEN 'generated' ELSE 'none' END"
        )
    )
    with op.batch_alter_table("titles", schema=None) as batch_op:
        batch_op.alter_column("ai_use_note", server_default=None)
        batch_op.drop_column("ai_generated")

    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hide_ai_generated", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.alter_column("hide_ai_generated", server_default=None)


def downgrade():
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.drop_column("hide_ai_generated")

    with op.batch_alter_table("titles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ai_generated", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(
        sa.text(
            "UPDATE titles SET ai_generated ="
            " CASE WHEN ai_use = 'generated' THEN TRUE ELSE FALSE END"
        )
    )
    with op.batch_alter_table("titles", schema=None) as batch_op:
        batch_op.alter_column("ai_generated", server_default=None)
        batch_op.drop_column("ai_use_note")
        batch_op.drop_column("ai_use")
