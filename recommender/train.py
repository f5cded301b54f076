"""One call for the site's ``flask --app wsgi recommender train`` command.

The web app turns its event log and catalog into arrays, then calls
:func:`train_and_save`; this module knows nothing about Flask or databases.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from .artifacts import list_versions, save_model
from .data import Interactions, ItemFeatures
from .hybrid import HybridRecommender

__all__ = ["prune_versions", "train_and_save"]


def prune_versions(models_dir: str | os.PathLike, keep: int = 3) -> list[Path]:
    """Delete all but the ``keep`` newest versions; return the deleted paths."""
    if keep < 1:
        raise ValueError("keep must be >= 1 so that a model stays available.")
    old = list_versions(models_dir)[keep:]
    for p in old:
        shutil.rmtree(p, ignore_errors=True)
    return old


def train_and_save(
    interactions: Interactions,
    features: ItemFeatures | None,
    models_dir: str | os.PathLike,
    params: dict | None = None,
    progress: Callable[[str, float], None] | None = None,
    keep: int = 3,
) -> tuple[HybridRecommender, Path]:
    """Fit a :class:`HybridRecommender`, write it as a new version, prune old ones.

    Parameters
    ----------
    interactions : Interactions
        Usually ``events_to_feedback(...)`` of the site's log.
    features : ItemFeatures or None
        The catalog.
    models_dir : path
        Directory of versions (``load_latest`` reads it).
    params : dict, optional
        ``HybridRecommender`` parameters (defaults: the values tuned on
        ml-latest-small).
    progress : callable, optional
        ``progress(stage, fraction)``, e.g. to drive a progress bar.
    keep : int
        Versions to keep (the new one included).

    Returns
    -------
    (model, path)
        ``model.metrics`` holds the fit time and sizes, also saved in the
        version's ``meta.json``.
    """
    t0 = time.perf_counter()
    model = HybridRecommender(**(params or {})).fit(interactions, features, progress=progress)
    model.metrics = {
        "fit_seconds": round(time.perf_counter() - t0, 3),
        "n_users": model.n_users,
        "n_items": model.n_items,
        "n_interactions": model.n_interactions,
        "n_collaborative_items": len(model.cf_items),
    }
    path = save_model(model, models_dir)
    if progress:
        progress("saved", 1.0)
    prune_versions(models_dir, keep)
    return model, path
