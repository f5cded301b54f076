"""Background jobs: work that outlasts a request, with its progress kept where pages read it.

The one runner for background work. A job is a function `work(report)` and a
record that stores the job's state (for media, a row of media_assets). The
runner claims the record first, so two gunicorn workers never run the same
job; passes `report(stage, fraction)`, which the record stores at most every
REPORT_INTERVAL seconds, so a chatty encoder does not hammer the database;
and ends with the record marked done, or failed with one line saying why.

`run` works in the calling thread (the CLI); `start` in a daemon thread of
this process, with its own app context and database session. Heavy work
belongs in a child process (ffmpeg, for media), so the thread costs a web
worker no CPU. A worker that dies takes its threads along; the record's
heartbeat (its last report) going stale tells readers the job was cut off.
"""

import errno
import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from flask import Flask

from webapp.extensions import db

log = logging.getLogger(__name__)

REPORT_INTERVAL = 1.0
# A job that is alive writes at least this often, even while its percentage stands still ...
HEARTBEAT_SECONDS = 60
# ... so a running job whose record has not heard from it for this long was cut off.
STALE_AFTER_SECONDS = 300
DISK_FULL = "The disk is full: free space where Marquee keeps its files, then try again."
UNEXPECTED = "Something went wrong (the server log has the details)."

Report = Callable[[str, float], None]


class JobFailed(Exception):
    """Work stopped for a reason worth telling whoever started it, in one line."""


class JobRecord(Protocol):
    """Where a job's state lives; each method commits on its own."""

    def claim(self) -> bool:
        """Mark the job running; False when it is not waiting to run (another took it)."""

    def progress(self, stage: str, percent: int) -> None: ...

    def succeed(self) -> None: ...

    def fail(self, reason: str) -> None: ...


def reason_for(error: BaseException) -> str:
    """The one line a failed job records."""
    if isinstance(error, JobFailed):
        return str(error).splitlines()[0] if str(error) else UNEXPECTED
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return DISK_FULL
    return UNEXPECTED


def run(record: JobRecord, work: Callable[[Report], None]) -> str | None:
    """Claim and run a job here; None when it succeeded, else why it failed (or was not run)."""
    if not record.claim():
        return "This job is already running or finished."
    last = {"stage": None, "percent": -1, "at": 0.0}

    def report(stage: str, fraction: float) -> None:
        percent = max(0, min(100, int(fraction * 100)))
        now = time.monotonic()
        # A new stage is always written; progress within a stage at most every interval.
        since = now - last["at"]
        moved = percent != last["percent"] and since >= REPORT_INTERVAL
        if stage != last["stage"] or moved or since >= HEARTBEAT_SECONDS:
            record.progress(stage, percent)
            last.update(stage=stage, percent=percent, at=now)

    try:
        work(report)
    except Exception as error:
        db.session.rollback()
        if not isinstance(error, JobFailed):
            log.exception("background job failed")
        reason = reason_for(error)
        record.fail(reason)
        return reason
    record.succeed()
    return None


_threads: set[threading.Thread] = set()
_threads_lock = threading.Lock()


def start(
    app: Flask, name: str, make_job: Callable[[], tuple[JobRecord, Callable[[Report], None]]]
) -> threading.Thread:
    """Run a job in a daemon thread; `make_job` builds its record and work inside the thread."""

    def target() -> None:
        try:
            with app.app_context():
                try:
                    run(*make_job())
                except Exception:
                    log.exception("background job %s could not run", name)
                finally:
                    db.session.remove()
        finally:
            with _threads_lock:
                _threads.discard(threading.current_thread())

    thread = threading.Thread(target=target, name=f"job-{name}", daemon=True)
    with _threads_lock:
        _threads.add(thread)
    thread.start()
    return thread


def active() -> list[threading.Thread]:
    """Jobs still running in this process (the CLI and tests wait for them)."""
    with _threads_lock:
        return list(_threads)
