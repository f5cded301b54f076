"""Alembic owns the schema: every revision upgrades and downgrades cleanly on both databases.

Runs the real migration scripts against an empty SQLite file and an empty
PostgreSQL database (the `app` fixture's database is dropped back to base
first), so a downgrade that forgets an index or a table shows up here rather
than on somebody's server.
"""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from webapp.extensions import db
from webapp.models import Account, Genre

# Tables the ORM does not map on purpose: the search index is kept per database
# in its own way (FTS5 virtual tables and their shadow tables, tsvector tables).
UNMAPPED_PREFIXES = ("search_",)


def _revisions(app) -> list[str]:
    """Every revision from base to head, oldest first."""
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _tables() -> set[str]:
    names = set(sa.inspect(db.engine).get_table_names())
    return {n for n in names if n != "alembic_version"}


def _current() -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _mapped_only(kind: str, name: str | None) -> bool:
    return not (kind == "table" and name and name.startswith(UNMAPPED_PREFIXES))


def _drift() -> list:
    """Differences between the migrated schema and the models (empty when they agree)."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "include_object": lambda obj, name, kind, reflected, other: _mapped_only(
                    kind, name
                ),
                "compare_type": True,
            },
        )
        return compare_metadata(context, db.metadata)


def test_head_matches_the_models(app):
    with app.app_context():
        assert _current() == _revisions(app)[-1]
        assert _drift() == []


def test_downgrade_to_base_and_back_to_head(app):
    with app.app_context():
        downgrade(revision="base")
        db.engine.dispose()
        assert _tables() == set()
        assert _current() is None

        upgrade()
        db.engine.dispose()
        assert _current() == _revisions(app)[-1]
        assert {"accounts", "profiles", "titles", "events"} <= _tables()
        assert _drift() == []


def test_every_revision_steps_down_and_up(app):
    """Each revision's downgrade undoes exactly its upgrade, one step at a time."""
    with app.app_context():
        revisions = _revisions(app)
        for below, rev in reversed(list(zip([None, *revisions[:-1]], revisions))):
            before = _tables()
            downgrade(revision=below or "base")
            db.engine.dispose()
            assert _current() == below
            upgrade(revision=rev)
            db.engine.dispose()
            assert _current() == rev
            assert _tables() == before, f"{rev} does not recreate what its downgrade removed"
            downgrade(revision=below or "base")
            db.engine.dispose()
        assert _tables() == set()
        upgrade()
        db.engine.dispose()
        assert _drift() == []


def test_downgrading_the_newest_revision_keeps_the_data_of_the_ones_below(app):
    with app.app_context():
        db.session.add(Genre(name="Documentary", slug="documentary"))
        db.session.add(Account(email="kept@example.com", password_hash="x"))
        db.session.commit()
        db.session.remove()

        revisions = _revisions(app)
        downgrade(revision=revisions[-2])
        upgrade()
        db.engine.dispose()

        assert db.session.scalar(sa.select(Genre.name).where(Genre.slug == "documentary"))
        assert db.session.scalar(sa.select(Account.id).where(Account.email == "kept@example.com"))


def test_the_ai_mark_becomes_a_level_of_ai_use_and_back(app):
    """0005_ai_use: marked titles become AI-generated, the others made without AI."""
    title = (
        "INSERT INTO titles (kind, name, slug, maturity_rating, maturity_age, synopsis, mood,"
        " {column}, source, added_at) VALUES ('film', :name, :slug, 'PG', 10, '', 'cool',"
        " :value, 'admin', '2026-01-01 00:00:00')"
    )
    with app.app_context():
        downgrade(revision="0004_household_trust")
        db.engine.dispose()
        with db.engine.begin() as conn:
            for name, marked in (("Made By Hand", False), ("Made By Prompt", True)):
                conn.execute(
                    sa.text(title.format(column="ai_generated")),
                    {"name": name, "slug": name.lower().replace(" ", "-"), "value": marked},
                )
        upgrade()
        db.engine.dispose()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT name, ai_use, ai_use_note FROM titles")).all()
        assert sorted(rows) == [("Made By Hand", "none", ""), ("Made By Prompt", "generated", "")]

        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    title.format(column="ai_use_note, ai_use").replace(":value", "'x', :value")
                ),
                {"name": "Voice Rebuilt", "slug": "voice-rebuilt", "value": "assisted"},
            )
        downgrade(revision="0004_household_trust")
        db.engine.dispose()
        with db.engine.connect() as conn:
            marks = conn.execute(sa.text("SELECT name, ai_generated FROM titles")).all()
        assert sorted((name, bool(mark)) for name, mark in marks) == [
            ("Made By Hand", False),
            ("Made By Prompt", True),
            ("Voice Rebuilt", False),
        ]
        upgrade()
        db.engine.dispose()


