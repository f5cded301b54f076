"""How far can a title's description carry the item cold start? ml-latest-small, validation only.

In the cold scenario only a title's genres, its release year and the tags
left on it may describe it. This measures, on the cold-start validation
draws (carved from train; the test split is never read), what the missing
signal is and whether that description holds it:

- ``random``: the fixed tie-break permutation alone;
- ``held-out popularity``: every list ranks the cold titles by how many
  evaluated profiles watched each (an oracle: it reads the held-out answers);
- ``predicted popularity``: the same count (log) predicted from genres,
  five-year period and year by a ridge regression fitted on the other
  cold titles of the same draw (five folds): the best case for a
  description-based popularity prior, since it learns from the very counts
  it predicts, never from its own; its out-of-fold R^2 is reported too;
- ``Marquee-Hybrid``: the model with the cold scenario's tuned parameters
  (read from ``benchmarks/results/recommender_cold.json`` when present);
- ``Marquee-Hybrid + w x ...``: per-list z-scores of the model plus w times
  the z-score of one of the popularity columns above.

Writes ``benchmarks/results/recommender_cold_ceiling.json``.

Usage: python benchmarks/recommender_cold_ceiling.py [--movielens PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, cross_val_predict

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recommender import evaluate as ev
from recommender.hybrid import HybridRecommender
from recommender.movielens import load_movielens

RESULTS = ROOT / "benchmarks" / "results"
BLEND_WEIGHTS = (0.1, 0.25, 0.5, 1.0)


def held_out_counts(task: ev.Task) -> np.ndarray:
    """Per candidate (sorted ids), how many evaluated profiles watched it."""
    counts = np.zeros(len(task.candidates))
    for items in task.relevant.values():
        counts[np.searchsorted(task.candidates, sorted(items))] += 1
    return counts


def description_matrix(task: ev.Task) -> np.ndarray:
    """Genres, five-year period (one-hot) and year (linear and squared) of each candidate."""
    f = task.features
    pos = np.searchsorted(f.item_ids, task.candidates)
    genres = sorted({g for p in pos for g in f.genres[p]})
    years = np.array([f.year[p] or np.nan for p in pos], dtype=float)
    years = np.where(np.isnan(years), np.nanmedian(years), years)
    periods = np.unique(years // 5)
    G = np.array([[g in f.genres[p] for g in genres] for p in pos], dtype=float)
    Pd = (years[:, None] // 5 == periods[None, :]).astype(float)
    z = (years - years.mean()) / (years.std() or 1.0)
    return np.hstack([G, Pd, z[:, None], z[:, None] ** 2])


def tags_left(task: ev.Task) -> int:
    f = task.features
    return int(sum(bool(f.keywords[p]) for p in np.searchsorted(f.item_ids, task.candidates)))


def zscore(S: np.ndarray) -> np.ndarray:
    S = np.atleast_2d(S)
    return (S - S.mean(1, keepdims=True)) / (S.std(1, keepdims=True) + 1e-12)


def tuned_params() -> tuple[dict, str]:
    path = RESULTS / "recommender_cold.json"
    if path.is_file():
        out = json.loads(path.read_text())
        ours = next(r for r in out["results"] if r["model"] == out["ours"])
        return ours["params"], str(path.relative_to(ROOT))
    return {}, "the defaults (run benchmarks/recommender_eval.sh for the tuned ones)"


def measure_draw(task: ev.Task, params: dict) -> dict:
    counts = held_out_counts(task)
    X = description_matrix(task)
    y = np.log1p(counts)
    folds = KFold(5, shuffle=True, random_state=42)
    predicted = cross_val_predict(Ridge(alpha=1.0), X, y, cv=folds)
    r2 = 1.0 - ((predicted - y) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    model = HybridRecommender(**params).fit(task.train, task.features)
    S = np.vstack(list(task.model_scores(model)))
    ndcg = {
        "random": task.run_scores(np.zeros(len(task.candidates)))["ndcg@10"],
        "held-out popularity": task.run_scores(np.log1p(counts))["ndcg@10"],
        "predicted popularity": task.run_scores(predicted)["ndcg@10"],
        "Marquee-Hybrid": task.run_scores(S)["ndcg@10"],
    }
    for name, column in (("predicted", predicted), ("held-out", np.log1p(counts))):
        for w in BLEND_WEIGHTS:
            blended = zscore(S) + w * zscore(column)
            ndcg[f"Marquee-Hybrid + {w} x {name} popularity"] = task.run_scores(blended)["ndcg@10"]
    return {
        "cold_titles": len(task.candidates),
        "titles_with_tags_left": tags_left(task),
        "popularity_r2_out_of_fold": float(r2),
        "ndcg@10": ndcg,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--movielens", default=str(ROOT.parent / "shared/data/ml-latest-small"))
    args = ap.parse_args(argv)
    try:
        ml = load_movielens(args.movielens)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    val, _, _ = ev.cold_tasks(ml)
    params, source = tuned_params()
    draws = []
    for seed, task in zip(ev.COLD_VAL_SEEDS, val):
        draws.append(dict(seed=seed, **measure_draw(task, params)))
        print(f"draw {seed}: done", flush=True)
    names = list(draws[0]["ndcg@10"])
    result = {
        "params_from": source,
        "params": params,
        "draws": draws,
        "mean_ndcg@10": {n: float(np.mean([d["ndcg@10"][n] for d in draws])) for n in names},
        "mean_popularity_r2_out_of_fold": float(
            np.mean([d["popularity_r2_out_of_fold"] for d in draws])
        ),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "recommender_cold_ceiling.json").write_text(json.dumps(result, indent=1))
    print(f"parameters: {source}")
    print(f"popularity R^2 out of fold: {result['mean_popularity_r2_out_of_fold']:.3f}")
    print("titles with tags left: " + ", ".join(str(d["titles_with_tags_left"]) for d in draws))
    for name in names:
        per_draw = " ".join(f"{d['ndcg@10'][name]:.4f}" for d in draws)
        print(f"{name:48s} {result['mean_ndcg@10'][name]:.4f}  ({per_draw})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
