"""What is being watched now: time-decayed plays over the last days, cached per app.

Windows end at the newest play rather than at the clock, so a site that was
quiet for a while (or a demo seeded last month) still has a Trending row.
"""

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from webapp.activity.vocabulary import PLAY_START
from webapp.caching import catalog_caches
from webapp.extensions import db
from webapp.models import Event
from webapp.personalization.segments import segment_map

WINDOW_DAYS = 7
HALF_LIFE_DAYS = 2.0
TODAY = timedelta(hours=24)
MIN_SEGMENT_PLAYS = 50


@dataclass
class Trending:
    """Titles by decayed recent plays (best first), and by plays in the last day."""

    scores: dict[int, float]
    ranked: list[int]
    today: list[int]
    today_window: str  # "today" or "this week"
    computed_at: float
    # Per taste segment, where the segment played enough to say what is trending in it.
    by_segment: dict[int, list[int]] = field(default_factory=dict)


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def compute_trending() -> Trending:
    """Two aggregate queries over the recent part of the log (type+time index).

    Trending is also kept per taste segment, so that a profile sees what is
    popular among profiles like it where that segment played enough.
    """
    latest = db.session.scalar(select(func.max(Event.occurred_at)).where(Event.type == PLAY_START))
    if latest is None:
        return Trending({}, [], [], "today", time.monotonic())
    since = latest - timedelta(days=WINDOW_DAYS)
    day = func.date(Event.occurred_at)
    rows = db.session.execute(
        select(Event.profile_id, Event.title_id, day, func.count())
        .where(Event.type == PLAY_START, Event.occurred_at > since, Event.title_id.is_not(None))
        .group_by(Event.profile_id, Event.title_id, day)
    ).all()
    segments = _segment_map()
    scores: dict[int, float] = defaultdict(float)
    by_segment: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    plays_by_segment: dict[int, int] = defaultdict(int)
    last_day = latest.date()
    for profile_id, title_id, bucket, plays in rows:
        weight = plays * math.pow(0.5, (last_day - _as_date(bucket)).days / HALF_LIFE_DAYS)
        scores[title_id] += weight
        segment = segments.get(profile_id)
        if segment is not None:
            by_segment[segment][title_id] += weight
            plays_by_segment[segment] += plays
    today_rows = db.session.execute(
        select(Event.title_id, func.count().label("plays"))
        .where(
            Event.type == PLAY_START,
            Event.occurred_at > latest - TODAY,
            Event.title_id.is_not(None),
        )
        .group_by(Event.title_id)
        .order_by(func.count().desc(), Event.title_id)
        .limit(60)
    ).all()
    today = [t for t, _ in today_rows]
    window = "today"
    ranked = sorted(scores, key=lambda t: (-scores[t], t))
    if len(today) < 10:
        today, window = ranked[:60], "this week"
    segment_ranked = {
        seg: sorted(titles, key=lambda t: (-titles[t], t))
        for seg, titles in by_segment.items()
        if plays_by_segment[seg] >= MIN_SEGMENT_PLAYS
    }
    return Trending(dict(scores), ranked, today, window, time.monotonic(), segment_ranked)


def _segment_map() -> dict[int, int]:
    """Profiles' taste segments as last computed (none before the first refresh)."""
    try:
        return segment_map()
    except (OSError, ValueError, KeyError):  # an unreadable cache means "no segments yet"
        return {}


def trending() -> Trending:
    """This app's trending figures, computed again after TRENDING_CACHE_SECONDS."""
    caches = catalog_caches()
    return caches.get_or_build(caches.trending, "trending", compute_trending)
