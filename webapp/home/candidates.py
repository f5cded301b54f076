"""What every row of one page is planned from: the candidates, their order and the evidence.

`Scores` is the profile's personal ordering of the page's candidate titles;
`Candidates` carries it with the catalog index, the profile's state and
history, so the row planners (webapp.home.planning, webapp.home.taste) read
one value and every card's reason names evidence the profile really gave.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from webapp.home.catalog_index import CatalogIndex
from webapp.home.state import ProfileState
from webapp.home.types import Card, PlannedRow
from webapp.models import Profile

# The lowest "N% match" a card shows: the profile's top fifth of the catalog.
SHOWN_MATCH = 0.8


class Scores:
    """A profile's personal ordering of the visible catalog, for any candidate list."""

    def __init__(self, order: list[int], reasons: dict[int, str], because: dict[int, int]):
        self.order = order
        self.position = {t: i for i, t in enumerate(order)}
        self._n = len(order)
        self.reasons = reasons
        self.because = because

    def sort(self, ids: Iterable[int]) -> list[int]:
        end = len(self.order)
        return sorted(ids, key=lambda t: (self.position.get(t, end), t))

    def match(self, title_id: int) -> float | None:
        """The card's "N% match", shown only where it recommends the title.

        A low figure on a row chosen for other reasons ("1% match" on a Top 10
        card) reads as a fault, not as information.
        """
        pos = self.position.get(title_id)
        if pos is None:
            return None
        share = 1.0 - pos / self._n
        return share if share >= SHOWN_MATCH else None


@dataclass
class Candidates:
    """What every row of one page is planned from."""

    profile: Profile
    index: CatalogIndex
    state: ProfileState
    history: dict[int, float]  # visible titles of any kind: the taste rows are read from
    model: object
    allowed_arr: np.ndarray  # visible titles of the page's kind: what cards may show
    allowed: set[int]
    scores: Scores
    blocked: set[int]
    seen: set[int]
    fresh: list[int]  # allowed, unseen, unblocked titles, best first
    picked: set[int]  # thumbs up given only as onboarding picks
    kind: str | None = None  # None (home), "film" or "series"
    situation: object = None  # the request's time of day and device (webapp.home.context_rows)
    context_rows: list[PlannedRow] = field(default_factory=list)

    def card(self, t: int, reason: str | None = None, **extra) -> Card:
        return Card(t, reason or self.scores.reasons.get(t), self.scores.match(t), **extra)

    def evidence(self, title_id: int) -> str | None:
        """What the profile did with a title, as a reason may name it; None: nothing to name.

        "watched" needs a playback, "picked" a thumbs up given only while
        onboarding, "liked" any other thumbs up, "listed" a place on My List.
        """
        if title_id in self.state.watched:
            return "watched"
        if title_id in self.picked:
            return "picked"
        if self.state.liked.get(title_id, 0) > 0:
            return "liked"
        if title_id in self.state.my_list:
            return "listed"
        return None
