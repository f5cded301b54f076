"""Background jobs: work that outlasts a request, with its progress kept where pages read it.

The one runner for background work. A job is a function `work(report)` and a
record in the database that stores the job's state: its row of `jobs`
(`NamedJob`), the one status record of training, the insights refresh and
each transcode (whose row also names its media asset). The runner claims
the record first, so two gunicorn workers never run the same job; passes
`report(stage, fraction)`,
which the record stores at most every REPORT_INTERVAL seconds, so a chatty
encoder does not hammer the database; and ends with the record marked done
(with the one-line summary `work` returns), or failed with one line saying why.

`run` works in the calling thread (the CLI); `start` in a daemon thread of
this process, with its own app context and database session; `spawn` asks
for a named job and starts a command that runs it in a child process (the
command calls `run` with `NamedJob(name)`). Heavy work belongs in a child
process (training, ffmpeg for media), so a web worker spends no CPU on it. A
worker that dies takes its threads along; the record's heartbeat going stale
tells readers the job was cut off.
"""

import errno
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

import click
from flask import Flask, current_app
from sqlalchemy import and_, not_, or_, select, update
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import Job
from webapp.models.base import utcnow

log = logging.getLogger(__name__)

REPORT_INTERVAL = 1.0
# A job that is alive writes at least this often, even while its percentage stands still ...
HEARTBEAT_SECONDS = 60
# ... so a running job whose record has not heard from it for this long was cut off.
STALE_AFTER_SECONDS = 300
DISK_FULL = "The disk is full: free space where Marquee keeps its files, then try again."
UNEXPECTED = "Something went wrong (the server log has the details)."
INTERRUPTED = "The job was cut off (its process stopped); start it again."

Report = Callable[[str, float], None]
Work = Callable[[Report], str | None]


class JobFailed(Exception):
    """Work stopped for a reason worth telling whoever started it, in one line."""


class JobRecord(Protocol):
    """Where a job's state lives; each method commits on its own."""

    def claim(self) -> bool:
        """Mark the job running; False when it is not waiting to run (another took it)."""

    def progress(self, stage: str, percent: int) -> None: ...

    def succeed(self, summary: str | None = None) -> None: ...

    def fail(self, reason: str) -> None: ...


def reason_for(error: BaseException) -> str:
    """The one line a failed job records."""
    if isinstance(error, JobFailed):
        return str(error).splitlines()[0] if str(error) else UNEXPECTED
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return DISK_FULL
    return UNEXPECTED


def run(record: JobRecord, work: Work) -> str | None:
    """Claim and run a job here; None when it succeeded, else why it failed (or was not run)."""
    if not record.claim():
        return "This job is already running or finished."
    last = {"stage": "starting", "percent": 0, "at": time.monotonic()}
    writing = threading.Lock()

    def report(stage: str, fraction: float) -> None:
        percent = max(0, min(100, int(fraction * 100)))
        now = time.monotonic()
        # A new stage is always written; progress within a stage at most every interval.
        moved = percent != last["percent"] and now - last["at"] >= REPORT_INTERVAL
        if stage != last["stage"] or moved:
            with writing:
                record.progress(stage, percent)
                last.update(stage=stage, percent=percent, at=now)

    stop = threading.Event()
    beat = _heartbeat(current_app._get_current_object(), record, last, writing, stop)
    try:
        summary = work(report)
    except Exception as error:
        stop.set()
        beat.join()
        db.session.rollback()
        if not isinstance(error, JobFailed):
            log.exception("background job failed")
        reason = reason_for(error)
        record.fail(reason)
        return reason
    stop.set()
    beat.join()
    record.succeed(summary)
    return None


def _heartbeat(app: Flask, record: JobRecord, last: dict, writing, stop) -> threading.Thread:
    """A thread that writes the last report again when work has been silent for a while.

    A long step (one big matrix solve) reports nothing, yet the job is alive:
    readers must not take it for cut off.
    """

    def beat() -> None:
        with app.app_context():
            try:
                while not stop.wait(HEARTBEAT_SECONDS / 4):
                    with writing:
                        if time.monotonic() - last["at"] >= HEARTBEAT_SECONDS:
                            record.progress(last["stage"], last["percent"])
                            last["at"] = time.monotonic()
            except Exception:
                log.exception("job heartbeat failed")
            finally:
                db.session.remove()

    thread = threading.Thread(target=beat, name="job-heartbeat", daemon=True)
    thread.start()
    return thread


_threads: set[threading.Thread] = set()
_threads_lock = threading.Lock()


