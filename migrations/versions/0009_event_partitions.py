"""event partitions: the events table partitioned by month on PostgreSQL

Revision ID: 0009_event_partitions
Revises: 0008_shared_media
Create Date: 2026-12-10 09:00:00

On PostgreSQL `events` becomes a table partitioned by RANGE (occurred_at), one
partition a month in the schema `event_months` (see
webapp.activity.partitions), so that an old month can be dropped at once after
export. The existing table is renamed, its rows copied into the partitioned
one (partitions for every month they fall in, this month and the three
after), and then dropped. A partitioned table's primary key must hold the
partition column: it becomes (id, occurred_at); ids still come from the same
sequence, so they stay unique. Every index is kept under its name. SQLite
keeps its one plain table: nothing changes there.
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009_event_partitions"
down_revision = "0008_shared_media"
branch_labels = None
depends_on = None

SCHEMA = "event_months"
AHEAD = 3
INDEXES = {
    "ix_events_profile_time": ["profile_id", "occurred_at"],
    "ix_events_title_time": ["title_id", "occurred_at"],
    "ix_events_type_time": ["type", "occurred_at"],
}
COLUMNS = (
    "id, profile_id, title_id, episode_id, type, value, text, duration, page, row_key,"
    " row_pos, col_pos, artwork_variant, occurred_at, local_hour, local_weekday, device,"
    " session_id, model_version"
)


def _events_table(primary_key: list[str], **kw) -> None:
    """The events table as in 0001, ids from the existing sequence."""
    op.create_table(
        "events",
        sa.Column(
            "id",
            sa.BigInteger(),
            server_default=sa.text("nextval('events_id_seq'::regclass)"),
            nullable=False,
        ),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("title_id", sa.Integer(), nullable=True),
        sa.Column("episode_id", sa.Integer(), nullable=True),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("duration", sa.Float(), nullable=True),
        sa.Column("page", sa.String(length=40), nullable=True),
        sa.Column("row_key", sa.String(length=80), nullable=True),
        sa.Column("row_pos", sa.SmallInteger(), nullable=True),
        sa.Column("col_pos", sa.SmallInteger(), nullable=True),
        sa.Column("artwork_variant", sa.SmallInteger(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("local_hour", sa.SmallInteger(), nullable=True),
        sa.Column("local_weekday", sa.SmallInteger(), nullable=True),
        sa.Column("device", sa.String(length=10), nullable=True),
        sa.Column("session_id", sa.String(length=64), nullable=True),
        sa.Column("model_version", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name="fk_events_episode_id_episodes",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name="fk_events_profile_id_profiles",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["title_id"], ["titles.id"], name="fk_events_title_id_titles", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(*primary_key, name="pk_events"),
        **kw,
    )
    for name, columns in INDEXES.items():
        op.create_index(name, "events", columns, unique=False)
    op.execute("ALTER SEQUENCE events_id_seq OWNED BY events.id")


def _set_aside(new_name: str) -> None:
    """Rename `events` out of the way, freeing the names of its key and indexes."""
    op.execute(f"ALTER TABLE events RENAME TO {new_name}")
    op.execute(f"ALTER TABLE {new_name} RENAME CONSTRAINT pk_events TO pk_{new_name}")
    for name in INDEXES:
        op.execute(f"DROP INDEX {name}")
    # The sequence would go with the old table: the new one takes it over.
    op.execute("ALTER SEQUENCE events_id_seq OWNED BY NONE")


def _month(moment: datetime | date) -> date:
    return date(moment.year, moment.month, 1)


def _next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    _set_aside("events_unpartitioned")
    _events_table(["id", "occurred_at"], postgresql_partition_by="RANGE (occurred_at)")
    op.execute(f"CREATE SCHEMA {SCHEMA}")
    found = bind.execute(
        sa.text("SELECT DISTINCT date_trunc('month', occurred_at) FROM events_unpartitioned")
    ).scalars()
    months = {_month(m) for m in found}
    month = _month(datetime.now(UTC))
    for _ in range(AHEAD + 1):
        months.add(month)
        month = _next(month)
    for month in sorted(months):
        op.execute(
            f"CREATE TABLE {SCHEMA}.events_{month:%Y_%m} PARTITION OF events"
            f" FOR VALUES FROM ('{month}') TO ('{_next(month)}')"
        )
    op.execute(f"INSERT INTO events ({COLUMNS}) SELECT {COLUMNS} FROM events_unpartitioned")
    op.drop_table("events_unpartitioned")
    op.execute("ANALYZE events")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    _set_aside("events_partitioned")
    _events_table(["id"])
    op.execute(f"INSERT INTO events ({COLUMNS}) SELECT {COLUMNS} FROM events_partitioned")
    op.drop_table("events_partitioned")  # its partitions with it
    op.execute(f"DROP SCHEMA {SCHEMA}")
