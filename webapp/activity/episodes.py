"""The running order of a series' episodes, and how long things run."""

from dataclasses import dataclass

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Episode, Season, Title

DEFAULT_FILM_SECONDS = 100 * 60  # a film imported without a runtime
COMPLETE_AT = 0.9  # share of an item played that counts as watched


@dataclass(frozen=True)
class EpisodeSlot:
    id: int
    season: int
    number: int
    name: str
    seconds: float


def episode_order(title_id: int) -> list[EpisodeSlot]:
    """A series' episodes, season by season, in one query."""
    rows = db.session.execute(
        select(Episode.id, Season.number, Episode.number, Episode.name, Episode.runtime_minutes)
        .join(Season, Season.id == Episode.season_id)
        .where(Episode.title_id == title_id)
        .order_by(Season.number, Episode.number)
    )
    return [EpisodeSlot(r[0], r[1], r[2], r[3], float((r[4] or 30) * 60)) for r in rows]


def next_episode(order: list[EpisodeSlot], episode_id: int) -> EpisodeSlot | None:
    """The episode after this one, or None after the last."""
    ids = [slot.id for slot in order]
    if episode_id not in ids:
        return None
    k = ids.index(episode_id)
    return order[k + 1] if k + 1 < len(order) else None


def film_seconds(title: Title) -> float:
    return (
        float(title.runtime_minutes * 60) if title.runtime_minutes else float(DEFAULT_FILM_SECONDS)
    )


def is_complete(position: float, duration: float) -> bool:
    return duration > 0 and position >= COMPLETE_AT * duration
