"""The database schema. Alembic migrations in migrations/ are generated from these models."""

from webapp.models.accounts import Account, Profile, SecretFailure, SignInSession
from webapp.models.activity import EpisodeProgress, Event, ListItem, Rating, WatchState
from webapp.models.catalog import (
    Artwork,
    ArtworkImage,
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
from webapp.models.erasures import EventErasure
from webapp.models.jobs import JOB_STATES, Job
from webapp.models.media import MediaAsset, MediaLink, TrailerVariant
from webapp.models.ratelimits import RateLimitCounter
from webapp.models.slugs import SlugHistory

__all__ = [
    "JOB_STATES",
    "Account",
    "Artwork",
    "ArtworkImage",
    "Credit",
    "Episode",
    "EpisodeProgress",
    "Event",
    "EventErasure",
    "Genre",
    "Job",
    "Keyword",
    "ListItem",
    "MediaAsset",
    "MediaLink",
    "Person",
    "Profile",
    "RateLimitCounter",
    "Rating",
    "Season",
    "SecretFailure",
    "SignInSession",
    "SlugHistory",
    "Title",
    "TrailerVariant",
    "WatchState",
    "title_genres",
    "title_keywords",
]
