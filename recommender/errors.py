"""Exceptions raised by the recommender package."""


class ModelError(Exception):
    """A model artifact is missing, truncated, corrupt or of an unknown version.

    Callers fall back (the site to popularity rows) instead of failing; the
    message says which file is wrong and how to fix it (usually: retrain).
    """
