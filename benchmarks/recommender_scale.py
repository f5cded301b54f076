"""Scale benchmark of the hybrid recommender on a synthetic event log.

Generates a log with planted structure (taste clusters, Zipf popularity,
timestamps), fits ``HybridRecommender``, and measures fit time, peak memory
(``ru_maxrss`` of this process), recommend latency for known users, fold-in
latency for 200-title ad-hoc histories, similar-items latency, and the
save/load cycle. Writes JSON to ``benchmarks/results/recommender_scale.json``
(or ``--out``).

Usage::

    python benchmarks/recommender_scale.py                      # 100k x 20k x 10M
    python benchmarks/recommender_scale.py --users 10000 --items 2000 --events 1000000
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recommender import HybridRecommender, Interactions, ItemFeatures
from recommender.artifacts import load_model, save_model

GENRES = [
    "Action",
    "Adventure",
    "Animation",
    "Children",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
    "Film-Noir",
]


def peak_rss_gib() -> float:
    """Peak resident set size of this process so far, in GiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def generate(
    n_users: int, n_items: int, n_events: int, seed: int = 42, n_clusters: int = 50
) -> tuple[Interactions, ItemFeatures]:
    """A synthetic log: each user mixes her taste cluster (70 %) and global popularity (30 %).

    User activity is log-normal; item popularity within a cluster and overall
    is Zipf-like; pairs are unique (repeat events of a pair are merged, as
    ``events_to_feedback`` does), so the log has about ``n_events`` pairs.
    """
    rng = np.random.default_rng(seed)
    item_cluster = rng.integers(0, n_clusters, n_items)
    user_cluster = rng.integers(0, n_clusters, n_users)
    pop = 1.0 / np.arange(1, n_items + 1) ** 0.8
    pop = pop[rng.permutation(n_items)]
    pop /= pop.sum()
    activity = rng.lognormal(0.0, 1.0, n_users)
    per_user = np.maximum(1, np.round(activity / activity.sum() * n_events)).astype(np.int64)
    per_user = np.minimum(per_user, n_items // 2)
    members = [np.flatnonzero(item_cluster == c) for c in range(n_clusters)]
    cluster_p = [pop[m] / pop[m].sum() for m in members]
    users_out, items_out = [], []
    # Draw in batches of users per cluster to keep it vectorised.
    for c in range(n_clusters):
        us = np.flatnonzero(user_cluster == c)
        if us.size == 0:
            continue
        counts = per_user[us]
        total = int(counts.sum())
        n_taste = int(total * 0.7)
        draws = np.empty(total, dtype=np.int64)
        draws[:n_taste] = rng.choice(members[c], size=n_taste, p=cluster_p[c])
        draws[n_taste:] = rng.choice(n_items, size=total - n_taste, p=pop)
        rng.shuffle(draws)
        users_out.append(np.repeat(us, counts))
        items_out.append(draws)
    u = np.concatenate(users_out)
    i = np.concatenate(items_out)
    key = np.unique(u * n_items + i)
    if len(key) < n_events and len(key) < 0.9 * n_users * n_items:
        # Repeats of a pair merge into one; top up with fresh draws until the
        # log holds about n_events distinct pairs.
        extra_u = rng.integers(0, n_users, 2 * (n_events - len(key)))
        extra_i = np.where(
            rng.random(len(extra_u)) < 0.7,
            rng.choice(n_items, size=len(extra_u), p=pop),
            rng.integers(0, n_items, len(extra_u)),
        )
        more = np.setdiff1d(np.unique(extra_u * n_items + extra_i), key)
        more = rng.permutation(more)[: n_events - len(key)]
        key = np.sort(np.concatenate([key, more]))
    u, i = key // n_items, key % n_items
    ts = 1.6e9 + rng.uniform(0, 3 * 365 * 86400, len(u))
    inter = Interactions(u, i, None, ts)
    n_people = max(100, n_items // 2)
    feats = ItemFeatures(
        item_ids=np.arange(n_items),
        genres=[[GENRES[(c + k) % len(GENRES)] for k in range(1 + c % 3)] for c in item_cluster],
        people=[
            [(f"director {rng.integers(n_people)}", "director")]
            + [(f"actor {a}", "cast") for a in rng.integers(0, n_people, 4)]
            for _ in range(n_items)
        ],
        keywords=[[f"kw{c}", f"kw{rng.integers(500)}"] for c in item_cluster],
        year=rng.integers(1950, 2025, n_items).tolist(),
        maturity=rng.choice([0, 7, 13, 16, 18], n_items).tolist(),
        titles=[f"Title {j}" for j in range(n_items)],
    )
    return inter, feats


def timings(fn, n: int) -> dict:
    """Median and p99 in milliseconds of ``n`` calls of ``fn(i)``."""
    ts = []
    for j in range(n):
        t0 = time.perf_counter()
        fn(j)
        ts.append((time.perf_counter() - t0) * 1000)
    return {
        "median_ms": float(np.median(ts)),
        "p99_ms": float(np.percentile(ts, 99)),
        "max_ms": float(np.max(ts)),
        "calls": n,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--items", type=int, default=20_000)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--calls", type=int, default=1000)
    ap.add_argument(
        "--out", default=str(Path(__file__).parent / "results" / "recommender_scale.json")
    )
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    inter, feats = generate(args.users, args.items, args.events)
    gen_s = time.perf_counter() - t0
    print(
        f"generated {len(inter):,} pairs in {gen_s:.1f}s, rss {peak_rss_gib():.2f} GiB", flush=True
    )
    rss_before_fit = peak_rss_gib()

    stages = {}

    def progress(stage, frac):
        stages[stage] = round(time.perf_counter() - t_fit, 2)

    t_fit = time.perf_counter()
    model = HybridRecommender().fit(inter, feats, progress=progress)
    fit_s = time.perf_counter() - t_fit
    rss_fit = peak_rss_gib()
    print(f"fit {fit_s:.1f}s (stages {stages}), peak rss {rss_fit:.2f} GiB", flush=True)
    # A serving process holds the model, not the generated log and catalog:
    # their Python objects (lists per title and field) would make every full
    # garbage collection during the timings a long pause.
    n_pairs = len(inter)
    del inter, feats
    gc.collect()

    rng = np.random.default_rng(42)
    users = rng.choice(model.user_ids, size=args.calls, replace=True)
    for u in users[:20]:
        model.recommend(int(u), k=20)
    rec = timings(lambda j: model.recommend(int(users[j]), k=20), args.calls)
    hists = [rng.choice(model.item_ids, size=200, replace=False).tolist() for _ in range(200)]
    fold = timings(lambda j: model.recommend_for_history(hists[j], k=20), 200)
    items = rng.choice(model.item_ids, size=200, replace=False)
    sim = timings(lambda j: model.similar_items(int(items[j]), k=20), 200)
    print(f"recommend {rec}\nfold-in {fold}\nsimilar {sim}", flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="marquee-bench-"))
    try:
        t = time.perf_counter()
        path = save_model(model, tmp)
        save_s = time.perf_counter() - t
        size = sum(f.stat().st_size for f in path.iterdir())
        t = time.perf_counter()
        loaded = load_model(path)
        load_s = time.perf_counter() - t
        t = time.perf_counter()
        loaded_nc = load_model(path, verify_checksums=False)
        load_nc_s = time.perf_counter() - t
        rec_loaded = timings(lambda j, m=loaded_nc: m.recommend(int(users[j]), k=20), 200)
        del loaded, loaded_nc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    out = {
        "command": " ".join(
            [
                "python benchmarks/recommender_scale.py",
                *(argv if argv is not None else sys.argv[1:]),
            ]
        ),
        "users": args.users,
        "items": args.items,
        "events_requested": args.events,
        "pairs": n_pairs,
        "model_users": model.n_users,
        "model_items": model.n_items,
        "params": model.get_params(),
        "generate_seconds": gen_s,
        "fit_seconds": fit_s,
        "fit_stage_seconds": stages,
        "peak_rss_gib": rss_fit,
        "rss_before_fit_gib": rss_before_fit,
        "recommend": rec,
        "recommend_for_history_200": fold,
        "similar_items": sim,
        "recommend_after_load_mmap": rec_loaded,
        "save_seconds": save_s,
        "load_seconds_verified": load_s,
        "load_seconds_unverified": load_nc_s,
        "artifact_bytes": size,
        "cpu": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "threads": os.environ.get("OMP_NUM_THREADS", "default"),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1))
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
