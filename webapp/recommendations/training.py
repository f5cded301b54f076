"""Fitting a new model on the site's own log, with a quick offline check.

Parameters are tuned on a validation split carved from the training part
(each profile's most recent fifth of it); the check then holds out each
profile's most recent fifth (the library protocol's temporal rule), scores
NDCG@10 and Recall@10 for the tuned hybrid and for popularity, and the model
is refitted on everything and saved. The figures travel with
the model so that the admin page can show what was measured.
"""

import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from recommender import HybridRecommender, Interactions, PopularityRecommender, save_model
from recommender.metrics import ndcg_at_k, recall_at_k
from recommender.protocol import temporal_split
from webapp.models.base import utcnow
from webapp.recommendations.context_stage import context_stage
from webapp.recommendations.features import load_item_features
from webapp.recommendations.feedback import training_feedback

log = logging.getLogger(__name__)

MIN_INTERACTIONS = 20
EVAL_USERS = 300


class TrainingError(RuntimeError):
    """Training could not run; the message says why and what to do."""


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


def _relevant(test: Interactions) -> dict[int, set[int]]:
    positives = test.subset(test.weights > 0)
    relevant: dict[int, set[int]] = {}
    for user, item in zip(positives.user_ids.tolist(), positives.item_ids.tolist()):
        relevant.setdefault(user, set()).add(item)
    return relevant


def _score(model, relevant: dict[int, set[int]], users: np.ndarray) -> tuple[float, float]:
    ndcg, recall = [], []
    for user in users.tolist():
        ranked = [r.item_id for r in model.recommend(user, k=10)]
        ndcg.append(ndcg_at_k(ranked, relevant[user], 10))
        recall.append(recall_at_k(ranked, relevant[user], 10))
    return float(np.mean(ndcg)), float(np.mean(recall))


def _sample(relevant: dict, seed: int) -> np.ndarray:
    users = np.array(sorted(relevant))
    if len(users) > EVAL_USERS:
        users = np.sort(np.random.default_rng(seed).choice(users, EVAL_USERS, replace=False))
    return users


def site_defaults() -> dict:
    """SITE_DEFAULTS restricted to what this version of the library accepts."""
    valid = set(HybridRecommender().get_params())
    return {k: v for k, v in SITE_DEFAULTS.items() if k in valid}


def tune_params(inter: Interactions, features, report=None) -> dict:
    """Parameters chosen on a validation split carved from the training part of the log."""
    train, _ = temporal_split(inter)
    fit_part, validation = temporal_split(train)
    relevant = _relevant(validation)
    if not relevant:
        return site_defaults()
    users = _sample(relevant, 7)
    valid = set(HybridRecommender().get_params())
    best: dict = site_defaults()
    best_score = _score(HybridRecommender(**best).fit(fit_part, features), relevant, users)[0]
    steps = [(name, v) for name, values in GRID.items() if name in valid for v in values]
    for n, (name, value) in enumerate(steps):
        if report:
            report(f"tuning {name}", n / len(steps))
        trial = {**best, name: value}
        if trial == best:
            continue
        score = _score(HybridRecommender(**trial).fit(fit_part, features), relevant, users)[0]
        if score > best_score:
            best, best_score = trial, score
    log.info("tuned recommender parameters %s (validation NDCG@10 %.4f)", best, best_score)
    return best


def holdout_metrics(inter: Interactions, features, params: dict, seed: int = 42) -> dict:
    """NDCG@10 and Recall@10 of the hybrid and of popularity on a temporal holdout."""
    train, test = temporal_split(inter)
    relevant = _relevant(test)
    if not relevant:
        return {}
    users = _sample(relevant, seed)
    metrics: dict = {
        "holdout_users": len(users),
        "holdout_pairs": int(sum(map(len, relevant.values()))),
    }
    for prefix, model in (
        ("", HybridRecommender(**params).fit(train, features)),
        ("popularity_", PopularityRecommender().fit(train, features)),
    ):
        metrics[f"{prefix}ndcg@10"], metrics[f"{prefix}recall@10"] = _score(model, relevant, users)
    return metrics


def _save(model, model_dir) -> Path:
    """save_model, with a full disk or a read-only directory told as a TrainingError.

    save_model removes its temporary directory when a write fails, so nothing
    half-written is left for a worker to pick up.
    """
    try:
        return save_model(model, model_dir)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise TrainingError(
            f"could not write the model to {model_dir}: {reason}. Nothing was written and pages "
            "keep what they serve now; free space there (or fix its permissions) and train again."
        ) from exc


def train_model(
    model_dir: str | os.PathLike,
    now: datetime | None = None,
    progress=None,
    evaluate: bool = True,
    engine=None,
) -> TrainingResult:
    """Fit on the whole log and save a new version; raises TrainingError when it cannot.

    `engine`: where the steps that read every event run; None for this
    process, or a `spark_engine.SparkEngine` (feedback and EASE's Gram matrix
    on Spark, the rest here).
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
        params = tune_params(inter, features, lambda stage, f: report(stage, 0.15 + 0.25 * f))
        report("holdout evaluation", 0.4)
        metrics = holdout_metrics(inter, features, params)
        metrics["tuned_params"] = params
    report("fitting", 0.5)
    fit_inputs = engine.fit_inputs(inter, features, params) if engine else {}
    model = HybridRecommender(**params).fit(
        inter,
        features,
        progress=lambda stage, f: report(f"fitting: {stage}", 0.5 + 0.4 * f),
        **fit_inputs,
    )
    report("time of day and device", 0.9)
    metrics["context"] = context_stage(model, inter, features, params, evaluate)
    metrics["engine"] = engine.name if engine else "embedded"
    metrics["n_interactions"] = len(inter)
    metrics["fit_seconds"] = round(time.perf_counter() - started, 2)
    model.metrics = {**model.metrics, **metrics}
    report("saving", 0.95)
    path = _save(model, model_dir)
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
