"""Routes of the watch area."""

from webapp.watch import bp  # noqa: F401
