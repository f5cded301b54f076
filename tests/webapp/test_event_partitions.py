"""Monthly partitions of the events table on the real PostgreSQL; SQLite keeps one table.

Events land in their month's partition, a month without one gets it on
write, old months are dropped only once exported (and the export keeps
them), and migration 0009 converts a populated table and back.
"""

import json
from datetime import datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.webapp.catalog_factory import build_catalog, make_account
from webapp.activity import record_events
from webapp.activity.parquet_log.manifest import MANIFEST
from webapp.activity.partitions import SCHEMA, add_months, month_of
from webapp.extensions import db
from webapp.models import Event, Profile
from webapp.models.base import utcnow
from webapp.seed.bulk import insert_rows


def _postgres_only(app):
    if app.config["TEST_BACKEND"] != "postgresql":
        pytest.skip("partitions are a PostgreSQL feature")


def _viewer() -> tuple[Profile, int]:
    """A profile and a title it may see."""
    made = build_catalog(n_kid=1)
    _, (profile_id,) = make_account("parts@example.com")
    return db.session.get(Profile, profile_id), made.titles["Sunny Meadow 0"]


def _click(profile: Profile, title_id: int, at: datetime) -> None:
    record_events(profile, {"events": [{"type": "click", "title_id": title_id}]}, now=at)


def _where_events_live() -> dict[int, str]:
    """{event id: the table that holds it}."""
    rows = db.session.execute(sa.text("SELECT id, tableoid::regclass::text FROM events"))
    return dict(rows.all())


def _months() -> list[str]:
    names = db.session.scalars(
        sa.text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = 'events'::regclass ORDER BY 1"
        )
    )
    return list(names)


def test_an_event_lands_in_the_partition_of_its_month(app):
    _postgres_only(app)
    with app.app_context():
        profile, title_id = _viewer()
        now = utcnow()
        _click(profile, title_id, now)
        (place,) = _where_events_live().values()
        assert place == f"{SCHEMA}.events_{now:%Y_%m}"


def test_a_month_without_a_partition_gets_one_on_write(app):
    _postgres_only(app)
    with app.app_context():
        profile, title_id = _viewer()
        far = datetime(2031, 7, 15, 12, 0)
        assert "events_2031_07" not in _months()
        _click(profile, title_id, far)  # the request path
        db.session.add(  # the ORM
            Event(
                profile_id=profile.id,
                title_id=title_id,
                type="click",
                occurred_at=far.replace(year=1999),
            )
        )
        db.session.commit()
        insert_rows(  # the bulk path (COPY)
            Event,
            [
                {
                    "profile_id": profile.id,
                    "title_id": title_id,
                    "type": "click",
                    "occurred_at": datetime(2012, 2, 29, 23, 59),
                }
            ],
        )
        db.session.commit()
        places = sorted(_where_events_live().values())
        assert places == [
            f"{SCHEMA}.events_1999_07",
            f"{SCHEMA}.events_2012_02",
            f"{SCHEMA}.events_2031_07",
        ]


