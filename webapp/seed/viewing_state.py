"""What the viewing simulation reads and writes: the catalog as arrays, play state, outcomes.

Shared by webapp.seed.simulate and the behaviours it is made of (browsing,
searching, watching), so that none of them imports another.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from webapp.catalog.service import slugify

DAY = 86400.0


@dataclass
class CatalogView:
    """The catalog as arrays, indexed 0..n-1 in title order."""

    ids: list[int]
    names: list[str]
    is_series: np.ndarray
    genre_matrix: np.ndarray  # n x len(GENRES), 0/1
    keyword_names: list[str]
    keyword_matrix: np.ndarray  # n x len(keyword_names), 0/1
    people: list[list[str]]  # person names, directors/creators first, then cast
    year: np.ndarray
    runtime: np.ndarray  # seconds (films)
    maturity_age: np.ndarray
    added_ago: np.ndarray  # seconds before now the title was added
    popularity: np.ndarray  # hidden z-score
    quality: np.ndarray  # hidden z-score
    artworks: list[list[tuple[int, str]]]  # (variant, style)
    episodes: list[list[tuple[int, float]]]  # series: (episode id, runtime seconds) in order
    search_names: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.search_names = [_normalize(n) for n in self.names]
        self.genre_sizes = np.sqrt(np.maximum(self.genre_matrix.sum(axis=1), 1))
        self.keyword_sizes = np.sqrt(np.maximum(self.keyword_matrix.sum(axis=1), 1))

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class PlayState:
    """A WatchState row in the making."""

    started_at: float
    updated_at: float
    position: float = 0.0
    duration: float = 0.0
    completed: bool = False
    times_completed: int = 0
    episode_id: int | None = None


@dataclass
class Outcome:
    """What one simulated profile did: events and the current state they imply."""

    events: list[dict]
    watch_states: list[dict]
    episode_progress: list[dict]
    ratings: list[dict]
    list_items: list[dict]


def _normalize(text: str) -> str:
    return " ".join(slugify(text).split("-"))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _standardize(values: np.ndarray) -> np.ndarray:
    spread = values.std()
    return (values - values.mean()) / (spread if spread > 1e-9 else 1.0)
