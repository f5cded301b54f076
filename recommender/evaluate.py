"""Run the offline protocol end to end on a MovieLens directory.

Usage::

    python -m recommender.evaluate --movielens PATH --scenario warm|cold [--json]
        [--users N] [--quick]

For our hybrid model and the built-in baselines (popularity, cosine item-kNN,
content TF-IDF) it splits the data (``recommender.protocol``), tunes each
model's parameters on the validation split by NDCG@10, refits on the full
training split, and reports on test: NDCG@10, Recall@10/20, HitRate@10,
coverage@10, mean popularity percentile (warm only), the wall time of the
final fit, and the median and 99th percentile wall time of one
``model.recommend(user, k=20)`` call (whole catalog) over 200 test users drawn
with seed 42. The BLAS thread count is printed with the results.

``--val-draws N`` (cold scenario, default 4): tune on the mean over N
validation draws carved from train (seeds 42, 43, ...); 1 keeps only the
protocol's seed 42.

``--users N`` keeps only a random sample (seed 42) of N users of the data set
before splitting (for smoke tests; results are then not comparable with the
peers). ``--quick`` uses a one-point
grid per model (for tests).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np

from .base import BaseRecommender
from .baselines import ContentRecommender, ItemKNNRecommender, PopularityRecommender
from .data import Interactions, ItemFeatures
from .hybrid import HybridRecommender
from .metrics import popularity_percentiles, tie_break_ranks, top_k_with_ties
from .movielens import load_movielens
from .protocol import cold_split, pairs_of, temporal_split

OURS = HybridRecommender.name

# Validation grids. The hybrid is tuned stage by stage (coordinate search):
# each stage searches its parameters jointly with the others held at the best
# values so far; fit-time parameters (lam) trigger a refit, the rest are
# scoring-time parameters changed with set_scoring.
WARM_STAGES = [
    {
        "lam": [200, 500, 1000, 2000],
        "history_half_life": [None, 3, 5, 10, 20],
        "pop_beta": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5],
    },
    {"content_weight": [0.0, 0.025, 0.05, 0.1, 0.2, 0.5], "content_lam": [30, 100, 300]},
]
COLD_STAGES = [
    {
        "lam": [200, 500, 1000],
        "history_half_life": [None, 5, 20],
        "pop_beta": [0.0, 0.2, 0.4],
    },
    {
        "cold_text_weight": [0.0, 1.0],
        "content_lam": [30, 100, 300],
        "cold_content_weight": [0.25, 0.5, 1.0, 2.0, 4.0],
    },
    {"cold_k": [30, 100, 300], "cold_power": [1.0, 2.0, 4.0, 8.0]},
    {
        "cold_content_weight": [0.25, 0.5, 1.0, 2.0, 4.0],
        "cold_pop_weight": [0.0, 0.4, 0.8, 1.6, 3.2],
    },
    {"cold_year_weight": [0.0, 2.0, 4.0, 8.0], "cold_text_weight": [0.0, 1.0]},
]
#: Seeds of the cold-start validation draws (all carved from train; 42, the
#: protocol's, first). ``--val-draws 1`` keeps only seed 42.
COLD_VAL_SEEDS = (42, 43, 44, 45)
KNN_GRID = {"k": [10, 20, 50, 100, 200, 500]}
FIT_PARAMS = {
    "lam",
    "max_cf_items",
    "content_history",
    "max_content_features",
    "cold_text_weight",
}


def _threads() -> str:
    try:
        from threadpoolctl import threadpool_info

        info = threadpool_info()
        return ", ".join(f"{d['internal_api']} {d['num_threads']} threads" for d in info) or "n/a"
    except ImportError:  # pragma: no cover
        return "n/a"


class Task:
    """One evaluation task: train data, features, candidates and held-out sets."""

    def __init__(
        self,
        train: Interactions,
        features: ItemFeatures,
        relevant: dict[int, set[int]],
        candidates: np.ndarray,
        exclude_train: bool,
    ):
        self.train, self.features = train, features
        self.relevant = relevant
        self.candidates = np.sort(candidates)
        self.exclude_train = exclude_train
        self.tie = tie_break_ranks(len(self.candidates))
        items, counts = np.unique(train.item_ids, return_counts=True)
        cnt = np.zeros(len(self.candidates))
        pos = np.searchsorted(items, self.candidates)
        ok = (pos < len(items)) & (items[np.minimum(pos, len(items) - 1)] == self.candidates)
        cnt[ok] = counts[pos[ok]]
        self.pct = popularity_percentiles(self.candidates, cnt)
        self.users = np.array(sorted(relevant), dtype=np.int64)

    def run(self, model: BaseRecommender, k_max: int = 20) -> dict:
        """Top lists for every evaluated user, then the metrics."""
        return self.run_scores(self.model_scores(model), k_max)

    def model_scores(self, model: BaseRecommender) -> Iterator[np.ndarray]:
        """The model's scores of the candidates (sorted ids), a row per evaluated user.

        Scored 256 users at a time. In a warm task a user's own train titles
        score ``-inf``: the protocol never recommends them.
        """
        cand_pos = model._item_index(self.candidates)
        assert len(cand_pos) == len(self.candidates), "candidates missing from the model"
        col_of = np.full(model.n_items, -1, dtype=np.int64)
        col_of[cand_pos] = np.arange(len(cand_pos))
        rows = np.array([model._user_row(int(u)) for u in self.users])
        for start in range(0, len(rows), 256):
            S = model.score_users(rows[start : start + 256])[:, cand_pos].astype(np.float64)
            for r in range(S.shape[0]):
                s = S[r]
                if self.exclude_train:
                    seen = col_of[model._hist_raw[rows[start + r]].indices]
                    s[seen[seen >= 0]] = -np.inf
                yield s

    def run_scores(self, scores: np.ndarray | Iterable[np.ndarray], k_max: int = 20) -> dict:
        """The metrics of given scores over the candidates (in sorted id order).

        ``scores`` has one row per evaluated user (``self.users``), as an
        array or any iterable of rows, or is a single row that ranks the
        candidates the same way for everyone.
        """
        if isinstance(scores, np.ndarray):
            scores = np.atleast_2d(scores)
            if len(scores) == 1:
                scores = itertools.repeat(scores[0], len(self.users))
        res: dict[str, list] = {}
        tops = []
        for u, s in zip(self.users.tolist(), scores, strict=True):
            metrics, top = self._list_metrics(u, np.asarray(s, dtype=np.float64), k_max)
            for name, v in metrics.items():
                res.setdefault(name, []).append(v)
            tops.append(top[:10])
        out = {name: float(np.mean(v)) for name, v in res.items()}
        if self.exclude_train:  # warm: catalog-level metrics apply
            flat = np.concatenate(tops) if tops else np.empty(0, dtype=np.int64)
            out["coverage@10"] = len(np.unique(flat)) / len(self.candidates)
            out["popularity_percentile"] = float(np.mean([self.pct[i] for i in flat.tolist()]))
        out["n_users"] = len(self.users)
        return out

    def _list_metrics(self, user: int, s: np.ndarray, k_max: int) -> tuple[dict, np.ndarray]:
        top = self.candidates[top_k_with_ties(s, k_max, self.tie)]
        rel = self.relevant[user]
        hits = np.array([t in rel for t in top.tolist()], dtype=float)
        disc = 1.0 / np.log2(np.arange(2, k_max + 2))
        m10 = min(10, len(rel))
        metrics = {
            "ndcg@10": (hits[:10] * disc[: len(hits[:10])]).sum() / disc[:m10].sum(),
            "recall@10": hits[:10].sum() / m10,
            "recall@20": hits[:20].sum() / min(20, len(rel)),
            "hit@10": float(hits[:10].any()),
        }
        return metrics, top


def _relevant(test: Interactions, users: np.ndarray | None = None) -> dict[int, set[int]]:
    rel: dict[int, set[int]] = {}
    for u, i in zip(test.user_ids.tolist(), test.item_ids.tolist()):
        rel.setdefault(u, set()).add(i)
    if users is not None:
        keep = set(users.tolist())
        rel = {u: v for u, v in rel.items() if u in keep}
    return rel


def warm_tasks(ml) -> tuple[Task, Task, dict]:
    """(validation task, test task, stats) of the warm temporal scenario."""
    train, test = temporal_split(ml.interactions)
    vtrain, vtest = temporal_split(train)
    hidden_test = pairs_of(test)
    val = Task(
        vtrain,
        ml.features(hidden_test | pairs_of(vtest)),
        _relevant(vtest),
        np.unique(vtrain.item_ids),
        exclude_train=True,
    )
    tst = Task(
        train,
        ml.features(hidden_test),
        _relevant(test),
        np.unique(train.item_ids),
        exclude_train=True,
    )
    stats = {
        "train_interactions": len(train),
        "test_interactions": len(test),
        "test_users": len(tst.users),
        "train_items": len(tst.candidates),
    }
    return val, tst, stats


def _cold_task(
    train: Interactions, held: Interactions, cold: np.ndarray, features: ItemFeatures
) -> Task:
    users, counts = np.unique(train.user_ids, return_counts=True)
    eligible = users[counts >= 5]
    rel = _relevant(held, eligible)
    return Task(train, features, rel, cold, exclude_train=False)


def cold_tasks(ml, draws: int = len(COLD_VAL_SEEDS)) -> tuple[list[Task], Task, dict]:
    """(validation tasks, test task, stats) of the item cold-start scenario.

    The validation tasks apply the cold-start rule to the train split with the
    first ``draws`` seeds of ``COLD_VAL_SEEDS``, and the hybrid is tuned on the
    mean NDCG@10 over them: one cold draw of ~330 titles is a noisy target,
    the mean over several a steadier one (``recommender/README.md`` gives
    the figures with ``--val-draws 1`` and with the default). All draws come
    from train; test is never seen.
    """
    if not 1 <= draws <= len(COLD_VAL_SEEDS):
        raise ValueError(f"--val-draws must be between 1 and {len(COLD_VAL_SEEDS)}.")
    train, held, cold = cold_split(ml.interactions)
    hidden = pairs_of(held)
    val = []
    for seed in COLD_VAL_SEEDS[:draws]:
        vtrain, vheld, vcold = cold_split(train, seed=seed)
        val.append(_cold_task(vtrain, vheld, vcold, ml.features(hidden | pairs_of(vheld))))
    tst = _cold_task(train, held, cold, ml.features(hidden))
    n_test = sum(len(v) for v in tst.relevant.values())
    stats = {
        "cold_items": len(cold),
        "test_users": len(tst.users),
        "test_interactions": n_test,
        "train_interactions": len(train),
        "val_cold_items": len(val[0].candidates),
        "val_splits": len(val),
    }
    return val, tst, stats


def _fit(model: BaseRecommender, task: Task) -> tuple[BaseRecommender, float]:
    t0 = time.perf_counter()
    model.fit(task.train, task.features)
    return model, time.perf_counter() - t0


def tune_grid(
    factory: Callable[..., BaseRecommender], grid: dict, task: Task, log: Callable[[str], None]
) -> tuple[dict, list]:
    """Refit for every point of ``grid``; return the best params and the trace."""
    trace = []
    for values in itertools.product(*grid.values()):
        params = dict(zip(grid, values))
        model, _ = _fit(factory(**params), task)
        score = task.run(model)["ndcg@10"]
        trace.append({"params": params, "val_ndcg@10": score})
        log(f"  {params} val NDCG@10={score:.4f}")
    best = max(trace, key=lambda t: t["val_ndcg@10"])
    return best["params"], trace


def tune_hybrid(
    stages: list[dict],
    task: Task | list[Task],
    log: Callable[[str], None],
    start: dict | None = None,
) -> tuple[dict, list]:
    """Coordinate search over ``stages`` (see ``WARM_STAGES``), refitting only for lam.

    With several validation tasks, a configuration scores the mean NDCG@10.
    """
    tasks = task if isinstance(task, list) else [task]
    best = dict(HybridRecommender().get_params(), **(start or {}))
    fitted: dict[tuple, HybridRecommender] = {}
    trace = []
    best_score = -1.0
    for stage in stages:
        for values in itertools.product(*stage.values()):
            params = dict(best, **dict(zip(stage, values)))
            key = tuple(params[p] for p in sorted(FIT_PARAMS))
            if key not in fitted:
                fitted[key] = [_fit(HybridRecommender(**params), t)[0] for t in tasks]
            scores = []
            for t, model in zip(tasks, fitted[key]):
                model.set_scoring(**{p: v for p, v in params.items() if p not in FIT_PARAMS})
                scores.append(t.run(model)["ndcg@10"])
            score = float(np.mean(scores))
            trace.append({"params": dict(params), "val_ndcg@10": score})
            if score > best_score + 1e-12:
                best_score, best = score, dict(params)
        log(f"  stage {list(stage)} -> {best} val NDCG@10={best_score:.4f}")
    return best, trace


def _time_recommend(model: BaseRecommender, users: np.ndarray, n: int = 200) -> tuple[float, float]:
    rng = np.random.default_rng(42)
    pick = rng.choice(users, size=min(n, len(users)), replace=False)
    for u in pick[:5].tolist():  # warm caches
        model.recommend(int(u), k=20)
    times = []
    for u in pick.tolist():
        t0 = time.perf_counter()
        model.recommend(int(u), k=20)
        times.append((time.perf_counter() - t0) * 1000.0)
    return float(np.median(times)), float(np.percentile(times, 99))


def run(
    movielens: str | Path,
    scenario: str,
    n_users: int | None = None,
    quick: bool = False,
    log: Callable[[str], None] = lambda s: None,
    val_draws: int = len(COLD_VAL_SEEDS),
) -> dict:
    """Run one scenario; return the result dict printed by ``--json``."""
    if scenario not in ("warm", "cold"):
        raise ValueError(f"scenario must be 'warm' or 'cold', got {scenario!r}.")
    path = Path(movielens)
    ml = load_movielens(path)
    if n_users is not None:
        users = np.unique(ml.interactions.user_ids)
        if n_users < 1:
            raise ValueError("--users must be a positive number of users.")
        keep = np.random.default_rng(42).choice(users, size=min(n_users, len(users)), replace=False)
        ml.interactions = ml.interactions.subset(np.isin(ml.interactions.user_ids, keep))
    if scenario == "warm":
        val, tst, stats = warm_tasks(ml)
    else:
        val, tst, stats = cold_tasks(ml, 1 if quick else val_draws)
    log(f"{scenario}: {stats}")
    specs: list[tuple[str, Callable]] = []
    if quick:
        hybrid_stages = [{"lam": [500]}]
        knn_grid = {"k": [50]}
    else:
        hybrid_stages = WARM_STAGES if scenario == "warm" else COLD_STAGES
        knn_grid = KNN_GRID
    results = []
    t_tune = time.perf_counter()
    log(f"tuning {OURS} on validation")
    best, trace = tune_hybrid(hybrid_stages, val, log)
    specs.append((OURS, lambda: HybridRecommender(**best), best, trace))
    specs.append(("Popularity", PopularityRecommender, {}, []))
    if scenario == "warm":
        log("tuning ItemKNN-cosine on validation")
        kbest, ktrace = tune_grid(ItemKNNRecommender, knn_grid, val, log)
        specs.append(("ItemKNN-cosine", lambda: ItemKNNRecommender(**kbest), kbest, ktrace))
    specs.append(("Content-TFIDF", ContentRecommender, {}, []))
    log(f"tuning took {time.perf_counter() - t_tune:.1f} s")
    for name, factory, params, trace in specs:
        model, fit_s = _fit(factory(), tst)
        metrics = tst.run(model)
        med, p99 = _time_recommend(model, tst.users)
        row = {
            "model": name,
            **{k: v for k, v in metrics.items() if k != "n_users"},
            "fit_seconds": fit_s,
            "recommend_ms_median": med,
            "recommend_ms_p99": p99,
            "params": params,
            "n_users": metrics["n_users"],
            "validation": {
                "configs": len(trace),
                "best_val_ndcg@10": max((t["val_ndcg@10"] for t in trace), default=None),
                # Every configuration tried, so ablations can be read off the run.
                "trace": trace,
            },
        }
        results.append(row)
        log(f"{name}: NDCG@10={metrics['ndcg@10']:.4f} fit {fit_s:.2f}s rec {med:.2f}ms")
    return {
        "dataset": path.name,
        "scenario": scenario,
        "ours": OURS,
        "threads": _threads(),
        "stats": stats,
        "sampled_users": n_users,
        "results": results,
    }


def format_table(out: dict) -> str:
    """Human-readable table of a :func:`run` result."""
    cols = [
        "ndcg@10",
        "recall@10",
        "recall@20",
        "hit@10",
        "coverage@10",
        "popularity_percentile",
        "fit_seconds",
        "recommend_ms_median",
        "recommend_ms_p99",
    ]
    cols = [c for c in cols if any(c in r for r in out["results"])]
    lines = [
        f"dataset {out['dataset']}, scenario {out['scenario']}, ours = {out['ours']}",
        f"threads: {out['threads']}",
        f"stats: {json.dumps(out['stats'])}",
        "",
    ]
    head = f"{'model':<16}" + "".join(f"{c:>22}" for c in cols) + "  params"
    lines += [head, "-" * len(head)]
    for r in out["results"]:
        cells = "".join(f"{r[c]:>22.4f}" if c in r else f"{'-':>22}" for c in cols)
        lines.append(f"{r['model']:<16}{cells}  {json.dumps(r['params'])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(
        prog="python -m recommender.evaluate", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--movielens", required=True, help="directory of ml-latest-small")
    ap.add_argument("--scenario", required=True, choices=["warm", "cold"])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument(
        "--users",
        type=int,
        default=None,
        help="keep a random sample of N users of the data (smoke tests)",
    )
    ap.add_argument("--quick", action="store_true", help="one-point grids (smoke test)")
    ap.add_argument(
        "--val-draws",
        type=int,
        default=len(COLD_VAL_SEEDS),
        help="cold scenario: validation draws to tune on (1 = the protocol's seed 42 only)",
    )
    args = ap.parse_args(argv)
    log = lambda s: print(s, file=sys.stderr, flush=True)
    try:
        out = run(args.movielens, args.scenario, args.users, args.quick, log, args.val_draws)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(
            json.dumps(out, default=lambda o: None if isinstance(o, float) and math.isnan(o) else o)
        )
    else:
        print(format_table(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
