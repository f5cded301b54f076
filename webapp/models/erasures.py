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
    """Events of one profile to erase: all of them, or the playback of one title or episode."""

    __tablename__ = "event_erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign keys: the note outlives a deleted profile, title or episode.
    profile_id: Mapped[int] = mapped_column(Integer)
    title_id: Mapped[int | None] = mapped_column(Integer)
    episode_id: Mapped[int | None] = mapped_column(Integer)
    # True: only playback events (removing one title or episode from viewing activity).
    playback_only: Mapped[bool] = mapped_column(default=False)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
