"""Limits and clean-up rules shared by the admin forms and the CSV import.

The limits follow the column sizes in webapp.models.catalog, so anything that
passes here fits the database on SQLite and PostgreSQL alike.
"""

import re

from webapp.artwork.recipes import MOOD_ACCENTS
from webapp.catalog.service import slugify

KINDS = (("film", "Film"), ("series", "Series"))
ROLES = (("cast", "Cast"), ("director", "Director"), ("creator", "Creator"))
MOODS = tuple(MOOD_ACCENTS)

MAX_TITLE_NAME = 200
MAX_PERSON_NAME = 120
MAX_CHARACTER = 120
MAX_GENRE_NAME = 60
MAX_GENRE_SLUG = 80
MAX_KEYWORD = 80
MAX_KEYWORDS = 30
MAX_EPISODE_NAME = 200
MAX_SYNOPSIS = 2000
MIN_YEAR, MAX_YEAR = 1870, 2100
MAX_RUNTIME = 1000
MAX_SEASON = 200
MAX_EPISODE = 500
MAX_BILLING = 10_000

# Control characters other than tab and newlines; PostgreSQL refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SLUG_RULE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def has_control_chars(value: str | None) -> bool:
    return bool(value) and _CONTROL.search(value) is not None


def squash(value):
    """One line, single spaces; non-strings pass through (WTForms filters see None too)."""
    return " ".join(value.split()) if isinstance(value, str) else value


def split_list(value: str | None, separator: str) -> list[str]:
    """Non-empty, squashed items of a separated list, first occurrence kept."""
    items: dict[str, str] = {}
    for raw in (value or "").split(separator):
        item = squash(raw)
        if item and item.casefold() not in items:
            items[item.casefold()] = item
    return list(items.values())


def search_term(value: str | None, limit: int = 100) -> str:
    """A list search as typed, made safe: no control characters, bounded length."""
    return squash(_CONTROL.sub("", value or ""))[:limit]


def slug_problem(name: str) -> str | None:
    """Why a name cannot get an address of its own (slugs keep only Latin letters and digits)."""
    if slugify(name) == "untitled" and name.strip().lower() != "untitled":
        return f"“{name}” needs at least one Latin letter or digit to make its address."
    return None
