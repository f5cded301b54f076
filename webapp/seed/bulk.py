"""Chunked bulk inserts with an optional progress bar.

SQLite takes plain executemany at C speed: rows that give every column with a
Python-side default go to the driver as tuples, each value through its
column type's own bind processor (what SQLAlchemy would store), without
compiling parameters row by row. On PostgreSQL, psycopg's executemany still
sends one INSERT per row, so rows go through COPY instead, in the session's
own transaction.
"""

from collections.abc import Sequence

from sqlalchemy import insert
from tqdm import tqdm

from webapp.activity.partitions import ensure_months
from webapp.extensions import db
from webapp.models import Event

CHUNK = 5000


def insert_rows(model, rows: Sequence[dict], bar: tqdm | None = None, chunk: int = CHUNK) -> int:
    """Insert plain dicts (all with the same keys) in chunks; returns the row count."""
    # The table, not the ORM entity: the ORM drops None values and splits a batch
    # wherever the set of non-None keys changes, which turns it into row-by-row inserts.
    table = getattr(model, "__table__", model)
    copy = db.session.get_bind().dialect.name == "postgresql"
    if table.name == Event.__tablename__:
        ensure_months(db.session.connection(), (row["occurred_at"] for row in rows))
    plain = not copy and rows and _plain_sqlite(table, rows[0])
    for begin in range(0, len(rows), chunk):
        part = rows[begin : begin + chunk]
        if copy:
            _copy(table, part)
        elif plain:
            _executemany(table, part)
        else:
            db.session.execute(insert(table), list(part))
        if bar is not None:
            bar.update(len(part))
    return len(rows)


def _copy(table, rows: Sequence[dict]) -> None:
    """COPY rows into a PostgreSQL table through the session's connection."""
    if not rows:
        return
    columns = list(rows[0])
    driver = db.session.connection().connection.driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    statement = f'COPY "{table.name}" ({names}) FROM STDIN'
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def _plain_sqlite(table, row: dict) -> bool:
    """SQLite, and the rows name every column that has a Python-side default."""
    if db.session.get_bind().dialect.name != "sqlite":
        return False
    defaulted = {c.name for c in table.columns if c.default is not None or c.onupdate is not None}
    return defaulted <= set(row) and set(row) <= set(table.columns.keys())


def _executemany(table, rows: Sequence[dict]) -> None:
    """One driver-level executemany of the rows, in the session's transaction."""
    if not rows:
        return
    columns = list(rows[0])
    dialect = db.session.get_bind().dialect
    processors = [
        (name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in columns
    ]
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    params = [
        tuple(
            row[name] if p is None or row[name] is None else p(row[name]) for name, p in processors
        )
        for row in rows
    ]
    db.session.connection().exec_driver_sql(
        f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', params
    )
