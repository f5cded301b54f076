"""Rows of title cards as plain values: built in Python, only rendered by templates.

`Card` and `PlannedRow` are a row while it is planned (title ids, best first);
`Row` and `RowItem` what the page shows once the titles are loaded.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from webapp.models import Title


class CardTitle(NamedTuple):
    """The columns of a title that a card or the hero shows, read without building ORM objects.

    A named tuple: a page builds a couple of hundred, and a tuple is made
    faster than a frozen dataclass (benchmarks/RESULTS.md, "Card values").
    """

    id: int
    kind: str
    name: str
    slug: str
    year: int | None
    end_year: int | None
    runtime_minutes: int | None
    maturity_rating: str
    maturity_age: int
    synopsis: str
    ai_use: str | None

    @property
    def is_series(self) -> bool:
        return self.kind == "series"


# The columns CardTitle is built from, in its field order.
CARD_COLUMNS = (
    Title.id,
    Title.kind,
    Title.name,
    Title.slug,
    Title.year,
    Title.end_year,
    Title.runtime_minutes,
    Title.maturity_rating,
    Title.maturity_age,
    Title.synopsis,
    Title.ai_use,
)


@dataclass(frozen=True)
class RowItem:
    """One card: the title, which artwork variant to show, and why it is here."""

    title: Title | CardTitle
    variant: int = 0
    reason: str | None = None
    score: float | None = None
    progress: float | None = None  # Continue Watching: share of the film or episode seen
    note: str | None = None  # e.g. "S2:E3 · Episode name"
    rank: int | None = None  # Top 10 position


@dataclass(frozen=True)
class Row:
    """A titled, horizontally scrolling row of cards."""

    key: str
    title: str
    items: tuple[RowItem, ...]
    href: str | None = None  # "See all"
    kind: str = "catalog"
    meta: dict = field(default_factory=dict)
    anchor: int | None = None  # the watched title behind a "Because you watched" row

    def __len__(self) -> int:
        return len(self.items)


@dataclass(slots=True)
class Card:
    title_id: int
    reason: str | None = None
    score: float | None = None  # 0..1: share of the visible catalog this title ranks above
    progress: float | None = None
    note: str | None = None
    rank: int | None = None
    # The profile's title a reason names; the reason holds "{anchor}" for its name.
    anchor: int | None = None


@dataclass
class PlannedRow:
    key: str
    title: str
    cards: Iterable[Card]  # best first; a generator until `fill` keeps what the page shows
    relevance: float
    kind: str = "recommendation"
    anchor: int | None = None
    href: str | None = None
    # What the anchor is to the profile, so the row's name is true (wording.because).
    evidence: str = "watched"
    genre: str | None = None  # a genre row's slug, for its "See all" link
    # Shown only when no other row (the profile's own aside) fills: a catalog too small for rows.
    fallback: bool = False
