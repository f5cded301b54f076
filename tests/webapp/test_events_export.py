"""`flask --app wsgi events export DIR`: the event log as Parquet, incremental and honest about erasures."""

import json
from datetime import timedelta

import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select

from tests.conftest import AuthActions
from webapp.activity.parquet_log.manifest import MANIFEST, sha256
from webapp.extensions import db
from webapp.models import Account, Event, Profile
from webapp.models.base import utcnow


def _export(app, target):
    result = app.test_cli_runner().invoke(args=["events", "export", str(target)])
    assert result.exit_code == 0, result.output
    return result.output


def _manifest(target) -> dict:
    return json.loads((target / MANIFEST).read_text())


def _exported(target) -> dict[int, dict]:
    """Every exported row by event id, read back from the files the manifest lists."""
    rows = {}
    for day in _manifest(target)["days"].values():
        for entry in day["files"]:
            for row in pq.read_table(target / entry["path"]).to_pylist():
                assert row["id"] not in rows, "an event was exported twice"
                rows[row["id"]] = row
    return rows


def _database_ids(app) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(Event.id)))


def _checksums(target) -> dict[str, str]:
    return {f["path"]: f["sha256"] for d in _manifest(target)["days"].values() for f in d["files"]}


def test_export_writes_every_event_by_day_with_matching_checksums(seeded_app, tmp_path):
    target = tmp_path / "events"
    _export(seeded_app, target)
    manifest = _manifest(target)
    rows = _exported(target)
    assert set(rows) == _database_ids(seeded_app)
    assert manifest["rows"] == len(rows)
    for day, entry in manifest["days"].items():
        for f in entry["files"]:
            path = target / f["path"]
            assert path.parent.name == f"dt={day}"
            assert sha256(path) == f["sha256"]
            assert pq.ParquetFile(path).metadata.num_rows == f["rows"]
            days = {r["occurred_at"].strftime("%Y-%m-%d") for r in pq.read_table(path).to_pylist()}
            assert days == {day}
    # Values travel unchanged: one event compared column by column.
    with seeded_app.app_context():
        event = db.session.scalars(select(Event).where(Event.type == "heartbeat").limit(1)).one()
        row = rows[event.id]
        assert (row["profile_id"], row["title_id"], row["type"]) == (
            event.profile_id,
            event.title_id,
            "heartbeat",
        )
        assert row["value"] == event.value and row["duration"] == event.duration
        assert row["occurred_at"].replace(tzinfo=None) == event.occurred_at


def test_rerun_adds_only_new_events_and_nothing_when_nothing_is_new(seeded_app, tmp_path):
    target = tmp_path / "events"
    _export(seeded_app, target)
    before = _checksums(target)
    manifest_bytes = (target / MANIFEST).read_bytes()

    assert "up to date" in _export(seeded_app, target)
    assert (target / MANIFEST).read_bytes() == manifest_bytes
    assert _checksums(target) == before

    with seeded_app.app_context():
        profile_id, title_id = db.session.execute(
            select(Event.profile_id, Event.title_id).where(Event.title_id.is_not(None)).limit(1)
        ).one()
        now = utcnow()
        new = [
            Event(profile_id=profile_id, title_id=title_id, type="click", occurred_at=now),
            Event(
                profile_id=profile_id,
                title_id=title_id,
                type="play_start",
                value=0.0,
                duration=600.0,
                occurred_at=now,
            ),
            # A late event for an older day extends that day with a part of its own.
            Event(
                profile_id=profile_id,
                title_id=title_id,
                type="click",
                occurred_at=now - timedelta(days=3),
            ),
        ]
        db.session.add_all(new)
        db.session.commit()
        new_ids = {e.id for e in new}

    _export(seeded_app, target)
    after = _checksums(target)
    assert {p: after[p] for p in before} == before, "files already exported were rewritten"
    added = set(after) - set(before)
    assert added
    added_ids = {
        r["id"] for p in added for r in pq.read_table(target / p, columns=["id"]).to_pylist()
    }
    assert added_ids == new_ids
    assert set(_exported(target)) == _database_ids(seeded_app)


def test_erased_history_leaves_the_export(seeded_app, tmp_path):
    target = tmp_path / "events"
    with seeded_app.app_context():
        profile_id = db.session.scalar(
            select(Profile.id)
            .join(Account, Account.id == Profile.account_id)
            .join(Event, Event.profile_id == Profile.id)
            .where(Account.email == "viewer1@marquee.local", Profile.is_kids.is_(False))
            .group_by(Profile.id)
            .order_by(func.count().desc())
            .limit(1)
        )
    assert profile_id is not None
    _export(seeded_app, target)
    assert any(r["profile_id"] == profile_id for r in _exported(target).values())

    client = seeded_app.test_client()
    auth = AuthActions(client)
    auth.as_viewer(profile_id)
    response = client.post(
        f"/account/profiles/{profile_id}/history/delete",
        data={"confirm": "y"},
        follow_redirects=True,
    )
    assert "history" in response.get_data(as_text=True) and response.status_code == 200
    with seeded_app.app_context():
        assert not db.session.scalar(
            select(func.count()).select_from(Event).where(Event.profile_id == profile_id)
        )

    _export(seeded_app, target)
    rows = _exported(target)
    assert not [r for r in rows.values() if r["profile_id"] == profile_id]
    assert set(rows) == _database_ids(seeded_app)
    for path, digest in _checksums(target).items():
        assert sha256(target / path) == digest
    listed = set(_checksums(target))
    on_disk = {p.relative_to(target).as_posix() for p in target.rglob("*.parquet")}
    assert on_disk == listed, "files of erased rows were left behind"


@pytest.mark.parametrize("make", ["file", "under_file"])
def test_unusable_directory_is_refused_with_status_2(app, tmp_path, make):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory")
    target = blocker if make == "file" else blocker / "events"
    result = app.test_cli_runner().invoke(args=["events", "export", str(target)])
    assert result.exit_code == 2
    assert "Error:" in result.output and str(blocker) in result.output
    assert blocker.read_text() == "not a directory"
