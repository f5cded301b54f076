"""Rate limit counters, shared by every worker that uses the site's database."""

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db


class RateLimitCounter(db.Model):
    """Hits of one limit by one client in the current window (see webapp.ratelimit_storage)."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    # Seconds since the epoch when the window ends; a row past it counts as zero.
    expires_at: Mapped[float] = mapped_column(Float, index=True)
