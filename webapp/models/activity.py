"""What profiles do: the append-only event log and the current-state tables pages read.

The log is never updated in place. Resume points, ratings and My List are
current state kept beside it and written in the same transaction as the
event that changed them.
"""

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.models.base import utcnow

# SQLite only auto-increments an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer, "sqlite")


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_profile_time", "profile_id", "occurred_at"),
        Index("ix_events_title_time", "title_id", "occurred_at"),
        Index("ix_events_type_time", "type", "occurred_at"),
    )

    # On PostgreSQL the table is partitioned by month (webapp.activity.partitions) and its
    # key is (id, occurred_at); ids still come from one sequence, so id alone names an event.
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    title_id: Mapped[int | None] = mapped_column(ForeignKey("titles.id", ondelete="CASCADE"))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    # One of webapp.activity.vocabulary.EVENT_TYPES, which says what each means.
    type: Mapped[str] = mapped_column(String(20))
    # position in seconds for playback, -1/1/2 for ratings, result count for searches
    value: Mapped[float | None] = mapped_column(Float)
    # the query of a search, or other short text that belongs to the event
    text: Mapped[str | None] = mapped_column(Text)
    duration: Mapped[float | None] = mapped_column(Float)  # seconds of the item played
    page: Mapped[str | None] = mapped_column(String(40))
    row_key: Mapped[str | None] = mapped_column(String(80))
    row_pos: Mapped[int | None] = mapped_column(SmallInteger)
    col_pos: Mapped[int | None] = mapped_column(SmallInteger)
    artwork_variant: Mapped[int | None] = mapped_column(SmallInteger)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    local_hour: Mapped[int | None] = mapped_column(SmallInteger)
    local_weekday: Mapped[int | None] = mapped_column(SmallInteger)  # 0 = Monday
    device: Mapped[str | None] = mapped_column(String(10))  # tv | desktop | mobile | tablet
    session_id: Mapped[str | None] = mapped_column(String(64))
    model_version: Mapped[str | None] = mapped_column(String(40))


class WatchState(db.Model):
    """Where a profile is in a title: the resume point and Continue Watching."""

    __tablename__ = "watch_states"
    __table_args__ = (Index("ix_watch_states_profile_updated", "profile_id", "updated_at"),)

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True
    )
    title_id: Mapped[int] = mapped_column(
        ForeignKey("titles.id", ondelete="CASCADE"), primary_key=True
    )
    # For a series, the episode the profile is on (the next one once one is completed).
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id", ondelete="SET NULL"))
    position: Mapped[float] = mapped_column(Float, default=0.0)
    duration: Mapped[float] = mapped_column(Float, default=0.0)
    completed: Mapped[bool] = mapped_column(default=False)
    times_completed: Mapped[int] = mapped_column(default=0)
    # Removed from Continue Watching by the viewer; progress itself is kept.
    hidden: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class EpisodeProgress(db.Model):
    __tablename__ = "episode_progress"
    # Viewing activity lists a profile's episodes newest first.
    __table_args__ = (Index("ix_episode_progress_profile_updated", "profile_id", "updated_at"),)

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True
    )
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episodes.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[float] = mapped_column(Float, default=0.0)
    duration: Mapped[float] = mapped_column(Float, default=0.0)
    completed: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Rating(db.Model):
    """Thumbs: -1 down, 1 up, 2 love it."""

    __tablename__ = "ratings"

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True
    )
    title_id: Mapped[int] = mapped_column(
        ForeignKey("titles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    value: Mapped[int] = mapped_column(SmallInteger)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ListItem(db.Model):
    __tablename__ = "list_items"
    __table_args__ = (Index("ix_list_items_profile_added", "profile_id", "added_at"),)

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True
    )
    title_id: Mapped[int] = mapped_column(
        ForeignKey("titles.id", ondelete="CASCADE"), primary_key=True
    )
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
