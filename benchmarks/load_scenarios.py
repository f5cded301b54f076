"""What happens to the server while the viewers load it: nothing, a killed worker, a retrain.

Each action runs in the driver process from the moment the viewers start,
returns when the load should stop, and says what it did; `settle` then reads
the server's log for what only the server knows (which workers loaded which
model, and when).
"""

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.load_server import ROOT, Server
from recommender.artifacts import list_versions

# After the new model lands the load goes on this long, so that every worker
# (each looks for a newer model every 5 s) is seen serving it.
SETTLE_SECONDS = 15.0
# Training runs as long as it needs; past this the run is called a failure.
RETRAIN_LIMIT = 600.0
SERVING_LINE = "serving recommender model "


def _wait_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.time()))


def steady(server: Server, seconds: float, began: float) -> dict:
    _wait_until(began + seconds)
    return {}


def kill_worker(server: Server, seconds: float, began: float) -> dict:
    """SIGKILL one worker half way; watch the master fork its replacement."""
    _wait_until(began + seconds / 2)
    before = server.worker_pids()
    victim = random.Random(len(before)).choice(before)
    killed_at = time.time()
    os.kill(victim, signal.SIGKILL)
    replaced_at, after = None, before
    while time.time() < began + seconds:
        after = server.worker_pids()
        if victim not in after and len(after) == server.workers:
            replaced_at = time.time()
            break
        time.sleep(0.02)
    _wait_until(began + seconds)
    return {
        "victim": victim,
        "killed_at": killed_at,
        "replaced_at": replaced_at,
        "new": sorted(set(after) - set(before)),
    }


def retrain(server: Server, seconds: float, began: float) -> dict:
    """The admin page's training command on the same database, while the site serves."""
    _wait_until(began + min(5.0, seconds / 10))
    model_dir = server.site.model_dir
    old = {p.name for p in list_versions(model_dir)}
    started = time.time()
    with (server.site.instance / "train.log").open("wb") as log:
        proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "recommender", "train"],
            cwd=ROOT,
            env=server.site.env(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        landed, version, done = None, None, None
        while time.time() < began + seconds + RETRAIN_LIMIT:
            if landed is None:
                new = [p.name for p in list_versions(model_dir) if p.name not in old]
                if new:
                    landed, version = time.time(), new[0]
            if done is None and proc.poll() is not None:
                done = time.time()
            settled = landed is None or time.time() >= landed + SETTLE_SECONDS
            if done is not None and settled and time.time() >= began + seconds:
                break
            time.sleep(0.1)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return {
        "started": started,
        "landed": landed,
        "version": version,
        "done": done,
        "returncode": proc.returncode,
    }


ACTIONS = {"load": steady, "kill": kill_worker, "retrain": retrain}


def log_times(server: Server, message: str) -> list[float]:
    """Epoch times of the app's JSON log records whose message starts with message."""
    times = []
    for line in server.log_path.read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if str(entry.get("message", "")).startswith(message):
            stamp = datetime.strptime(entry["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
            times.append(stamp.timestamp())
    return sorted(times)


def settle(scenario: str, server: Server, extra: dict) -> list[str]:
    """Add what the server log says to extra; return the log's unexpected error lines."""
    trouble = server.trouble()
    if scenario == "kill":
        # The master reports the kill itself as an error: that one is expected.
        trouble = [x for x in trouble if f"(pid:{extra['victim']}) was sent SIGKILL" not in x]
        # A worker logs the model it serves on its first page: after the kill, the replacement.
        extra["first_page_after_kill"] = next(
            (t for t in log_times(server, SERVING_LINE) if t > extra["killed_at"]), None
        )
    if scenario == "retrain" and extra["version"]:
        extra["switched"] = log_times(server, SERVING_LINE + extra["version"])
    return trouble
