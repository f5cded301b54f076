"""Fitting a new model on the site's own log, with a quick offline check.

The site's settings around the library's one pipeline (`recommender.train`):
parameters are tuned on a validation split carved from the training part
(each profile's most recent fifth of it); the check then holds out each
profile's most recent fifth (the library protocol's temporal rule), scores
NDCG@10 and Recall@10 for the tuned hybrid and for popularity, and the model
is refitted on everything, saved, and the versions beyond MODEL_KEEP_VERSIONS
pruned (never the one served). The figures travel with the model so that
the admin page can show what was measured.
"""

import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from recommender import HybridRecommender
from recommender.train import holdout_metrics, train_and_save, tune
from webapp.jobs import JobFailed
from webapp.models.base import utcnow
from webapp.recommendations.context_stage import context_stage
from webapp.recommendations.features import load_item_features
from webapp.recommendations.feedback import training_feedback
from webapp.recommendations.store import ModelStore

log = logging.getLogger(__name__)

MIN_INTERACTIONS = 20


class TrainingError(JobFailed):
    """Training could not run; the message says why and what to do (the job's one line)."""


@dataclass
class TrainingResult:
    version: str
    path: str
    seconds: float
    n_users: int
    n_items: int
    n_interactions: int
    metrics: dict

    def describe(self) -> str:
        m = self.metrics
        return (
            f"Wrote model {self.version} to {self.path} in {self.seconds:.1f} s: "
            f"{self.n_interactions:,} interactions, {self.n_users:,} profiles, {self.n_items:,} titles; "
            f"holdout NDCG@10 {m.get('ndcg@10', float('nan')):.4f} "
            f"(popularity {m.get('popularity_ndcg@10', float('nan')):.4f})."
        )


# Parameters tuned on the site's own data, one at a time (coordinate search):
# the library's defaults come from MovieLens, where no never-watched title
# competes with watched ones; on a live catalog the balance between the
# collaborative scores and the content scores of little-watched titles has to
# be measured on this catalog's own holdout.
# Where the search starts, and what an untuned fit uses: measured on the demo
# catalog's holdout (`flask --app wsgi recommender train` prints and stores the
# tuned values). Little-watched titles get no popularity lift of their own, so
# they cannot crowd well-matched ones out of a small catalog's rows. The era
# cue stays off: an admin adds older films as well as new releases, and a
# viewer of 1970s classics should still meet a newly added 1990s one.
# Keywords and synopses describe titles without plays too: here they are
# written with the catalog entry, not left by viewers (on MovieLens, where
# they are viewers' tags, the library leaves them out).
SITE_DEFAULTS = {
    "cold_pop_weight": 0.0,
    "cold_content_weight": 1.0,
    "cold_k": 50,
    "cold_year_weight": 0.0,
    "cold_text_weight": 1.0,
    "lam": 1000.0,
}

GRID = {
    "cold_pop_weight": (0.0, 1.0, 3.2),
    "cold_content_weight": (1.0, 4.0),
    "cold_k": (10, 50),
    "cold_text_weight": (0.0, 1.0),
    "lam": (200.0, 1000.0),
}


def site_defaults() -> dict:
    """SITE_DEFAULTS restricted to what this version of the library accepts."""
    valid = set(HybridRecommender().get_params())
    return {k: v for k, v in SITE_DEFAULTS.items() if k in valid}


def site_stages() -> list[dict]:
    """GRID as one coordinate-search stage per parameter the library accepts."""
    valid = set(HybridRecommender().get_params())
    return [{name: list(values)} for name, values in GRID.items() if name in valid]


# What a quick fit stores for time of day and device: nothing fitted, nothing measured.
# The context re-ranks only when measured figures switch it on, so the pages of a
# quick fit are the same without it; the tuned training that follows measures it.
QUICK_CONTEXT = {
    "enabled": False,
    "gain": None,
    "why": "a quick fit; the tuned training measures it",
    "profiles_with_pattern": 0,
    "figures": {},
}


def served_version(model_dir: str | os.PathLike) -> str | None:
    """The version pages serve from `model_dir` now (the newest that loads): pruning keeps it."""
    store = ModelStore(model_dir)
    store.get()
    return store.version


def train_model(
    model_dir: str | os.PathLike,
    now: datetime | None = None,
    progress=None,
    evaluate: bool = True,
    engine=None,
    context: bool = True,
) -> TrainingResult:
    """Fit on the whole log and save a new version; raises TrainingError when it cannot.

    `engine`: where the steps that read every event run; None for this
    process, or a `spark_engine.SparkEngine` (feedback and EASE's Gram matrix
    on Spark, the rest here). `context=False` (the quick fit) leaves out the
    time-of-day and device stage: QUICK_CONTEXT is stored instead.
    """
    report = progress or (lambda stage, fraction: None)
    started = time.perf_counter()
    report("reading the event log", 0.0)
    now = now or utcnow()
    inter = engine.feedback(now) if engine else training_feedback(now=now)
    if len(inter) < MIN_INTERACTIONS:
        raise TrainingError(
            f"only {len(inter)} interactions logged; at least {MIN_INTERACTIONS} are needed "
            "(seed the demo with `flask --app wsgi seed-demo`, or wait for viewers)."
        )
    report("reading the catalog", 0.1)
    features = load_item_features()
    metrics: dict = {}
    params: dict = site_defaults()
    if evaluate:
        params = tune(
            inter, features, site_stages(), params, lambda stage, f: report(stage, 0.15 + 0.25 * f)
        )
        report("holdout evaluation", 0.4)
        metrics = holdout_metrics(inter, features, params)
        metrics["tuned_params"] = params
    report("fitting", 0.5)
    fit_inputs = engine.fit_inputs(inter, features, params) if engine else {}

    def finish(model) -> dict:
        if context:
            report("time of day and device", 0.9)
            metrics["context"] = context_stage(model, inter, features, params, evaluate)
        else:
            metrics["context"] = dict(QUICK_CONTEXT)
        metrics["engine"] = engine.name if engine else "embedded"
        metrics["n_interactions"] = len(inter)
        metrics["fit_seconds"] = round(time.perf_counter() - started, 2)
        report("saving", 0.95)
        return metrics

    def fit_progress(stage: str, fraction: float) -> None:
        if stage == "saved":
            report("saved", 0.99)
        else:
            report(f"fitting: {stage}", 0.5 + 0.4 * fraction)

    config = current_app.config
    try:
        model, path = train_and_save(
            inter,
            features,
            model_dir,
            params,
            progress=fit_progress,
            keep=config["MODEL_KEEP_VERSIONS"],
            protect=[v for v in (served_version(model_dir),) if v],
            fit_inputs=fit_inputs,
            finish=finish,
        )
    except OSError as exc:
        # save_model removes its temporary directory when a write fails, so
        # nothing half-written is left for a worker to pick up.
        reason = exc.strerror or str(exc)
        raise TrainingError(
            f"could not write the model to {model_dir}: {reason}. Nothing was written and pages "
            "keep what they serve now; free space there (or fix its permissions) and train again."
        ) from exc
    report("done", 1.0)
    result = TrainingResult(
        version=path.name,
        path=str(path),
        seconds=time.perf_counter() - started,
        n_users=model.n_users,
        n_items=model.n_items,
        n_interactions=len(inter),
        metrics=metrics,
    )
    log.info("%s", result.describe())
    return result
