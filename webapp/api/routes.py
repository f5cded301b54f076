"""Routes of the api area."""

from webapp.api import bp  # noqa: F401
