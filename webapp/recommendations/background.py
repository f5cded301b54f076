"""Training in the background from the admin page: one run at a time, shared by all workers.

The run is a separate process (`flask --app wsgi recommender train`), so a
slow fit never holds a web worker, and a lock file in the instance folder
tells every worker whether one is running. Pages keep serving the last good
model and switch to the new one when it appears.
"""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

LOCK = "training.lock"
LOG = "training.log"
# Runs started by this process, kept so that they are reaped when they end.
_children: dict[int, subprocess.Popen] = {}


@dataclass
class TrainingStatus:
    running: bool
    started_at: float | None
    log_tail: str
    error: str | None = None  # why the last run failed, as the command reported it


def _paths() -> tuple[Path, Path]:
    instance = Path(current_app.instance_path)
    return instance / LOCK, instance / LOG


def _alive(pid: int) -> bool:
    child = _children.get(pid)
    if child is not None:
        if child.poll() is None:
            return True
        del _children[pid]
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def status() -> TrainingStatus:
    lock, log = _paths()
    running, started = False, None
    if lock.exists():
        try:
            pid_text, started_text = lock.read_text().split()
            running = _alive(int(pid_text))
            started = float(started_text)
        except (OSError, ValueError):
            running = False
        if not running:
            lock.unlink(missing_ok=True)
    tail = ""
    if log.exists():
        # The progress bar redraws with carriage returns; keep the last state of each line.
        lines = [line.split("\r")[-1] for line in log.read_text(errors="replace").splitlines()]
        tail = "\n".join(line for line in lines if line.strip())[-2000:]
    return TrainingStatus(running, started, tail, None if running else _failure(tail))


def _failure(log_tail: str) -> str | None:
    """The command's one-line "Error: ..." when that is how the last run ended."""
    last = log_tail.rstrip().rpartition("\n")[2]
    return last.removeprefix("Error: ") if last.startswith("Error: ") else None


def start() -> bool:
    """Start a run unless one is going; True when this call started it."""
    lock, log = _paths()
    if status().running:
        return False
    env = dict(os.environ)
    env["DATABASE_URL"] = current_app.config["SQLALCHEMY_DATABASE_URI"]
    env["MARQUEE_MODEL_DIR"] = str(current_app.config["MODEL_DIR"])
    env["MARQUEE_INSTANCE_PATH"] = current_app.instance_path
    if current_app.config.get("SECRET_KEY"):
        env["SECRET_KEY"] = current_app.config["SECRET_KEY"]
    flask = Path(sys.executable).with_name("flask")
    command = [str(flask), "--app", "wsgi", "recommender", "train"]
    root = Path(current_app.root_path).parent
    with open(log, "w") as out:
        proc = subprocess.Popen(
            command,
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    _children[proc.pid] = proc
    lock.write_text(f"{proc.pid} {time.time()}")
    return True
