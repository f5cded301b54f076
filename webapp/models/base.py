"""Shared column helpers: one notion of "now" for every timestamp column.

Timestamps are stored naive in UTC, so SQLite and PostgreSQL hold the same values.
"""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC now: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)