def start(
    app: Flask, name: str, make_job: Callable[[], tuple[JobRecord, Work]]
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


class NamedJob:
    """The record of a job known by name: its row of `jobs`, shared by every worker.

    `request` marks the job queued unless a live run holds it; `claim` moves
    it from queued to running. Both are one conditional UPDATE, so of two
    workers (or a worker and a terminal) asking at once, one wins.
    """

    def __init__(self, name: str):
        self.name = name

    def queued_row(self, **columns) -> Job:
        """A new row for this job, queued; the caller adds it in its own transaction."""
        return Job(
            name=self.name,
            state="queued",
            stage="waiting to start",
            percent=0,
            started_at=utcnow(),
            updated_at=utcnow(),
            **columns,
        )

    def _set(self, *where, **values) -> int:
        result = db.session.execute(
            update(Job).where(Job.name == self.name, *where).values(updated_at=utcnow(), **values)
        )
        db.session.commit()
        return result.rowcount

    def request(self, due_before: datetime | None = None) -> bool:
        """Queue the job; False when a run is queued or running (and not cut off).

        With `due_before`, only when the last run started before it (or never
        ran): a schedule's run, started once however many workers ask.
        """
        if db.session.get(Job, self.name) is None:
            db.session.add(Job(name=self.name, state="idle", stage="", percent=0))
            try:
                db.session.commit()
            except IntegrityError:  # another worker made the row first
                db.session.rollback()
        alive = and_(Job.state.in_(("queued", "running")), Job.updated_at >= _stale_before())
        due = [] if due_before is None else [_started_before(due_before)]
        return (
            self._set(
                not_(alive),
                *due,
                state="queued",
                stage="waiting to start",
                percent=0,
                error=None,
                started_at=utcnow(),
                finished_at=None,
            )
            == 1
        )

    def claim(self) -> bool:
        return self._set(Job.state == "queued", state="running", stage="starting") == 1

    def progress(self, stage: str, percent: int) -> None:
        self._set(Job.state == "running", stage=stage[:40], percent=percent)

    def succeed(self, summary: str | None = None) -> None:
        values = {"summary": summary[:300]} if summary else {}
        self._set(state="done", stage="done", percent=100, finished_at=utcnow(), **values)

    def fail(self, reason: str) -> None:
        self._set(state="failed", error=reason[:300], finished_at=utcnow())


def _stale_before() -> datetime:
    return utcnow() - timedelta(seconds=STALE_AFTER_SECONDS)


def _started_before(moment: datetime):
    return or_(Job.started_at.is_(None), Job.started_at < moment)


@dataclass(frozen=True)
class JobStatus:
    """A named job as pages show it: state, stage, percentage, and one line of outcome."""

    name: str
    state: str  # idle, queued, running, done or failed
    stage: str = ""
    percent: int = 0
    error: str | None = None
    summary: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def running(self) -> bool:
        return self.state in ("queued", "running")


def status(name: str, interrupted: str = INTERRUPTED) -> JobStatus:
    """The named job's status; a run long silent was cut off and reads as failed (`interrupted`)."""
    job = db.session.get(Job, name, populate_existing=True)
    if job is None:
        return JobStatus(name, "idle")
    state, error = job.state, job.error
    if state in ("queued", "running") and job.updated_at < _stale_before():
        state, error = "failed", interrupted
    return JobStatus(
        name,
        state,
        job.stage,
        job.percent,
        error,
        job.summary,
        job.started_at,
        job.finished_at,
        updated_at=job.updated_at,
    )


def start_named(app: Flask, name: str, work: Work) -> threading.Thread | None:
    """Run a named job in a daemon thread; None when a run is already going anywhere."""
    record = NamedJob(name)
    if not record.request():
        return None
    return start(app, name, lambda: (record, work))


def spawn(name: str, command: list[str], due_before: datetime | None = None, **popen) -> bool:
    """Queue a named job and start `command`, a child process that runs it; False if one is going.

    The child must claim the queued record (see `NamedJob`); it outlives this
    worker (a session of its own) and is reaped by a thread when it ends.
    `due_before`: start only a run that is due (see `NamedJob.request`).
    """
    record = NamedJob(name)
    if not record.request(due_before):
        return False
    try:
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True, **popen)
    except OSError as error:
        log.exception("could not start job %s", name)
        record.fail(f"Could not start {command[0]}: {error.strerror or error}.")
        return True
    threading.Thread(target=child.wait, name=f"reap-{name}", daemon=True).start()
    return True


def spawn_flask(name: str, arguments: list[str], due_before: datetime | None = None) -> bool:
    """`spawn` a `flask --app wsgi ARGUMENTS` child on this app's database and folders.

    The child reads its settings from the environment as any command does;
    the app's own values are passed along, so it works on the same database,
    model and report folders even when they were set in code (tests, overrides).
    """
    config = current_app.config
    env = dict(os.environ)
    env["DATABASE_URL"] = config["SQLALCHEMY_DATABASE_URI"]
    env["MARQUEE_MODEL_DIR"] = str(config["MODEL_DIR"])
    env["MARQUEE_MODEL_KEEP_VERSIONS"] = str(config["MODEL_KEEP_VERSIONS"])
    env["MARQUEE_INSTANCE_PATH"] = current_app.instance_path
    if config.get("INSIGHTS_CACHE_DIR"):
        env["MARQUEE_INSIGHTS_CACHE_DIR"] = str(config["INSIGHTS_CACHE_DIR"])
    if config.get("SECRET_KEY"):
        env["SECRET_KEY"] = config["SECRET_KEY"]
    flask = Path(sys.executable).with_name("flask")
    # Its log lines join this process's (stderr); its progress goes to the job's row.
    return spawn(
        name,
        [str(flask), "--app", "wsgi", *arguments],
        due_before,
        cwd=Path(current_app.root_path).parent,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def all_statuses() -> list[JobStatus]:
    """Every named job that has a record, by name (for `flask jobs status`)."""
    names = db.session.scalars(select(Job.name).order_by(Job.name)).all()
    return [status(name) for name in names]


class StageLines:
    """A command's report: one line per finished stage, with how long it took."""

    def __init__(self):
        self.stage, self.began = None, time.monotonic()

    def __call__(self, stage: str, fraction: float) -> None:
        if stage != self.stage:
            self.close()
            self.stage, self.began = stage, time.monotonic()

    def close(self) -> None:
        if self.stage is not None:
            click.echo(f"  {self.stage}: {time.monotonic() - self.began:.1f} s")
        self.stage = None
