"""Does time-of-day context help? A measurement on ml-latest-small (warm protocol).

For each evaluated profile the "request time" is the timestamp of its first
held-out interaction (when it comes back). Context = the daypart of that time
(UTC: night 0-6, morning 6-12, afternoon 12-18, evening 18-24). The profile's
genre mix in that daypart, from its training history (smoothed towards its
overall mix), shifts the hybrid's scores::

    score'(j) = score(j) + gamma * sd_u * mean_{g in genres(j)} log(p_daypart(g) / p_all(g))

``gamma`` is chosen on the validation split; the test split is scored once
with it. Device context cannot be measured: MovieLens has no device field.
Writes ``benchmarks/results/recommender_context.json``.

Usage: python benchmarks/recommender_context.py [--movielens PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recommender import evaluate as ev
from recommender.hybrid import HybridRecommender
from recommender.movielens import load_movielens
from recommender.protocol import temporal_split

GAMMAS = [0.0, 0.05, 0.1, 0.2, 0.5, 1.0]
SMOOTH = 5.0  # pseudo-counts towards the profile's overall genre mix


def daypart(ts: np.ndarray) -> np.ndarray:
    return ((ts // 3600) % 24 // 6).astype(np.int64)


def context_shift(model, task, held, genres_of) -> np.ndarray:
    """Per evaluated user, the additive context term for every item (unit: score sd)."""
    first = {}
    for u, t in zip(held.user_ids.tolist(), held.timestamps.tolist()):
        first[u] = min(first.get(u, np.inf), t)
    tr = task.train
    parts = daypart(tr.timestamps)
    all_genres = sorted({g for gs in genres_of.values() for g in gs})
    gi = {g: i for i, g in enumerate(all_genres)}
    G = np.zeros((model.n_items, len(all_genres)))
    for pos, item in enumerate(model.item_ids.tolist()):
        for g in genres_of.get(item, []):
            G[pos, gi[g]] = 1.0
    Gn = G / np.maximum(G.sum(1, keepdims=True), 1)
    out = np.zeros((len(task.users), model.n_items), dtype=np.float32)
    by_user = {}
    for k, u in enumerate(tr.user_ids.tolist()):
        by_user.setdefault(u, []).append(k)
    for r, u in enumerate(task.users.tolist()):
        rows = np.array(by_user[u])
        items = np.searchsorted(model.item_ids, tr.item_ids[rows])
        allc = G[items].sum(0) + 1e-3
        p_all = allc / allc.sum()
        d = daypart(np.array([first[u]]))[0]
        dc = G[items[parts[rows] == d]].sum(0)
        p_d = (dc + SMOOTH * p_all) / (dc.sum() + SMOOTH)
        out[r] = Gn @ np.log(p_d / p_all)
    return out


def ndcg_with(task, model, shift, gamma) -> float:
    base = model.score_users
    rows = np.array([model._user_row(int(u)) for u in task.users])
    S = base(rows)
    sd = S.std(axis=1, keepdims=True)
    S = S + gamma * sd * shift
    at = {int(r): i for i, r in enumerate(rows)}
    model.score_users = lambda rr: S[[at[int(x)] for x in rr]]
    try:
        return task.run(model)["ndcg@10"]
    finally:
        del model.score_users


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--movielens", default=str(ROOT.parent / "shared" / "data" / "ml-latest-small"))
    args = ap.parse_args(argv)
    ml = load_movielens(args.movielens)
    genres_of = dict(zip(ml.item_ids.tolist(), ml.genres))
    val, tst, _ = ev.warm_tasks(ml)
    train, test = temporal_split(ml.interactions)
    _, vtest = temporal_split(train)
    result = {"gammas": GAMMAS, "validation": {}, "test": {}}
    for name, task, held in (("validation", val, vtest), ("test", tst, test)):
        model = HybridRecommender().fit(task.train, task.features)
        shift = context_shift(model, task, held, genres_of)
        grid = GAMMAS if name == "validation" else sorted({0.0, result["best_gamma"]})
        for g in grid:
            result[name][str(g)] = ndcg_with(task, model, shift, g)
            print(name, g, round(result[name][str(g)], 4), flush=True)
        if name == "validation":
            result["best_gamma"] = max(GAMMAS, key=lambda g: result["validation"][str(g)])
    result["helps"] = result["best_gamma"] > 0 and (
        result["test"][str(result["best_gamma"])] > result["test"]["0.0"]
    )
    out = ROOT / "benchmarks" / "results" / "recommender_context.json"
    out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
