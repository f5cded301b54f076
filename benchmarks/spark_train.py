"""Export and Spark training benchmark on a synthetic event log.

Builds a SQLite site with a synthetic log (the pairs of
``benchmarks/recommender_scale.generate``, each turned into a start, a
complete or heartbeat, and sometimes a rating), then measures:

- the Parquet export: events per second, bytes per million events, and a
  rerun with nothing new;
- training stages in this process (feedback from the database, the fit) and
  on Spark (session start, feedback over the export, popularity and the Gram
  matrix, the fit on the driver from that Gram matrix), each with its time
  and peak memory (this process and its children, i.e. Spark's JVM).

Usage::

    python benchmarks/spark_train.py                       # 1,000,000 pairs
    python benchmarks/spark_train.py --pairs 10000000 --users 200000 --items 20000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.recommender_scale import generate

PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except OSError:
        return 0


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out + [g for c in out for g in _children(c)]


class Stages:
    """Wall time and peak resident memory (this process + children) per stage."""

    def __init__(self):
        self.results: dict[str, dict] = {}
        self._peak = {"self": 0, "children": 0}
        self._stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.05):
            self._peak["self"] = max(self._peak["self"], _rss(me))
            kids = sum(_rss(c) for c in _children(me))
            self._peak["children"] = max(self._peak["children"], kids)

    def run(self, name: str, fn, *args, **kwargs):
        self._peak = {"self": _rss(os.getpid()), "children": 0}
        t0 = time.perf_counter()
        value = fn(*args, **kwargs)
        seconds = time.perf_counter() - t0
        self.results[name] = {
            "seconds": round(seconds, 2),
            "peak_python_mib": round(self._peak["self"] / 2**20),
            "peak_jvm_mib": round(self._peak["children"] / 2**20),
        }
        print(f"  {name}: {self.results[name]}", flush=True)
        return value

    def close(self) -> None:
        self._stop.set()


def build_site(app, n_users: int, n_items: int, n_pairs: int, seed: int) -> int:
    """Accounts, profiles, titles and the synthetic event log; returns the event count."""
    from sqlalchemy import insert

    from webapp.extensions import db
    from webapp.models import Account, Event, Profile, Title

    inter, _ = generate(n_users, n_items, n_pairs, seed=seed)
    rng = np.random.default_rng(seed)
    with app.app_context():
        db.session.execute(
            insert(Account),
            [
                {"id": a + 1, "email": f"b{a}@bench.local", "password_hash": "x"}
                for a in range(n_users // 5 + 1)
            ],
        )
        db.session.execute(
            insert(Profile),
            [{"id": u + 1, "account_id": u // 5 + 1, "name": f"p{u}"} for u in range(n_users)],
        )
        db.session.execute(
            insert(Title),
            [
                {"id": i + 1, "kind": "film", "name": f"Title {i}", "slug": f"title-{i}"}
                for i in range(n_items)
            ],
        )
        db.session.commit()
        # Pairs spread over the last 180 days; events of a pair minutes apart.
        end = datetime(2026, 12, 1)
        start_s = rng.uniform(0, 180 * 86400, len(inter))
        order = np.argsort(-start_s)
        n_events = 0
        batch = []
        for k in order.tolist():
            u, i = int(inter.user_ids[k]) + 1, int(inter.item_ids[k]) + 1
            at = end - timedelta(seconds=float(start_s[k]))
            r = rng.random()
            rows = [("play_start", 0.0, at)]
            if r < 0.6:
                rows.append(("complete", 6000.0, at + timedelta(minutes=100)))
            else:
                rows.append(("heartbeat", float(r * 6000), at + timedelta(minutes=r * 100)))
            if r < 0.15 or r > 0.95:
                rows.append(("rate", float(rng.choice([-1, 1, 2])), at + timedelta(minutes=101)))
            for kind, value, moment in rows:
                batch.append(
                    {
                        "profile_id": u,
                        "title_id": i,
                        "type": kind,
                        "value": value,
                        "duration": 6000.0,
                        "occurred_at": moment,
                    }
                )
            if len(batch) >= 100_000:
                db.session.execute(insert(Event), batch)
                n_events += len(batch)
                batch = []
        if batch:
            db.session.execute(insert(Event), batch)
            n_events += len(batch)
        db.session.commit()
    return n_events


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=None, help="default: pairs / 50")
    parser.add_argument("--items", type=int, default=2_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="2g")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temporary folder")
    args = parser.parse_args(argv)
    n_users = args.users or max(100, args.pairs // 50)

    from flask_migrate import upgrade

    from recommender import HybridRecommender
    from webapp import create_app
    from webapp.activity.parquet_log.export import export_events
    from webapp.activity.parquet_log.manifest import manifest_files, read_manifest
    from webapp.config import Config
    from webapp.recommendations.feedback import training_feedback
    from webapp.recommendations.spark_engine import SparkEngine, start_session
    from webapp.recommendations.training import site_defaults

    work = Path(args.workdir or tempfile.mkdtemp(prefix="marquee-spark-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    config = type(
        "BenchConfig",
        (Config,),
        {
            "INSTANCE_PATH": work,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'marquee.db'}",
            "SECRET_KEY": "bench",
            "MODEL_DIR": work / "models",
        },
    )
    app = create_app(config)
    stages = Stages()
    out: dict = {
        "pairs": args.pairs,
        "users": n_users,
        "items": args.items,
        "master": args.master,
        "cpus": os.cpu_count(),
    }
    try:
        with app.app_context():
            upgrade()
        print(f"building a site of {args.pairs:,} pairs in {work}", flush=True)
        out["events"] = n_events = build_site(app, n_users, args.items, args.pairs, args.seed)
        export_dir = work / "events"
        now = datetime(2026, 12, 2)
        params = site_defaults()
        with app.app_context():
            print("export", flush=True)
            summary = stages.run("export", export_events, export_dir)
            stages.run("export: rerun, nothing new", export_events, export_dir)
            files = manifest_files(export_dir, read_manifest(export_dir))
            size = sum(p.stat().st_size for p in files)
            out["export"] = {
                "events_per_second": round(n_events / stages.results["export"]["seconds"]),
                "parquet_bytes": size,
                "parquet_mib_per_million_events": round(size / 2**20 / (n_events / 1e6), 1),
                "files": len(files),
                "rows": summary.rows_total,
            }

            print("in-process training", flush=True)
            inter = stages.run("embedded: feedback from the database", training_feedback, now)
            model = stages.run(
                "embedded: fit", lambda: HybridRecommender(**params).fit(inter, None)
            )
            local_b = model.B
            del model

            print(f"Spark training ({args.master})", flush=True)
            spark = stages.run(
                "spark: session start",
                start_session,
                args.master,
                driver_memory=args.driver_memory,
                shuffle_partitions=4,
            )
            engine = SparkEngine(export_dir, spark=spark)
            remote = stages.run("spark: feedback over the export", engine.feedback, now)
            fit_inputs = stages.run(
                "spark: popularity and Gram matrix", engine.fit_inputs, remote, None, params
            )
            model = stages.run(
                "spark: fit on the driver from the Gram matrix",
                lambda: HybridRecommender(**params).fit(remote, None, **fit_inputs),
            )
            out["max_abs_B_difference"] = float(np.abs(model.B - local_b).max())
            out["max_abs_B"] = float(np.abs(local_b).max())
            spark.stop()
    finally:
        stages.close()
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    out["stages"] = stages.results
    text = json.dumps(out, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return out


if __name__ == "__main__":
    main()
