"""Routes of the auth area."""

from webapp.auth import bp  # noqa: F401
