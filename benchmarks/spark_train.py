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

With ``--log parquet`` the synthetic log is written straight into Parquet
files of the export's schema (one folder a day) instead of being exported
from the database: the export's own rate is measured on the smaller log, and
exporting 10^8 events would take the benchmark's whole time. The database is
still written when the in-process trainer runs (it reads the log from there).
``--embedded-fit-only`` fits the in-process trainer on the feedback Spark
computed (it would not read 10^8 events from the database in memory), under
a memory limit, and reports what happens.

Usage::

    python benchmarks/spark_train.py                       # 1,000,000 pairs
    python benchmarks/spark_train.py --log parquet --pairs 10000000 --users 100000 --items 20000
    python benchmarks/spark_train.py --log parquet --pairs 100000000 --users 300000 \
        --items 20000 --no-embedded --embedded-fit-only --partitions 16 --driver-memory 10g
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synthetic_log import synthetic_events, write_parquet, write_site

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

    def __init__(self, after=None):
        self.after = after  # called after each stage (the figures so far saved)
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
        if self.after:
            self.after()
        return value

    def close(self) -> None:
        self._stop.set()


def task_times(spark) -> list[dict]:
    """Each finished Spark stage's tasks (one a partition): count, total and slowest run time.

    Read from the application's monitoring API (the UI the benchmark turns on).
    """
    from urllib.request import urlopen

    base = f"{spark.sparkContext.uiWebUrl}/api/v1/applications/{spark.sparkContext.applicationId}"
    with urlopen(f"{base}/stages?status=complete") as answer:
        stages = json.load(answer)
    out = []
    for stage in sorted(stages, key=lambda s: s["stageId"]):
        url = f"{base}/stages/{stage['stageId']}/{stage['attemptId']}/taskSummary?quantiles=0.5,1.0"
        with urlopen(url) as answer:
            run = json.load(answer)["executorRunTime"]
        out.append(
            {
                "stage": stage["stageId"],
                "part": stage.get("description", ""),
                "name": stage["name"].split(" at ")[0],
                "tasks": stage["numTasks"],
                "run_seconds": round(stage["executorRunTime"] / 1000, 1),
                "median_task_seconds": round(run[0] / 1000, 2),
                "slowest_task_seconds": round(run[1] / 1000, 2),
                "input_mib": round(stage.get("inputBytes", 0) / 2**20, 1),
                "shuffle_write_mib": round(stage.get("shuffleWriteBytes", 0) / 2**20, 1),
            }
        )
    return out


def embedded_fit_limited(inter, params: dict, limit_gib: float) -> str:
    """The in-process fit of the given feedback under an address-space limit: what happens."""
    from recommender import HybridRecommender

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (int(limit_gib * 2**30), hard))
    try:
        HybridRecommender(**params).fit(inter, None)
        return "fitted"
    except MemoryError:
        return f"MemoryError under a {limit_gib:g} GiB limit"
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=None, help="default: pairs / 50")
    parser.add_argument("--items", type=int, default=2_000)
    parser.add_argument("--log", choices=["database", "parquet"], default="database")
    parser.add_argument("--no-embedded", dest="embedded", action="store_false")
    parser.add_argument("--embedded-fit-only", action="store_true")
    parser.add_argument("--memory-limit-gib", type=float, default=20.0)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="2g")
    parser.add_argument("--partitions", type=int, default=4)
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
    out: dict = {
        "pairs": args.pairs,
        "users": n_users,
        "items": args.items,
        "log": args.log,
        "master": args.master,
        "partitions": args.partitions,
        "cpus": os.cpu_count(),
    }
    export_dir = work / "events"
    now = datetime(2026, 12, 2)
    params = site_defaults()

    def report() -> None:
        out["stages"] = stages.results
        if args.out:
            args.out.write_text(json.dumps(out, indent=2) + "\n")

    stages = Stages(after=report)

    try:
        with app.app_context():
            upgrade()
        print(f"a log of {args.pairs:,} pairs in {work}", flush=True)
        events = stages.run(
            "synthetic log", synthetic_events, n_users, args.items, args.pairs, args.seed
        )
        out["events"] = n_events = len(events["at"])
        if args.log == "database" or args.embedded:
            stages.run("write the database", write_site, app, events, n_users, args.items)
        if args.log == "parquet":
            paths = stages.run("write the Parquet log", write_parquet, export_dir, events)
        del events
        with app.app_context():
            if args.log == "database":
                summary = stages.run("export", export_events, export_dir)
                stages.run("export: rerun, nothing new", export_events, export_dir)
                paths = manifest_files(export_dir, read_manifest(export_dir))
                out["export"] = {
                    "events_per_second": round(n_events / stages.results["export"]["seconds"]),
                    "files": len(paths),
                    "rows": summary.rows_total,
                }
            size = sum(p.stat().st_size for p in paths)
            out["parquet"] = {
                "bytes": size,
                "mib_per_million_events": round(size / 2**20 / (n_events / 1e6), 1),
                "files": len(paths),
            }

            local_b = None
            if args.embedded:
                print("in-process training", flush=True)
                inter = stages.run("embedded: feedback from the database", training_feedback, now)
                model = stages.run("embedded: fit", HybridRecommender(**params).fit, inter, None)
                local_b = model.B
                del model, inter

            print(f"Spark training ({args.master})", flush=True)
            spark = stages.run(
                "spark: session start",
                start_session,
                args.master,
                driver_memory=args.driver_memory,
                shuffle_partitions=args.partitions,
                conf={
                    "spark.ui.enabled": "true",
                    "spark.ui.port": "4077",
                    # A run may be paused (SIGSTOP) while the machine is needed for another
                    # measurement: no heartbeat may time out meanwhile.
                    "spark.network.timeout": "7200s",
                    "spark.executor.heartbeatInterval": "600s",
                },
            )
            engine = SparkEngine(export_dir, spark=spark)

            def on_spark(name, fn, *a, **kw):
                spark.sparkContext.setJobDescription(name)  # names its stages in task_times
                return stages.run(name, fn, *a, **kw)

            remote = on_spark("spark: feedback over the log", engine.feedback_of, paths, now)
            out["feedback_pairs"] = len(remote)
            # The rows a self-join of each profile's titles would make (the Gram's old way).
            out["self_join_rows"] = int((np.bincount(remote.user_ids).astype(np.int64) ** 2).sum())
            fit_inputs = on_spark(
                "spark: popularity and Gram matrix", engine.fit_inputs, remote, None, params
            )
            # What follows runs on the driver alone: Spark's memory is given back first.
            out["spark_tasks"] = task_times(spark)
            spark.stop()
            model = stages.run(
                "spark: fit on the driver from the Gram matrix",
                HybridRecommender(**params).fit,
                remote,
                None,
                **fit_inputs,
            )
            if local_b is not None:
                out["max_abs_B_difference"] = float(np.abs(model.B - local_b).max())
                out["max_abs_B"] = float(np.abs(local_b).max())
            del model, fit_inputs
            if args.embedded_fit_only:
                print("in-process fit of the same feedback, memory limited", flush=True)
                out["embedded_fit"] = stages.run(
                    "embedded: fit of Spark's feedback",
                    embedded_fit_limited,
                    remote,
                    params,
                    args.memory_limit_gib,
                )
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
