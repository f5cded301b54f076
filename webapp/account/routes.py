"""Routes of the account area."""

from webapp.account import bp  # noqa: F401
