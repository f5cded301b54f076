"""The two shapes every insights table is made of: a column and a table.

Kept apart from the tables themselves so that each page's definitions can
live in a module of its own.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    header: str
    key: str | Callable[[dict], object]
    kind: str = "text"  # text | int | num | pct | hours | seconds | ci
    term: str | None = None  # a statistical term the header explains (webapp.insights.glossary)

    def value(self, row: dict):
        return self.key(row) if callable(self.key) else row.get(self.key)


@dataclass(frozen=True)
class Table:
    page: str
    name: str
    title: str
    rows: Callable[[dict], list]
    columns: tuple[Column, ...]

    def header(self) -> list[str]:
        return [c.header for c in self.columns]

    def values(self, payload: dict) -> list[list]:
        return [[c.value(r) for c in self.columns] for r in self.rows(payload)]
