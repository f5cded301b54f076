"""Routes of the browse area."""

from webapp.browse import bp  # noqa: F401
