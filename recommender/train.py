"""The one training pipeline: tune on validation, check on a holdout, fit, save, prune.

The site's ``flask --app wsgi recommender train`` (and its admin page's "Train
now") turns the event log and catalog into arrays and calls these functions;
this module knows nothing about Flask or databases. Tuning and the holdout
check use the offline protocol's splits and scoring (:mod:`recommender.protocol`,
:class:`recommender.evaluate.Task`), with every title of the catalog as a
candidate, as on the site's pages.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

import numpy as np

from .artifacts import list_versions, save_model
from .baselines import PopularityRecommender
from .data import Interactions, ItemFeatures
from .evaluate import Task, _relevant, tune_hybrid
from .hybrid import HybridRecommender
from .protocol import temporal_split

__all__ = ["holdout_metrics", "holdout_task", "prune_versions", "train_and_save", "tune"]

#: Users scored in a tuning or holdout task (a sample keeps a retrain short).
EVAL_USERS = 300

Progress = Callable[[str, float], None]


def holdout_task(
    interactions: Interactions,
    features: ItemFeatures | None,
    users: int = EVAL_USERS,
    seed: int = 42,
) -> Task | None:
    """The temporal holdout of ``interactions`` as a :class:`Task`; None when nothing is held out.

    Each user's most recent fifth is held out; only positive feedback counts as
    relevant; up to ``users`` users (drawn with ``seed``) are scored, over every
    title of the training part and of ``features``.
    """
    train, test = temporal_split(interactions)
    relevant = _relevant(test.subset(test.weights > 0))
    if not relevant:
        return None
    if len(relevant) > users:
        drawn = np.random.default_rng(seed).choice(np.array(sorted(relevant)), users, replace=False)
        relevant = {u: relevant[u] for u in sorted(drawn.tolist())}
    candidates = np.unique(train.item_ids)
    if features is not None:
        candidates = np.union1d(candidates, features.item_ids)
    return Task(train, features, relevant, candidates, exclude_train=True)


def tune(
    interactions: Interactions,
    features: ItemFeatures | None,
    stages: Iterable[dict],
    start: dict | None = None,
    progress: Progress | None = None,
) -> dict:
    """Hybrid parameters chosen by coordinate search on a validation split.

    The validation split is carved from the training part of the holdout
    (:func:`holdout_task`), so the holdout is never seen while tuning.

    Parameters
    ----------
    stages : iterable of dict
        Grids searched one after the other (as in
        :func:`recommender.evaluate.tune_hybrid`), each from the best so far.
    start : dict, optional
        Where the search starts; also what is returned when there is nothing
        to validate on.
    progress : callable, optional
        ``progress(stage, fraction)`` before each stage.

    Returns
    -------
    dict
        The values of ``start`` and of every searched parameter.
    """
    stages = list(stages)
    best = dict(start or {})
    train, _ = temporal_split(interactions)
    task = holdout_task(train, features, seed=7)
    if task is None:
        return best
    names = set(best).union(*stages)
    for n, stage in enumerate(stages):
        if progress:
            progress(f"tuning {', '.join(stage)}", n / len(stages))
        best, _trace = tune_hybrid([stage], task, log=lambda line: None, start=best)
    return {name: best[name] for name in sorted(names)}


def holdout_metrics(
    interactions: Interactions, features: ItemFeatures | None, params: dict | None = None
) -> dict:
    """NDCG@10 and Recall@10 of the hybrid (``params``) and of popularity on the holdout.

    Returns an empty dict when nothing is held out (every user too new).
    """
    task = holdout_task(interactions, features)
    if task is None:
        return {}
    metrics: dict = {
        "holdout_users": len(task.users),
        "holdout_pairs": int(sum(map(len, task.relevant.values()))),
    }
    for prefix, model in (
        ("", HybridRecommender(**(params or {}))),
        ("popularity_", PopularityRecommender()),
    ):
        scores = task.run(model.fit(task.train, task.features))
        metrics[f"{prefix}ndcg@10"] = scores["ndcg@10"]
        metrics[f"{prefix}recall@10"] = scores["recall@10"]
    return metrics


def prune_versions(
    models_dir: str | os.PathLike, keep: int = 3, protect: Collection[str] = ()
) -> list[Path]:
    """Delete all but the ``keep`` newest versions and those named in ``protect``.

    ``protect`` holds the version a site serves: it may be older than the
    newest ones when those could not be loaded. Returns the deleted paths.
    """
    if keep < 1:
        raise ValueError("keep must be >= 1 so that a model stays available.")
    old = [p for p in list_versions(models_dir)[keep:] if p.name not in protect]
    for p in old:
        shutil.rmtree(p, ignore_errors=True)
    return old


def train_and_save(
    interactions: Interactions,
    features: ItemFeatures | None,
    models_dir: str | os.PathLike,
    params: dict | None = None,
    progress: Progress | None = None,
    keep: int = 3,
    protect: Collection[str] = (),
    fit_inputs: dict | None = None,
    finish: Callable[[HybridRecommender], dict] | None = None,
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
        ml-latest-small), e.g. from :func:`tune`.
    progress : callable, optional
        ``progress(stage, fraction)``, e.g. to drive a progress bar.
    keep : int
        Versions to keep (the new one included).
    protect : collection of str
        Versions never pruned (the one being served).
    fit_inputs : dict, optional
        Further ``fit`` keywords (``gram``: a Gram matrix computed elsewhere).
    finish : callable, optional
        ``finish(model) -> dict`` runs after the fit and before saving (to fit
        companions of the model); its dict is added to ``model.metrics``.

    Returns
    -------
    (model, path)
        ``model.metrics`` holds the fit time and sizes, also saved in the
        version's ``meta.json``.

    Raises
    ------
    OSError
        When the version cannot be written; nothing half-written is left and
        no version is pruned.
    """
    t0 = time.perf_counter()
    model = HybridRecommender(**(params or {})).fit(
        interactions, features, progress=progress, **(fit_inputs or {})
    )
    extra = finish(model) if finish else {}
    model.metrics = {
        **model.metrics,
        "fit_seconds": round(time.perf_counter() - t0, 3),
        "n_users": model.n_users,
        "n_items": model.n_items,
        "n_interactions": model.n_interactions,
        "n_collaborative_items": len(model.cf_items),
        **extra,
    }
    path = save_model(model, models_dir)
    if progress:
        progress("saved", 1.0)
    prune_versions(models_dir, keep, protect)
    return model, path
