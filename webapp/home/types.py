"""Rows of title cards as plain values: built in Python, only rendered by templates."""

from dataclasses import dataclass, field

from webapp.models import Title


@dataclass(frozen=True)
class RowItem:
    """One card: the title, which artwork variant to show, and why it is here."""

    title: Title
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
