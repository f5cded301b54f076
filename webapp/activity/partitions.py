"""Monthly partitions of the events table on PostgreSQL; SQLite keeps one plain table.

Migration 0009 makes `events` a table partitioned by RANGE (occurred_at), one
partition a month. The partitions live in their own schema, `event_months`,
so that the ORM and Alembic keep seeing the one `events` table. They are made
ahead by `flask events partitions --ahead N`, and on write for a month that
has none yet: every writer of events calls `ensure_months` (the ORM's inserts
through a mapper hook), so no event fails for want of a partition. An old
month leaves with `flask events drop-months --before YYYY-MM` once the
Parquet export holds all of it: one DROP TABLE instead of a long DELETE.

On write a partition is made as a plain table and then attached: ATTACH
takes a lock on `events` that lets reads and inserts go on, where CREATE
TABLE ... PARTITION OF would stop them all until the writer commits.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import event, text
from sqlalchemy.engine import Connection

from webapp.models import Event
from webapp.models.base import utcnow

SCHEMA = "event_months"
# pg_advisory_xact_lock key: writers that find the same month missing take turns.
_LOCK_KEY = 0x6D6F6E7468  # "month"
# (database URL, first day of month) known to have a partition, per process.
_known: set[tuple[str, date]] = set()


def month_of(moment: datetime | date) -> date:
    """The first day of the month a moment falls in."""
    return date(moment.year, moment.month, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"events_{month:%Y_%m}"


def parse_month(value: str) -> date:
    """'YYYY-MM' as the first day of that month; ValueError with the expected form otherwise."""
    try:
        parsed = datetime.strptime(value.strip(), "%Y-%m")
    except ValueError:
        raise ValueError(f"{value!r} is not a month; write it as YYYY-MM, e.g. 2026-01.") from None
    return month_of(parsed)


def is_partitioned(connection: Connection) -> bool:
    """True when `events` is a partitioned table (PostgreSQL after migration 0009)."""
    if connection.dialect.name != "postgresql":
        return False
    kind = connection.execute(
        text("SELECT relkind FROM pg_class WHERE oid = to_regclass('events')")
    ).scalar()
    return kind == "p"


def _database(connection: Connection) -> str:
    return connection.engine.url.render_as_string(hide_password=True)


@dataclass(frozen=True)
class Partition:
    month: date
    rows: int  # estimated from the planner's statistics; exact counts need a scan


def existing(connection: Connection) -> list[Partition]:
    """The month partitions of `events`, oldest first."""
    rows = connection.execute(
        text(
            "SELECT c.relname, greatest(c.reltuples, 0)::bigint FROM pg_inherits i"
            " JOIN pg_class c ON c.oid = i.inhrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE i.inhparent = to_regclass('events') AND n.nspname = :schema"
            " ORDER BY c.relname"
        ),
        {"schema": SCHEMA},
    )
    out = []
    for name, estimate in rows:
        year, month = name.removeprefix("events_").split("_")
        out.append(Partition(date(int(year), int(month), 1), int(estimate)))
    return out


def ensure_months(connection: Connection, moments: Iterable[datetime]) -> list[date]:
    """Make sure each month of `moments` has a partition; returns the months created.

    A no-op on SQLite and on an unpartitioned table. After the first call a
    process asks the database again only for a month it has not seen.
    """
    if connection.dialect.name != "postgresql":
        return []
    database = _database(connection)
    wanted = {month_of(m) for m in moments} - {m for d, m in _known if d == database}
    if not wanted or not is_partitioned(connection):
        return []
    present = {p.month for p in existing(connection)}
    created = []
    for month in sorted(wanted - present):
        if _create(connection, month):
            created.append(month)
    _known.update((database, m) for m in wanted)
    return created


def _create(connection: Connection, month: date) -> bool:
    """One month's partition, in the caller's transaction; False when another writer made it."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    name = partition_name(month)
    found = connection.execute(text("SELECT to_regclass(:n)"), {"n": f"{SCHEMA}.{name}"}).scalar()
    if found is not None:
        return False
    start, end = month.isoformat(), add_months(month, 1).isoformat()
    connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
    connection.execute(text(f"CREATE TABLE {SCHEMA}.{name} (LIKE events INCLUDING DEFAULTS)"))
    connection.execute(
        text(
            f"ALTER TABLE events ATTACH PARTITION {SCHEMA}.{name}"
            f" FOR VALUES FROM ('{start}') TO ('{end}')"
        )
    )
    return True


def create_ahead(connection: Connection, ahead: int, today: date | None = None) -> list[date]:
    """Partitions for this month and the `ahead` months after it; returns the months created."""
    first = month_of(today or utcnow())
    months = [add_months(first, i) for i in range(ahead + 1)]
    return ensure_months(connection, [datetime(m.year, m.month, 1) for m in months])


def drop_month(connection: Connection, month: date) -> None:
    """Drop one month's partition and every event in it."""
    connection.execute(text(f"DROP TABLE {SCHEMA}.{partition_name(month)}"))
    database = _database(connection)
    _known.discard((database, month))


def month_extent(connection: Connection, month: date) -> tuple[int, int]:
    """(rows, highest event id) of one month's partition."""
    rows, top = connection.execute(
        text(f"SELECT count(*), coalesce(max(id), 0) FROM {SCHEMA}.{partition_name(month)}")
    ).one()
    return int(rows), int(top)


@event.listens_for(Event, "before_insert")
def _partition_for_orm_insert(_mapper, connection: Connection, target: Event) -> None:
    # Events added through the ORM (tests, one-off scripts) get their month too.
    ensure_months(connection, [target.occurred_at or utcnow()])
