"""A time window [start, end) over the event log, and the SQL that places events in it.

Day numbers, seconds since the start and shifted times are written for each
database (SQLite keeps datetimes as ISO text), so every query of a LogView
counts days and seconds the same way.
"""

from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import Date, DateTime, Integer, and_, cast, func, literal
from sqlalchemy.orm import Session

from webapp.models import Event


class LogWindow:
    """A session and the window [start, end) its queries read."""

    def __init__(self, session: Session, start: datetime, end: datetime):
        if end <= start:
            raise ValueError("The window must end after it starts.")
        self.session = session
        self.start = start
        self.end = end

    @property
    def days(self) -> int:
        return max(1, (self.end - self.start).days)

    @property
    def day_count(self) -> int:
        """Calendar days the window touches (day numbers run 0 .. day_count - 1)."""
        return (self.end.date() - self.start.date()).days + 1

    def day_of(self, seconds: np.ndarray) -> np.ndarray:
        """Day numbers (as in `day_number`) of times given in seconds since the window start."""
        since_midnight = (
            self.start - datetime.combine(self.start.date(), datetime.min.time())
        ).total_seconds()
        return ((np.asarray(seconds) + since_midnight) // 86400).astype(np.int64)

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def in_window(self, column=Event.occurred_at):
        """SQL condition: `column` falls in [start, end)."""
        return and_(column >= self.start, column < self.end)

    def shifted(self, column, delta: timedelta):
        """SQL for `column + delta` (SQLite keeps datetimes as ISO text)."""
        if self.dialect == "sqlite":
            return func.strftime(
                "%Y-%m-%d %H:%M:%f", column, f"{int(delta.total_seconds()):+d} seconds"
            )
        return column + delta

    def day_number(self, column):
        """SQL for the whole days between the window's first midnight and `column`."""
        origin = self.start.date()
        if self.dialect == "sqlite":
            return cast(func.julianday(column) - func.julianday(origin.isoformat()), Integer)
        return cast(column, Date) - literal(origin, Date)

    def seconds_since_start(self, column):
        """SQL for the seconds between the window start and `column`."""
        if self.dialect == "sqlite":
            return (
                func.julianday(column) - func.julianday(self.start.isoformat(sep=" "))
            ) * 86400.0
        return func.extract("epoch", column - literal(self.start, DateTime))
