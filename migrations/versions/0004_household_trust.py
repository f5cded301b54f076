"""household trust: sign-in sessions kept on the server, wrong PINs counted per account

Revision ID: 0004_household_trust
Revises: 0003_search_suggestion_order
Create Date: 2026-12-03 11:30:00

- `sign_in_sessions`: one row per sign-in; the session and remember-me cookies
  carry its id, and the user loader refuses a revoked, unknown or long-idle
  one (see webapp.auth.sessions). Signing out revokes the row, so a copied
  cookie stops working on the server too.
- `secret_failures`: wrong PINs and passwords in a row, per account and secret
  ("password" or "pin:<profile id>"), shared by every worker and host (see
  webapp.auth.lockout).

Sessions signed in before this revision carry the old "<account id>:<token>"
id, which names no row: those browsers sign in once more.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_household_trust"
down_revision = "0003_search_suggestion_order"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("user_agent", sa.String(length=80), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_sign_in_sessions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_sessions")),
    )
    with op.batch_alter_table("sign_in_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_in_sessions_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "secret_failures",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=24), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_secret_failures_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "secret", name=op.f("pk_secret_failures")),
    )


def downgrade():
    op.drop_table("secret_failures")
    with op.batch_alter_table("sign_in_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_sessions_account_id"))
    op.drop_table("sign_in_sessions")
