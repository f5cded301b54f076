"""The demo's simulated households watch by hour and screen as real ones do."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from webapp.extensions import db
from webapp.models import Account, Event, Genre, Profile, title_genres
from webapp.seed.demo import seed_demo

KIDS_GENRES = {"Animation", "Family"}
NIGHT_GENRES = {"Thriller", "Crime", "Mystery"}


def _plays():
    """(profile name, account email, hour, weekday, device, genres) of every play start."""
    genres: dict[int, set[str]] = {}
    for title_id, name in db.session.execute(
        sa.select(title_genres.c.title_id, Genre.name).join(Genre)
    ):
        genres.setdefault(title_id, set()).add(name)
    rows = db.session.execute(
        sa.select(
            Profile.name,
            Account.email,
            Event.local_hour,
            Event.local_weekday,
            Event.device,
            Event.title_id,
        )
        .join(Profile, Profile.id == Event.profile_id)
        .join(Account, Account.id == Profile.account_id)
        .where(Event.type == "play_start")
    ).all()
    return [(n, e, h, w, d, genres.get(t, set())) for n, e, h, w, d, t in rows]


@pytest.fixture
def plays(app):
    """Every play start of a small demo seeded over the full 90 days."""
    with app.app_context():
        seed_demo(n_profiles=24, seed=11, days=90, progress=False, now=datetime(2026, 3, 2, 12))
        return _plays()


def _share(rows, test) -> float:
    return sum(1 for r in rows if test(r)) / max(len(rows), 1)


def _daypart(hour: int) -> str:
    if 5 <= hour <= 11:
        return "morning"
    if 17 <= hour <= 21:
        return "evening"
    return "night" if hour >= 22 or hour <= 4 else "afternoon"


def test_a_shared_profile_has_childrens_mornings_and_adult_nights(plays):
    shared = [
        p
        for p in plays
        if (p[0], p[1]) in {("Alex", "viewer1@marquee.local"), ("Morgan", "viewer2@marquee.local")}
    ]
    mornings = [p for p in shared if _daypart(p[2]) == "morning"]
    nights = [p for p in shared if _daypart(p[2]) == "night"]
    assert len(mornings) >= 5 and len(nights) >= 5
    assert _share(mornings, lambda p: p[5] & KIDS_GENRES) > 0.7
    assert _share(mornings, lambda p: p[4] in ("tv", "tablet")) > 0.7
    assert _share(nights, lambda p: p[5] & KIDS_GENRES) < 0.3
    assert _share(nights, lambda p: p[5] & NIGHT_GENRES) > _share(
        mornings, lambda p: p[5] & NIGHT_GENRES
    )
    assert _share(nights, lambda p: p[4] == "tv") < 0.25


def test_phones_at_night_tvs_in_the_evening_and_weekend_mornings(plays):
    evening = [p for p in plays if _daypart(p[2]) == "evening"]
    night = [p for p in plays if _daypart(p[2]) == "night"]
    phone = lambda p: p[4] == "mobile"
    tv = lambda p: p[4] == "tv"
    assert _share(night, phone) > 1.5 * _share(evening, phone)
    assert _share(evening, tv) > 1.5 * _share(night, tv)
    # Mornings per weekend day against mornings per weekday.
    mornings = [p for p in plays if _daypart(p[2]) == "morning"]
    weekend = sum(1 for p in mornings if p[3] >= 5) / 2
    weekday = sum(1 for p in mornings if p[3] < 5) / 5
    assert weekend > 1.5 * weekday
