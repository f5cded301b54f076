"""account time zone: the household's last known IANA zone

Revision ID: 0018_account_time_zone
Revises: 0017_event_erasures
Create Date: 2026-12-03 17:30:00

The home page orders picks by the viewer's local time of day. The browser
sends its zone in a cookie; the account keeps the last one seen, so a
request without the cookie still gets the household's local time.
Existing accounts have none (UTC until a browser sends one).
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_account_time_zone"
down_revision = "0017_event_erasures"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
