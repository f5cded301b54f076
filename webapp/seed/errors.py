"""Errors the seeders raise for input they cannot use."""


class SeedError(ValueError):
    """The demo seed cannot run with this input; the message says what to fix."""
