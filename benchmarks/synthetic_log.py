"""A synthetic event log for the training benchmarks: generated pairs turned into events.

The pairs of ``benchmarks/recommender_scale.generate`` become plays,
completes or heartbeats and ratings in time order, written into a site's
database (in chunks through the driver) and/or straight into Parquet files of
the export's schema, one folder a day.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np

from benchmarks.recommender_scale import generate
from webapp.activity import vocabulary as ev

TYPES = np.array([ev.PLAY_START, ev.COMPLETE, ev.HEARTBEAT, ev.RATE])
END = datetime(2026, 12, 1)


def synthetic_events(n_users: int, n_items: int, n_pairs: int, seed: int) -> dict:
    """The log of `generate`'s pairs, in time order (ids 1..N), as column arrays.

    Each pair is a start, then a complete (60 %) or a heartbeat part-way, and
    sometimes a rating; pairs spread over the last 180 days.
    """
    inter, _ = generate(n_users, n_items, n_pairs, seed=seed)
    rng = np.random.default_rng(seed)
    n = len(inter)
    users = inter.user_ids.astype(np.int32) + 1
    items = inter.item_ids.astype(np.int32) + 1
    del inter
    start = END.timestamp() - rng.uniform(0, 180 * 86400, n)
    r = rng.random(n)
    done = r < 0.6
    rated = (r < 0.15) | (r > 0.95)
    stars = rng.choice(np.array([-1.0, 1.0, 2.0]), n)[rated]
    second = np.where(done, 6000.0, r * 6000.0)
    events = {
        "profile_id": np.concatenate([users, users, users[rated]]),
        "title_id": np.concatenate([items, items, items[rated]]),
        "code": np.concatenate(
            [
                np.zeros(n, np.int8),
                np.where(done, 1, 2).astype(np.int8),
                np.full(len(stars), 3, np.int8),
            ]
        ),
        "value": np.concatenate([np.zeros(n), second, stars]),
        "at": np.concatenate([start, start + second, start[rated] + 101 * 60]),
    }
    del users, items, start, r, done, rated, stars, second
    order = np.argsort(events["at"], kind="stable")
    for key in events:
        events[key] = events[key][order]
    return events


def _stamps(at: np.ndarray) -> np.ndarray:
    return (at * 1e6).astype("datetime64[us]")


def write_site(app, events: dict, n_users: int, n_items: int, chunk: int = 500_000) -> None:
    """Accounts, profiles, titles, and the log through the database driver in chunks."""
    from sqlalchemy import insert

    from webapp.extensions import db
    from webapp.models import Account, Event, Profile, Title

    with app.app_context():
        db.session.execute(
            insert(Account),
            [
                {"id": a + 1, "email": f"b{a}@bench.local", "password_hash": "x"}
                for a in range(n_users // 5 + 1)
            ],
        )
        db.session.execute(
            insert(Profile),
            [{"id": u + 1, "account_id": u // 5 + 1, "name": f"p{u}"} for u in range(n_users)],
        )
        db.session.execute(
            insert(Title),
            [
                {"id": i + 1, "kind": "film", "name": f"Title {i}", "slug": f"title-{i}"}
                for i in range(n_items)
            ],
        )
        db.session.commit()
        # Rows in time order land at random places of the three profile, title and type
        # indexes: build those after the rows, as a bulk load would, not row by row.
        indexes = [i for i in Event.__table__.indexes]
        for index in indexes:
            index.drop(db.engine)
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for lo in range(0, len(events["at"]), chunk):
                hi = min(lo + chunk, len(events["at"]))
                stamps = np.datetime_as_string(_stamps(events["at"][lo:hi]), unit="us")
                cursor.executemany(
                    "INSERT INTO events (id, profile_id, title_id, type, value, duration, "
                    "occurred_at) VALUES (?, ?, ?, ?, ?, 6000.0, ?)",
                    zip(
                        range(lo + 1, hi + 1),
                        events["profile_id"][lo:hi].tolist(),
                        events["title_id"][lo:hi].tolist(),
                        TYPES[events["code"][lo:hi]].tolist(),
                        events["value"][lo:hi].tolist(),
                        np.char.replace(stamps, "T", " ").tolist(),
                        strict=True,
                    ),
                )
            raw.commit()
        finally:
            raw.close()
        for index in indexes:
            index.create(db.engine)


def write_parquet(root: Path, events: dict) -> list[Path]:
    """The log as Parquet files of the export's schema, one folder a day."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from webapp.activity.parquet_log.parts import SCHEMA

    days = np.floor(events["at"] / 86400).astype(np.int64)
    bounds = np.flatnonzero(np.diff(days)) + 1
    paths = []
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(days)], strict=True):
        day = str(np.datetime64(int(days[lo]), "D"))
        columns = {
            "id": pa.array(np.arange(lo + 1, hi + 1, dtype=np.int64)),
            "profile_id": pa.array(events["profile_id"][lo:hi].astype(np.int64)),
            "title_id": pa.array(events["title_id"][lo:hi].astype(np.int64)),
            "type": pa.array(TYPES[events["code"][lo:hi]]),
            "value": pa.array(events["value"][lo:hi]),
            "duration": pa.array(np.full(hi - lo, 6000.0)),
            "occurred_at": pa.array(_stamps(events["at"][lo:hi])).cast(pa.timestamp("us", "UTC")),
        }
        table = pa.table(
            [columns.get(f.name, pa.nulls(hi - lo, f.type)) for f in SCHEMA], schema=SCHEMA
        )
        folder = root / f"dt={day}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / "part-00000.parquet", compression="zstd")
        paths.append(folder / "part-00000.parquet")
    return paths
