"""The database schema. Alembic migrations in migrations/ are generated from these models."""

from webapp.models.accounts import Account, Profile
from webapp.models.activity import EVENT_TYPES, Event, EpisodeProgress, ListItem, Rating, WatchState
from webapp.models.catalog import (
    Artwork,
    Credit,
    Episode,
    Genre,
    Keyword,
    Person,
    Season,
    Title,
    title_genres,
    title_keywords,
)

__all__ = [
    "Account",
    "Profile",
    "Artwork",
    "Credit",
    "Episode",
    "Genre",
    "Keyword",
    "Person",
    "Season",
    "Title",
    "title_genres",
    "title_keywords",
    "EVENT_TYPES",
    "Event",
    "EpisodeProgress",
    "ListItem",
    "Rating",
    "WatchState",
]
