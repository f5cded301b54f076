"""Background jobs known by name (training, insights refresh, transcodes): one status row each.

Every worker and every command reads and writes the same row, so a job
started from one gunicorn worker (or a terminal) is seen by all, and the
row's state decides who may start it (see webapp.jobs). A transcode's row
names the media asset it makes and goes with it.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.models.base import utcnow

JOB_STATES = ("idle", "queued", "running", "done", "failed")


class Job(db.Model):
    """The latest run of one named job: its state, stage, progress and outcome."""

    __tablename__ = "jobs"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    state: Mapped[str] = mapped_column(String(12), default="idle")  # one of JOB_STATES
    stage: Mapped[str] = mapped_column(String(40), default="")
    percent: Mapped[int] = mapped_column(default=0)
    # Why the last run failed, in one line; or what the last good run did.
    error: Mapped[str | None] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(String(300))
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Written with every report (and a heartbeat): long silent means cut off.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The media asset a transcode makes (None for other jobs).
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_assets.id", ondelete="CASCADE"), index=True
    )