def test_a_transcodes_status_moves_to_its_job_and_back(app):
    """0014_media_status_in_jobs: each asset's state, stage, percent and error become its job's row;
    a ready asset is published; media links survive; the downgrade puts everything back."""
    film = (
        "INSERT INTO titles (id, kind, name, slug, maturity_rating, maturity_age, synopsis, mood,"
        " ai_use, ai_use_note, source, added_at) VALUES (1, 'film', 'Reel', 'reel', 'PG', 10, '',"
        " 'cool', 'none', '', 'admin', '2026-01-01 00:00:00')"
    )
    asset = (
        "INSERT INTO media_assets (id, title_id, state, stage, percent, error, renditions,"
        " source_name, created_at, updated_at) VALUES (:id, :title, :state, :stage, :percent,"
        " :error, '', 'clip.mp4', '2026-01-01 00:00:00', '2026-01-02 00:00:00')"
    )
    before = [
        {"id": 1, "title": 1, "state": "ready", "stage": "ready", "percent": 100, "error": None},
        {"id": 2, "title": 1, "state": "transcoding", "stage": "encoding 480p", "percent": 37,
         "error": None},
        {"id": 3, "title": 1, "state": "failed", "stage": "encoding 240p", "percent": 12,
         "error": "The encoder stopped."},
        {"id": 4, "title": 1, "state": "queued", "stage": "", "percent": 0, "error": None},
        {"id": 5, "title": None, "state": "ready", "stage": "ready", "percent": 100, "error": None},
    ]  # fmt: skip
    with app.app_context():
        downgrade(revision="0013_episode_synopsis")
        db.engine.dispose()
        with db.engine.begin() as conn:
            conn.execute(sa.text(film))
            conn.execute(sa.text(asset), before)
            conn.execute(sa.text("INSERT INTO media_links (title_id, asset_id) VALUES (1, 5)"))
        upgrade()
        db.engine.dispose()
        with db.engine.connect() as conn:
            published = dict(conn.execute(sa.text("SELECT id, published FROM media_assets")).all())
            moved = conn.execute(
                sa.text("SELECT name, asset_id, state, stage, percent, error FROM jobs")
            ).all()
            links = conn.execute(sa.text("SELECT title_id, asset_id FROM media_links")).all()
        assert {k: bool(v) for k, v in published.items()} == {
            1: True, 2: False, 3: False, 4: False, 5: True
        }  # fmt: skip
        assert sorted(moved) == [
            ("transcode-1", 1, "done", "ready", 100, None),
            ("transcode-2", 2, "running", "encoding 480p", 37, None),
            ("transcode-3", 3, "failed", "encoding 240p", 12, "The encoder stopped."),
            ("transcode-4", 4, "queued", "", 0, None),
            ("transcode-5", 5, "done", "ready", 100, None),
        ]
        assert links == [(1, 5)]

        with db.engine.begin() as conn:  # the job goes with its asset
            conn.execute(sa.text("DELETE FROM media_assets WHERE id = 4"))
            assert conn.scalar(sa.text("SELECT count(*) FROM jobs")) == 4

        downgrade(revision="0013_episode_synopsis")
        db.engine.dispose()
        with db.engine.connect() as conn:
            back = conn.execute(
                sa.text("SELECT id, state, stage, percent, error FROM media_assets")
            ).all()
            jobs_left = conn.scalar(sa.text("SELECT count(*) FROM jobs"))
            links = conn.execute(sa.text("SELECT title_id, asset_id FROM media_links")).all()
        expected = [
            tuple(row[k] for k in ("id", "state", "stage", "percent", "error"))
            for row in before
            if row["id"] != 4
        ]
        assert sorted(back) == expected
        assert jobs_left == 0 and links == [(1, 5)]
        upgrade()
        db.engine.dispose()


def test_an_erasure_may_name_every_profile_and_the_downgrade_keeps_the_profiles_ones(app):
    """0019_catalog_erasures: a deleted title's note names no profile; the old schema has none."""
    note = (
        "INSERT INTO event_erasures (profile_id, title_id, playback_only, requested_at)"
        " VALUES (:profile, :title, :playback, '2026-01-01 00:00:00')"
    )
    listed = "SELECT profile_id, title_id, playback_only FROM event_erasures ORDER BY id"
    with app.app_context():
        downgrade(revision="0018_account_time_zone")
        db.engine.dispose()
        with db.engine.begin() as conn:
            conn.execute(sa.text(note), {"profile": 7, "title": 3, "playback": True})
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text(note), {"profile": None, "title": 5, "playback": False})

        upgrade()
        db.engine.dispose()
        with db.engine.begin() as conn:
            conn.execute(sa.text(note), {"profile": None, "title": 5, "playback": False})
            rows = conn.execute(sa.text(listed)).all()
        assert [(p, t, bool(b)) for p, t, b in rows] == [(7, 3, True), (None, 5, False)]

        downgrade(revision="0018_account_time_zone")
        db.engine.dispose()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text(listed)).all()
        assert [(p, t, bool(b)) for p, t, b in rows] == [(7, 3, True)]
        upgrade()
        db.engine.dispose()
