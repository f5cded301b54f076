"""Engine tuning per database backend."""

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from webapp.extensions import db


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers go on while a writer commits; the busy timeout makes
    # concurrent gunicorn workers wait for the write lock instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask) -> None:
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"
