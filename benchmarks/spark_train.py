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


TYPES = np.array(["play_start", "complete", "heartbeat", "rate"])
END = datetime(2026, 12, 1)


def synthetic_events(n_users: int, n_items: int, n_pairs: int, seed: int) -> dict:
    """The log of `generate`'s pairs, in time order (ids 1..N), as column arrays.

    Each pair is a start, then a complete (60 %) or a heartbeat part-way, and
    sometimes a rating; pairs spread over the last 180 days.
    """
    inter, _ = generate(n_users, n_items, n_pairs, seed=seed)
    rng = np.random.default_rng(seed)
    n = len(inter)
    users = inter.user_ids.astype(np.int32) + 1
    items = inter.item_ids.astype(np.int32) + 1
    del inter
    start = END.timestamp() - rng.uniform(0, 180 * 86400, n)
    r = rng.random(n)
    done = r < 0.6
    rated = (r < 0.15) | (r > 0.95)
    stars = rng.choice(np.array([-1.0, 1.0, 2.0]), n)[rated]
    second = np.where(done, 6000.0, r * 6000.0)
    events = {
        "profile_id": np.concatenate([users, users, users[rated]]),
        "title_id": np.concatenate([items, items, items[rated]]),
        "code": np.concatenate(
            [
                np.zeros(n, np.int8),
                np.where(done, 1, 2).astype(np.int8),
                np.full(len(stars), 3, np.int8),
            ]
        ),
        "value": np.concatenate([np.zeros(n), second, stars]),
        "at": np.concatenate([start, start + second, start[rated] + 101 * 60]),
    }
    del users, items, start, r, done, rated, stars, second
    order = np.argsort(events["at"], kind="stable")
    for key in events:
        events[key] = events[key][order]
    return events


def _stamps(at: np.ndarray) -> np.ndarray:
    return (at * 1e6).astype("datetime64[us]")


def write_site(app, events: dict, n_users: int, n_items: int, chunk: int = 500_000) -> None:
    """Accounts, profiles, titles, and the log through the database driver in chunks."""
    from sqlalchemy import insert

    from webapp.extensions import db
    from webapp.models import Account, Event, Profile, Title

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
        # Rows in time order land at random places of the three profile, title and type
        # indexes: build those after the rows, as a bulk load would, not row by row.
        indexes = [i for i in Event.__table__.indexes]
        for index in indexes:
            index.drop(db.engine)
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for lo in range(0, len(events["at"]), chunk):
                hi = min(lo + chunk, len(events["at"]))
                stamps = np.datetime_as_string(_stamps(events["at"][lo:hi]), unit="us")
                cursor.executemany(
                    "INSERT INTO events (id, profile_id, title_id, type, value, duration, "
                    "occurred_at) VALUES (?, ?, ?, ?, ?, 6000.0, ?)",
                    zip(
                        range(lo + 1, hi + 1),
                        events["profile_id"][lo:hi].tolist(),
                        events["title_id"][lo:hi].tolist(),
                        TYPES[events["code"][lo:hi]].tolist(),
                        events["value"][lo:hi].tolist(),
                        np.char.replace(stamps, "T", " ").tolist(),
                        strict=True,
                    ),
                )
            raw.commit()
        finally:
            raw.close()
        for index in indexes:
            index.create(db.engine)


def write_parquet(root: Path, events: dict) -> list[Path]:
    """The log as Parquet files of the export's schema, one folder a day."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from webapp.activity.parquet_log.parts import SCHEMA

    days = np.floor(events["at"] / 86400).astype(np.int64)
    bounds = np.flatnonzero(np.diff(days)) + 1
    paths = []
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(days)], strict=True):
        day = str(np.datetime64(int(days[lo]), "D"))
        columns = {
            "id": pa.array(np.arange(lo + 1, hi + 1, dtype=np.int64)),
            "profile_id": pa.array(events["profile_id"][lo:hi].astype(np.int64)),
            "title_id": pa.array(events["title_id"][lo:hi].astype(np.int64)),
            "type": pa.array(TYPES[events["code"][lo:hi]]),
            "value": pa.array(events["value"][lo:hi]),
            "duration": pa.array(np.full(hi - lo, 6000.0)),
            "occurred_at": pa.array(_stamps(events["at"][lo:hi])).cast(pa.timestamp("us", "UTC")),
        }
        table = pa.table(
            [columns.get(f.name, pa.nulls(hi - lo, f.type)) for f in SCHEMA], schema=SCHEMA
        )
        folder = root / f"dt={day}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / "part-00000.parquet", compression="zstd")
        paths.append(folder / "part-00000.parquet")
    return paths


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
    stages = Stages()
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
            report()

            local_b = None
            if args.embedded:
                print("in-process training", flush=True)
                inter = stages.run("embedded: feedback from the database", training_feedback, now)
                model = stages.run("embedded: fit", HybridRecommender(**params).fit, inter, None)
                local_b = model.B
                del model, inter
                report()

            print(f"Spark training ({args.master})", flush=True)
            spark = stages.run(
                "spark: session start",
                start_session,
                args.master,
                driver_memory=args.driver_memory,
                shuffle_partitions=args.partitions,
                conf={"spark.ui.enabled": "true", "spark.ui.port": "4077"},
            )
            engine = SparkEngine(export_dir, spark=spark)

            def on_spark(name, fn, *a, **kw):
                spark.sparkContext.setJobDescription(name)  # names its stages in task_times
                return stages.run(name, fn, *a, **kw)

            remote = on_spark("spark: feedback over the log", engine.feedback_of, paths, now)
            out["feedback_pairs"] = len(remote)
            fit_inputs = on_spark(
                "spark: popularity and Gram matrix", engine.fit_inputs, remote, None, params
            )
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
            out["spark_tasks"] = task_times(spark)
            spark.stop()
            report()
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
