"""Routes of the profiles area."""

from webapp.profiles import bp  # noqa: F401