def test_partitions_command_creates_the_months_ahead(app):
    _postgres_only(app)
    result = app.test_cli_runner().invoke(args=["events", "partitions", "--ahead", "6"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        months = _months()
    this = month_of(utcnow())
    for i in range(7):
        assert f"events_{add_months(this, i):%Y_%m}" in months
    assert f"events_{add_months(this, 7):%Y_%m}" not in months


def _old_months(app) -> dict[str, int]:
    """Two clicks in January 2020, one in February, one now; {month: event id}."""
    with app.app_context():
        profile, title_id = _viewer()
        for at in (datetime(2020, 1, 5), datetime(2020, 1, 31, 23), datetime(2020, 2, 1), utcnow()):
            _click(profile, title_id, at)
        return {place.rsplit(".", 1)[1]: i for i, place in _where_events_live().items()}


def _drop(app, before: str, export):
    return app.test_cli_runner().invoke(
        args=["events", "drop-months", "--before", before, "--export", str(export)]
    )


def test_dropping_an_exported_month_leaves_the_others_and_the_export(app, tmp_path):
    _postgres_only(app)
    _old_months(app)
    export = tmp_path / "events"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["events", "export", str(export)]).exit_code == 0
    with app.app_context():
        before = _where_events_live()

    result = _drop(app, "2020-02", export)
    assert result.exit_code == 0, result.output
    assert "2020-01" in result.output

    with app.app_context():
        after = _where_events_live()
        months = _months()
    assert "events_2020_01" not in months and "events_2020_02" in months
    assert after == {i: p for i, p in before.items() if not p.endswith("events_2020_01")}
    assert len(before) - len(after) == 2

    # The export keeps the dropped month: it was archived, not erased.
    assert runner.invoke(args=["events", "export", str(export)]).exit_code == 0
    manifest = json.loads((export / MANIFEST).read_text())
    assert manifest["archived_months"] == ["2020-01"]
    assert {"2020-01-05", "2020-01-31", "2020-02-01"} <= set(manifest["days"])
    assert manifest["rows"] == len(before)


def test_a_month_the_export_lacks_is_not_dropped(app, tmp_path):
    _postgres_only(app)
    _old_months(app)
    export = tmp_path / "events"
    assert app.test_cli_runner().invoke(args=["events", "export", str(export)]).exit_code == 0
    with app.app_context():
        profile_id = db.session.scalar(sa.select(Event.profile_id).limit(1))
        late = Event(
            profile_id=profile_id, type="search", text="late", occurred_at=datetime(2020, 1, 9)
        )
        db.session.add(late)
        db.session.commit()

    result = _drop(app, "2020-02", export)
    assert result.exit_code == 2
    assert "2020-01" in result.output and "export" in result.output
    with app.app_context():
        assert "events_2020_01" in _months()


@pytest.mark.parametrize(
    ("before", "message"), [("2020-13", "YYYY-MM"), ("soon", "YYYY-MM"), ("2999-01", "after")]
)
def test_bad_months_are_refused_with_status_2(app, tmp_path, before, message):
    result = _drop(app, before, tmp_path)
    assert result.exit_code == 2
    assert message in result.output


def test_sqlite_keeps_one_plain_events_table(app, tmp_path):
    if app.config["TEST_BACKEND"] != "sqlite":
        pytest.skip("the SQLite side")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["events", "partitions"])
    assert result.exit_code == 0 and "not partitioned" in result.output
    result = _drop(app, "2020-01", tmp_path)
    assert result.exit_code == 2 and "PostgreSQL" in result.output


def test_the_migration_converts_a_populated_table_and_back(seeded_app):
    _postgres_only(seeded_app)
    app = seeded_app
    query = sa.text("SELECT * FROM events ORDER BY id")

    def indexes() -> set[str]:
        return set(
            db.session.scalars(
                sa.text("SELECT indexname FROM pg_indexes WHERE tablename = 'events'")
            )
        )

    def primary_key() -> list[str]:
        return sa.inspect(db.engine).get_pk_constraint("events")["constrained_columns"]

    with app.app_context():
        partitioned = db.session.execute(query).all()
        assert len(partitioned) > 100
        kept = indexes()
        assert {"ix_events_profile_time", "ix_events_title_time", "ix_events_type_time"} <= kept
        assert primary_key() == ["id", "occurred_at"]
        db.session.remove()

        downgrade(revision="0008_shared_media")
        db.engine.dispose()
        assert db.session.execute(query).all() == partitioned
        assert not _months() and indexes() == kept and primary_key() == ["id"]
        assert db.session.scalar(sa.text("SELECT to_regnamespace(:s)"), {"s": SCHEMA}) is None
        db.session.remove()

        upgrade()
        db.engine.dispose()
        assert db.session.execute(query).all() == partitioned
        assert indexes() == kept and primary_key() == ["id", "occurred_at"]
        days = db.session.scalars(
            sa.text("SELECT DISTINCT to_char(occurred_at, 'YYYY_MM') FROM events")
        )
        assert {f"events_{d}" for d in days} <= set(_months())
        # New events keep taking ids from the same sequence, after the old ones.
        profile = db.session.scalar(sa.select(Profile).where(Profile.is_kids.is_(False)))
        record_events(profile, {"events": [{"type": "search", "text": "after", "value": 0}]})
        newest = db.session.scalar(sa.text("SELECT max(id) FROM events"))
        assert newest > partitioned[-1].id
