"""Exceptions raised by the recommender package."""


class ModelError(Exception):
    """A model artifact is missing, truncated, corrupt or of an unknown version.

    The web app catches this to fall back to popularity rows instead of failing
    a page; the message says which file is wrong and how to fix it (usually:
    retrain with ``flask --app wsgi recommender train``).
    """
