"""The demo seed: counts, determinism, demo logins, bad input and the command line."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from tests.conftest import make_config
from tests.webapp.seed_catalog import NOW, count, fresh_app, seeded_digest, write_tiny_catalog
from webapp import create_app
from webapp.activity.vocabulary import EVENT_TYPES
from webapp.auth.accounts import authenticate
from webapp.extensions import db
from webapp.models import (
    Account,
    Episode,
    Event,
    Profile,
    Title,
)
from webapp.seed.demo import SeedError, database_is_empty, seed_demo


@pytest.fixture
def tiny_catalog(tmp_path) -> Path:
    return write_tiny_catalog(tmp_path / "catalog")


# -- counts ------------------------------------------------------------------------------


def test_small_seed_counts(app, tiny_catalog):
    with app.app_context():
        assert database_is_empty()
        summary = seed_demo(
            n_profiles=24, seed=11, days=30, progress=False, now=NOW, catalog_dir=tiny_catalog
        )
        assert not database_is_empty()
        assert (summary.films, summary.series, summary.episodes) == (30, 4, 34)
        assert count(Title) == 34 and count(Episode) == 34
        assert summary.profiles == count(Profile) == 24
        assert summary.accounts == count(Account) >= 4
        assert (
            summary.kids_profiles
            == db.session.scalar(sa.select(sa.func.count()).where(Profile.is_kids))
            >= 2
        )
        assert summary.events == count(Event) > 1000
        assert summary.interactions > 300 and summary.impressions > 300
        assert "24 profiles" in summary.describe()
        sizes = db.session.execute(
            sa.select(sa.func.count()).select_from(Profile).group_by(Profile.account_id)
        ).scalars()
        assert max(sizes) <= 5
        types = set(db.session.scalars(sa.select(Event.type).distinct()))
        assert types <= set(EVENT_TYPES)
        assert {"impression", "click", "play_start", "heartbeat", "complete", "search"} <= types
        first, last = db.session.execute(
            sa.select(sa.func.min(Event.occurred_at), sa.func.max(Event.occurred_at))
        ).one()
        assert NOW - timedelta(days=31) <= first and last <= NOW
        missing_context = db.session.scalar(
            sa.select(sa.func.count()).where(
                sa.or_(
                    Event.local_hour.is_(None), Event.device.is_(None), Event.session_id.is_(None)
                )
            )
        )
        assert missing_context == 0
        # "New on Marquee" has something recent to show.
        assert db.session.scalar(sa.select(sa.func.max(Title.added_at))) > NOW - timedelta(days=30)


def test_more_profiles_and_days_mean_more_activity(app, tiny_catalog, templates, tmp_path):
    other, cleanup = fresh_app(app, templates, tmp_path, "bigger")
    try:
        with app.app_context():
            small = seed_demo(
                n_profiles=10, seed=3, days=15, progress=False, now=NOW, catalog_dir=tiny_catalog
            )
        with other.app_context():
            big = seed_demo(
                n_profiles=40, seed=3, days=30, progress=False, now=NOW, catalog_dir=tiny_catalog
            )
            db.session.remove()
            db.engine.dispose()
    finally:
        cleanup()
    assert (small.profiles, big.profiles) == (10, 40)
    assert big.accounts > small.accounts
    assert big.interactions > 3 * small.interactions


# -- determinism -------------------------------------------------------------------------


def test_same_seed_same_rows_other_seed_other_rows(app, tiny_catalog, templates, tmp_path):
    second, cleanup_second = fresh_app(app, templates, tmp_path, "second")
    third, cleanup_third = fresh_app(app, templates, tmp_path, "third")
    try:
        first_digest = seeded_digest(app, tiny_catalog, seed=5)
        assert seeded_digest(second, tiny_catalog, seed=5) == first_digest
        assert seeded_digest(third, tiny_catalog, seed=6) != first_digest
    finally:
        cleanup_second()
        cleanup_third()


# -- demo logins -------------------------------------------------------------------------


def test_demo_logins_exist_with_the_demo_password(app, tiny_catalog):
    with app.app_context():
        seed_demo(
            n_profiles=24, seed=11, days=10, progress=False, now=NOW, catalog_dir=tiny_catalog
        )
        admin = authenticate("admin@marquee.local", "marquee-demo")
        assert admin is not None and admin.is_admin
        for email in ("viewer1@marquee.local", "viewer2@marquee.local"):
            viewer = authenticate(email, "marquee-demo")
            assert viewer is not None and not viewer.is_admin
            assert len(viewer.profiles) >= 3
            kids = [p for p in viewer.profiles if p.is_kids]
            assert len(kids) == 1 and kids[0].maturity_limit in (7, 12)
            assert authenticate(email, "wrong-password-1") is None
        simulated = db.session.scalar(
            sa.select(Account).where(Account.email.like("simulated-%")).limit(1)
        )
        assert simulated is not None and simulated.check_password("marquee-demo")


# -- bad input and the command line -----------------------------------------------------


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("missing", "Demo catalog file missing"),
        ("not-json", "not valid JSON"),
        ("bad-genre", "unknown genre"),
        ("no-runtime", "'runtime'"),
    ],
)
def test_bad_catalog_is_a_seed_error(app, tiny_catalog, breakage, message):
    path = tiny_catalog / "films_modern.json"
    if breakage == "missing":
        path.unlink()
    elif breakage == "not-json":
        path.write_text("[{", encoding="utf-8")
    else:
        records = json.loads(path.read_text())
        if breakage == "bad-genre":
            records[0]["genres"] = ["Sci-Fi"]
        else:
            del records[0]["runtime"]
        path.write_text(json.dumps(records), encoding="utf-8")
    with app.app_context():
        with pytest.raises(SeedError, match=message):
            seed_demo(n_profiles=5, days=5, progress=False, catalog_dir=tiny_catalog)
        assert database_is_empty()


def test_bad_numbers_are_seed_errors(app, tiny_catalog):
    with app.app_context():
        with pytest.raises(SeedError):
            seed_demo(n_profiles=0, progress=False, catalog_dir=tiny_catalog)
        with pytest.raises(SeedError):
            seed_demo(n_profiles=5, days=0, progress=False, catalog_dir=tiny_catalog)


def invoke(app, runner, *args: str):
    """Run a CLI command as `flask --app wsgi ...` would: inside an app context."""
    with app.app_context():
        result = runner.invoke(args=list(args))
        db.session.remove()
    return result


def test_cli_if_empty_leaves_a_seeded_database_alone(app, runner, tiny_catalog):
    app.config["DEMO_CATALOG_DIR"] = tiny_catalog
    result = invoke(app, runner, "seed-demo", "--profiles", "8", "--days", "5", "--if-empty")
    assert result.exit_code == 0, result.output
    assert "Seeded 34 titles" in result.output
    with app.app_context():
        before = (count(Title), count(Account), count(Event))
    result = invoke(app, runner, "seed-demo", "--if-empty")
    assert result.exit_code == 0
    assert "already has data" in result.output
    with app.app_context():
        assert (count(Title), count(Account), count(Event)) == before
    result = invoke(app, runner, "seed-demo", "--profiles", "8")
    assert result.exit_code == 2
    assert "already holds demo data" in result.output


def test_cli_bad_catalog_exits_2_with_a_message(app, runner, tmp_path):
    app.config["DEMO_CATALOG_DIR"] = tmp_path / "nowhere"
    result = invoke(app, runner, "seed-demo", "--profiles", "5")
    assert result.exit_code == 2
    assert "Demo catalog file missing" in result.output
    result = invoke(app, runner, "seed-demo", "--profiles", "0")
    assert result.exit_code == 2


# -- the full default seed ----------------------------------------------------------------


def test_default_seed_meets_the_demo_targets(tmp_path):
    """The default seed on SQLite: the catalog and audience sizes the demo promises."""
    instance = tmp_path / "instance"
    instance.mkdir()
    app = create_app(make_config(instance, f"sqlite:///{instance / 'marquee.db'}"))
    with app.app_context():
        upgrade()
        summary = seed_demo(progress=False)
        assert summary.films >= 300 and summary.series >= 40
        assert summary.profiles >= 500 and summary.accounts >= 150
        assert summary.interactions >= 50_000
        assert count(Event) == summary.events
        kids = summary.kids_profiles / summary.profiles
        assert 0.08 <= kids <= 0.25
        db.session.remove()
        db.engine.dispose()


def test_every_demo_episode_has_a_name_and_a_line_of_synopsis():
    """No "Episode N": the catalog's names are kept, the rest made up, none twice in a series."""
    from webapp.config import Config
    from webapp.seed.catalog_files import load_records, title_spec

    records = load_records(Config.DEMO_CATALOG_DIR)
    series = [title_spec(r) for r in records if r["kind"] == "series"]
    assert series
    for spec in series:
        names = [name for season in spec.seasons for name, _ in season.episodes]
        lines = [line for season in spec.seasons for line in season.synopses]
        assert len(lines) == len(names)
        assert not [n for n in names if re.fullmatch(r"Episode \d+", n)], spec.name
        assert len({n.casefold() for n in names}) == len(names), spec.name
        assert all(line.strip() for line in lines), spec.name
    breaking_bad = next(s for s in series if s.name == "Breaking Bad")
    assert breaking_bad.seasons[0].episodes[0][0] == "Pilot"
    assert breaking_bad.cast[0] == "Bryan Cranston"  # the character is not part of the name
    assert breaking_bad.characters["Bryan Cranston"] == "Walter White"
    again = load_records(Config.DEMO_CATALOG_DIR)
    assert title_spec(next(r for r in again if r["name"] == "Breaking Bad")) == (
        breaking_bad
    )  # the same catalog always reads the same
