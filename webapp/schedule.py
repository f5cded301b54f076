"""The site's own schedule: the insights refresh, and the retrain when set, start when due.

INSIGHTS_REFRESH_EVERY and MODEL_RETRAIN_EVERY say how often, in seconds (0:
never). The check runs in each gunicorn worker after a response has gone out
(the response's close callback, so no viewer waits for it), at most once every
CHECK_SECONDS per worker. Gunicorn's master was the other candidate, but it
does not load the app (no preload): a thread there would need an app and a
database connection of its own, on every host, and the hosts would still have
to agree through the database. The workers have both already, on every host.

A check reads the job's row (and the report cache's date); only a due job
costs one conditional UPDATE, which one asker wins however many workers on
however many hosts ask at once (`jobs.NamedJob.request` with `due_before`).
The work runs in a child process (`jobs.spawn_flask`), never in the worker. A
site that serves no requests checks nothing; one visit a minute is plenty.

gunicorn.conf.py turns the check on in each worker (`enable`): the site run as
a service. `flask run`, commands and tests schedule nothing unless they call
`enable` or `check`.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, Response, current_app

from webapp import jobs
from webapp.extensions import db
from webapp.insights import refresh
from webapp.models.base import utcnow
from webapp.recommendations import background

log = logging.getLogger(__name__)

KEY = "marquee.schedule"
# How often one worker looks: a due run starts at most this late.
CHECK_SECONDS = 60.0


@dataclass(frozen=True)
class Scheduled:
    """A named job the site starts on its own every `setting` seconds."""

    name: str
    setting: str
    # Starts a run in a child process unless one started after the moment given.
    start: Callable[[datetime], bool]
    # True when the work was done within the given seconds some other way.
    fresh: Callable[[float], bool] = lambda seconds: False


def _reports_fresh(seconds: float) -> bool:
    """The Refresh button or a command recomputed the reports recently enough."""
    return not refresh.is_stale(max_age=seconds)


SCHEDULE = (
    Scheduled(refresh.JOB, "INSIGHTS_REFRESH_EVERY", refresh.refresh_in_child, _reports_fresh),
    Scheduled(background.JOB, "MODEL_RETRAIN_EVERY", background.start),
)


def _due(job: Scheduled, now: datetime) -> datetime | None:
    """The moment before which the last run must have started for one to be due; None: not due."""
    every = current_app.config[job.setting]
    if every <= 0:
        return None
    due_before = now - timedelta(seconds=every)
    last = jobs.status(job.name)
    if last.running or (last.started_at is not None and last.started_at >= due_before):
        return None
    if job.fresh(every):
        return None
    return due_before


def check(app: Flask) -> list[str]:
    """Start every scheduled job that is due; the names of those this call started."""
    started = []
    with app.app_context():
        try:
            now = utcnow()
            for job in SCHEDULE:
                due_before = _due(job, now)
                if due_before is not None and job.start(due_before):
                    log.info("scheduled job %s started", job.name)
                    started.append(job.name)
        except Exception:
            log.exception("the scheduled jobs could not be checked")
            db.session.rollback()
        finally:
            db.session.remove()
    return started


class _Checker:
    """One worker's schedule: looks at most every CHECK_SECONDS, one request at a time."""

    def __init__(self, app: Flask):
        self.app, self.next_at, self.lock = app, 0.0, threading.Lock()

    def take_turn(self) -> bool:
        now = time.monotonic()
        with self.lock:
            if now < self.next_at:
                return False
            self.next_at = now + CHECK_SECONDS
            return True

    def __call__(self) -> None:
        check(self.app)


def enable(app: Flask) -> None:
    """Check the schedule after this app's responses (gunicorn.conf.py does, in each worker)."""
    app.extensions[KEY] = _Checker(app)


def _after_request(response: Response) -> Response:
    checker = current_app.extensions.get(KEY)
    if checker is not None and checker.take_turn():
        response.call_on_close(checker)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_after_request)
