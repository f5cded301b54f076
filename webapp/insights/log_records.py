"""What a LogView hands to reports: numpy arrays per kind of event, and the catalog.

Plain dataclasses of equal-length arrays (one element per sitting, per
profile and day, ...), with the event types and thresholds that define them.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

import numpy as np

PLAY_WITHIN = timedelta(minutes=30)
COMPLETE_AT = 0.9
DAYPARTS = ("morning", "afternoon", "evening", "night")  # 5-12, 12-18, 18-23, 23-5 local


def daypart_of(hours: np.ndarray) -> np.ndarray:
    """Index into DAYPARTS for local hours (unknown hours count as evening)."""
    hours = np.where(hours < 0, 20, hours)
    return np.select(
        [(hours >= 5) & (hours < 12), (hours >= 12) & (hours < 18), (hours >= 18) & (hours < 23)],
        [0, 1, 2],
        default=3,
    )


@dataclass
class Sittings:
    profile: np.ndarray
    title: np.ndarray
    episode: np.ndarray  # -1 for films
    started: np.ndarray  # seconds since the window start
    watched: np.ndarray  # seconds
    duration: np.ndarray  # seconds
    done: np.ndarray  # bool
    hour: np.ndarray  # local hour, -1 unknown
    device: np.ndarray  # str

    def __len__(self) -> int:
        return self.profile.size


@dataclass
class Activity:
    profile: np.ndarray
    day: np.ndarray  # days since the window start
    events: np.ndarray
    sessions: np.ndarray


@dataclass
class Impressions:
    profile: np.ndarray
    day: np.ndarray  # days since the window start
    shown: np.ndarray
    played: np.ndarray  # followed by a play of the title within PLAY_WITHIN


@dataclass
class ArtworkCounts:
    segment: np.ndarray  # -1: no segment
    title: np.ndarray
    variant: np.ndarray
    period: np.ndarray  # 0 before the split day, 1 from it
    shown: np.ndarray
    played: np.ndarray


@dataclass
class Catalog:
    ids: np.ndarray
    names: list[str]
    kind: np.ndarray
    year: np.ndarray  # 0 unknown
    ai_use: np.ndarray  # none | assisted | generated | None (webapp.catalog.ai_use)
    genre_names: list[str]
    genre_matrix: np.ndarray  # titles x genres, 0/1
    keyword_names: list[str]
    keyword_pairs: tuple[np.ndarray, np.ndarray] = field(
        default=None
    )  # (title index, keyword index)

    @cached_property
    def index(self) -> dict[int, int]:
        return {int(t): i for i, t in enumerate(self.ids)}

    def rows_of(self, title_ids: np.ndarray) -> np.ndarray:
        """Catalog row of each title id (-1 for titles no longer in the catalog)."""
        lookup = self.index
        return np.fromiter(
            (lookup.get(int(t), -1) for t in title_ids), dtype=np.int64, count=len(title_ids)
        )
