"""The seed's bulk inserts: stored as SQLAlchemy would store them, without per-row compiling."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.sql.compiler import SQLCompiler

from tests.webapp.catalog_factory import build_catalog, make_account
from webapp.extensions import db
from webapp.models import Event, WatchState
from webapp.models.base import utcnow
from webapp.seed.bulk import insert_rows
from webapp.seed.simulate import EVENT_KEYS

AT = datetime(2026, 2, 4, 16, 14, 37)


def _events(profile_id: int, n: int, first: int = 0) -> list[dict]:
    rows = []
    for k in range(first, first + n):
        row = dict.fromkeys(EVENT_KEYS)
        row.update(
            profile_id=profile_id,
            type="search" if k % 2 else "impression",
            text=f"query {k}" if k % 2 else None,
            value=float(k) / 3,
            occurred_at=AT + timedelta(seconds=k, microseconds=k % 7),
            local_hour=k % 24,
            local_weekday=k % 7,
            device="tv",
            session_id=f"s{k}",
        )
        rows.append(row)
    return rows


def _stored(prefix: str) -> dict[str, tuple]:
    """Every column but the id of the events whose session starts with prefix, by session."""
    columns = [c for c in Event.__table__.columns if c.name not in ("id", "session_id")]
    query = sa.select(Event.session_id, *columns).where(Event.session_id.startswith(prefix))
    return {r[0].removeprefix(prefix): tuple(r[1:]) for r in db.session.execute(query)}


def test_bulk_rows_read_back_like_rows_inserted_through_sqlalchemy(app):
    with app.app_context():
        _, (profile_id,) = make_account("bulk@example.com")
        rows = _events(profile_id, 40)
        assert insert_rows(Event, rows) == 40
        orm_rows = [dict(r, session_id="orm-" + r["session_id"]) for r in rows]
        db.session.execute(sa.insert(Event.__table__), orm_rows)
        db.session.commit()
        bulk, orm = _stored("s"), _stored("orm-s")
        assert len(bulk) == 40 and bulk == orm
        # Compared in SQL too: the stored times order and filter like SQLAlchemy's own.
        since = AT + timedelta(seconds=20)
        later = db.session.scalar(
            sa.select(sa.func.count()).select_from(Event).where(Event.occurred_at >= since)
        )
        assert later == 2 * 20


def test_bulk_rows_are_not_compiled_one_by_one(app, monkeypatch):
    calls = []
    real = SQLCompiler.construct_params

    def counting(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    with app.app_context():
        _, (profile_id,) = make_account("many@example.com")
        rows = _events(profile_id, 3000)
        monkeypatch.setattr(SQLCompiler, "construct_params", counting)
        insert_rows(Event, rows, chunk=1000)
        monkeypatch.undo()
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 3000
    assert len(calls) < 100


def test_a_row_without_a_defaulted_column_still_gets_its_default(app):
    """SQLite's driver-level path is for complete rows; others go through SQLAlchemy.

    (PostgreSQL's COPY takes complete rows only, as the seed writes them.)
    """
    if app.config["TEST_BACKEND"] != "sqlite":
        pytest.skip("COPY on PostgreSQL takes complete rows only")
    with app.app_context():
        _, (profile_id,) = make_account("default@example.com")
        title_id = build_catalog(n_kid=1).titles["Sunny Meadow 0"]
        db.session.commit()
        insert_rows(WatchState, [{"profile_id": profile_id, "title_id": title_id}])
        db.session.commit()
        state = db.session.scalars(sa.select(WatchState)).one()
        assert state.position == 0.0 and state.completed is False and state.hidden is False
        assert abs(state.updated_at - utcnow()) < timedelta(minutes=5)
