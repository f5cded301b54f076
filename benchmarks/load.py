"""Load and faults: 32 simulated viewers against gunicorn, a worker killed, a retrain while serving.

For each database (SQLite file, PostgreSQL database marquee_bench_load) it
migrates, seeds the demo catalog and viewers, trains a first model, then runs
each scenario with a fresh gunicorn (gunicorn.conf.py, 4 sync workers) and
--clients viewer processes (benchmarks/load_viewer.py), each signed in to its
own account through the real forms:

- load: the viewers browse, play, rate and search for --seconds;
- kill: the same, and half way through one worker gets SIGKILL; the master
  must replace it and only the request it was serving may fail;
- retrain: the same, and `flask --app wsgi recommender train` runs against the
  same database and model directory; no request may fail, and pages must
  switch to the new model (the load goes on until training is done and the
  new version has been served for a while, however long that takes).

After each run every acknowledged event, rating and My List change is looked
up in the database (benchmarks/load_reconcile.py). The scenarios of one
backend share its database, one after the other.

    .venv/bin/python -m benchmarks.load [--seconds 60] [--clients 32]
        [--only sqlite|postgresql] [--scenario load|kill|retrain] [--no-write]

Figures go to benchmarks/RESULTS.md, section "Load and faults"; a missed
target makes the run fail after writing them.
"""

import argparse
import http.client
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.load_reconcile import reconcile
from benchmarks.load_report import missed_targets, render
from benchmarks.load_scenarios import ACTIONS, settle
from benchmarks.load_server import Server, Site, drop_postgres, prepare
from benchmarks.load_viewer import run_viewer

SCENARIOS = ("load", "kill", "retrain")
BACKENDS = ("sqlite", "postgresql")
SECTION = "Load and faults"
SUBSECTIONS = {
    "load": "Steady load",
    "kill": "A worker killed under load",
    "retrain": "Retraining while serving",
}


def _warm_up(server: Server, cookies: list[str]) -> None:
    """One home page per viewer before the clock starts, so that workers have their model."""
    for cookie in cookies:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        conn.request("GET", "/", headers={"Cookie": cookie})
        conn.getresponse().read()
        conn.close()


def _drive(server: Server, scenario: str, seconds: float, think: float) -> dict:
    """Viewers on, the scenario's action, viewers off; their tallies and the action's notes."""
    cookies = server.sign_in()
    _warm_up(server, cookies)
    since = datetime.now(UTC).replace(tzinfo=None)
    stop, out = mp.Event(), mp.Queue()
    procs = [
        mp.Process(
            target=run_viewer,
            args=(server.port, cookie, f"{scenario}-{i}", 1000 * i + 1, think, stop, out),
        )
        for i, cookie in enumerate(cookies)
    ]
    began = time.time()
    for proc in procs:
        proc.start()
    extra = ACTIONS[scenario](server, seconds, began)
    stop.set()
    tallies = [out.get() for _ in procs]
    ended = time.time()
    for proc in procs:
        proc.join()
    extra.update(workers=server.workers, workers_at_end=len(server.worker_pids()))
    return {"since": since, "began": began, "ended": ended, "tallies": tallies, "extra": extra}


def run_scenario(site: Site, scenario: str, seconds: float, think: float, workers: int) -> dict:
    server = Server(site, workers, scenario)
    try:
        server.wait_ready()
        run = _drive(server, scenario, seconds, think)
    finally:
        server.stop()
    profiles = {f"{scenario}-{i}": pid for i, (pid, _) in enumerate(site.viewers)}
    for tally in run["tallies"]:
        tally["profile_id"] = profiles[tally["name"]]
    trouble = settle(scenario, server, run["extra"])
    for line in trouble[:3]:
        print("server:", line[:4000], file=sys.stderr)
    return {
        **run,
        "backend": site.backend,
        "scenario": scenario,
        "check": reconcile(site.url, scenario, run["tallies"], run["since"]),
        "trouble": trouble,
        "load_average": os.getloadavg()[0],
    }


def _keep_logs(instance: Path, backend: str, target: Path | None) -> None:
    if target is None:
        return
    target.mkdir(parents=True, exist_ok=True)
    for log in instance.glob("*.log"):
        shutil.copy(log, target / f"{backend}-{log.name}")


def run_backend(backend: str, args, command: str) -> list[str]:
    """Every asked-for scenario on a fresh database; returns the targets missed."""
    instance = Path(tempfile.mkdtemp(prefix=f"marquee-load-{backend}-"))
    missed = []
    try:
        site = prepare(backend, instance, args.clients, args.profiles)
        for scenario in [args.scenario] if args.scenario else SCENARIOS:
            result = run_scenario(site, scenario, args.seconds, args.think, args.workers)
            body = render(result, command, 2 * args.think, args.profiles)
            print(body, flush=True)
            missed += missed_targets(result)
            if not args.no_write:
                from benchmarks.results_md import write_subsection

                write_subsection(SECTION, f"{SUBSECTIONS[scenario]} ({backend})", body)
    finally:
        _keep_logs(instance, backend, args.logs)
        shutil.rmtree(instance, ignore_errors=True)
        if backend == "postgresql":
            drop_postgres()
    return missed


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--think", type=float, default=0.25, help="mean pause between a viewer's steps, seconds"
    )
    parser.add_argument("--profiles", type=int, default=520, help="simulated profiles to seed")
    parser.add_argument("--only", choices=BACKENDS)
    parser.add_argument("--scenario", choices=SCENARIOS)
    parser.add_argument("--logs", type=Path, help="copy the server and training logs here")
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave RESULTS.md alone"
    )
    args = parser.parse_args(argv)
    given = sys.argv[1:] if argv is None else argv
    command = " ".join([".venv/bin/python -m benchmarks.load", *given])
    missed = []
    for backend in [args.only] if args.only else BACKENDS:
        missed += run_backend(backend, args, command)
    if missed:
        raise RuntimeError("targets missed: " + "; ".join(missed))


if __name__ == "__main__":
    main()
