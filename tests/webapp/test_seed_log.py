"""The demo seed's log agrees with the current-state tables and respects kids limits."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import SEED_ARGS
from tests.webapp.seed_catalog import NOW, count, write_tiny_catalog
from webapp.extensions import db
from webapp.models import (
    Episode,
    EpisodeProgress,
    Event,
    ListItem,
    Profile,
    Rating,
    Title,
    WatchState,
)
from webapp.seed.demo import seed_demo


@pytest.fixture
def tiny_catalog(tmp_path) -> Path:
    return write_tiny_catalog(tmp_path / "catalog")


# -- the log and the current state -------------------------------------------------------


def check_kids_limits() -> None:
    above = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Event)
        .join(Profile, Profile.id == Event.profile_id)
        .join(Title, Title.id == Event.title_id)
        .where(Title.maturity_age > Profile.maturity_limit)
    )
    assert above == 0
    kids_events = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Event)
        .join(Profile, Profile.id == Event.profile_id)
        .where(Profile.is_kids, Event.type == "play_start")
    )
    assert kids_events > 0


def _last_events(types: tuple[str, ...]) -> dict[tuple[int, int], str]:
    rows = db.session.execute(
        sa.select(Event.profile_id, Event.title_id, Event.type, Event.value)
        .where(Event.type.in_(types))
        .order_by(Event.occurred_at, Event.id)
    )
    last = {}
    for profile_id, title_id, kind, value in rows:
        last[(profile_id, title_id)] = (kind, value)
    return last


def check_state_matches_log() -> None:
    completes = set(
        db.session.execute(
            sa.select(Event.profile_id, Event.title_id).where(Event.type == "complete")
        ).all()
    )
    plays = set(
        db.session.execute(
            sa.select(Event.profile_id, Event.title_id).where(Event.type == "play_start")
        ).all()
    )
    states = db.session.scalars(sa.select(WatchState)).all()
    assert {(s.profile_id, s.title_id) for s in states} == plays
    for state in states:
        if state.completed or state.times_completed:
            assert (state.profile_id, state.title_id) in completes
        assert 0 <= state.position <= state.duration
    series_states = [s for s in states if s.episode_id is not None]
    assert series_states, "some profile watched a series"
    episode_titles = dict(db.session.execute(sa.select(Episode.id, Episode.title_id)).all())
    assert all(episode_titles[s.episode_id] == s.title_id for s in series_states)
    episode_plays = set(
        db.session.execute(
            sa.select(Event.profile_id, Event.episode_id).where(
                Event.type == "play_start", Event.episode_id.is_not(None)
            )
        ).all()
    )
    progress = set(
        db.session.execute(sa.select(EpisodeProgress.profile_id, EpisodeProgress.episode_id)).all()
    )
    assert progress == episode_plays

    ratings = {(r.profile_id, r.title_id): r.value for r in db.session.scalars(sa.select(Rating))}
    expected = {
        key: int(value)
        for key, (kind, value) in _last_events(("rate", "unrate")).items()
        if kind == "rate"
    }
    assert ratings == expected and ratings
    assert set(ratings.values()) <= {-1, 1, 2}

    listed = set(db.session.execute(sa.select(ListItem.profile_id, ListItem.title_id)).all())
    expected_list = {
        key
        for key, (kind, _) in _last_events(("list_add", "list_remove")).items()
        if kind == "list_add"
    }
    assert listed == expected_list


def test_kids_and_state_tables_on_a_small_seed(app, tiny_catalog):
    with app.app_context():
        seed_demo(n_profiles=40, seed=2, days=30, progress=False, now=NOW, catalog_dir=tiny_catalog)
        check_kids_limits()
        check_state_matches_log()


def test_seeded_app_is_consistent(seeded_app):
    with seeded_app.app_context():
        assert count(Profile) == SEED_ARGS["n_profiles"]
        check_kids_limits()
        check_state_matches_log()
