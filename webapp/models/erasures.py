"""Erasures of viewing history the Parquet export has still to apply to months dropped from the database.

A viewer's erasure deletes events in the database at once, and the export
drops them from each day it can rewrite from the database at its next run.
A month already dropped from PostgreSQL has nothing left to rewrite from, so
each erasure is also noted here, and the export filters those months' Parquet
files by it (webapp.activity.parquet_log.erase), then deletes the note.
"""

from datetime import datetime

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.models.base import utcnow


class EventErasure(db.Model):
    """Events to erase: every row that matches each id the note names.

    A profile alone: all of its events. A profile and a title or episode: its
    playback of that item (`playback_only`). A title or episode without a
    profile: every profile's events of it, the item having left the catalog.
    """

    __tablename__ = "event_erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign keys: the note outlives a deleted profile, title or episode.
    # None: every profile (a title, season or episode deleted from the catalog).
    profile_id: Mapped[int | None] = mapped_column(Integer)
    title_id: Mapped[int | None] = mapped_column(Integer)
    episode_id: Mapped[int | None] = mapped_column(Integer)
    # True: only playback events (removing one title or episode from viewing activity).
    playback_only: Mapped[bool] = mapped_column(default=False)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
