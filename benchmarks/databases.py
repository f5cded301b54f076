"""Throwaway PostgreSQL databases for the benchmarks (a SQLite database is just a file).

The server is the one in MARQUEE_BENCH_POSTGRES_URL (by default the local one);
each benchmark names its own database so that runs of different benchmarks
never touch each other's data.
"""

import os

import sqlalchemy as sa

PG_ADMIN = os.environ.get(
    "MARQUEE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _run(*statements: str) -> None:
    # CREATE/DROP DATABASE cannot run inside a transaction.
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))
    admin.dispose()


def postgres_url(name: str) -> str:
    """The URL of database `name` on the benchmark server."""
    return sa.engine.make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)


def fresh_postgres(name: str) -> str:
    """An empty database `name` (dropped first if a run left it behind); its URL."""
    _run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return postgres_url(name)


def drop_postgres(name: str) -> None:
    _run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
