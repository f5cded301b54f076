"""`flask --app wsgi jobs status`: every background job's state, from the job runner's records.

What the admin pages show for one job, for all of them in a terminal: state,
stage, percentage, how long ago it started or ended, its one-line outcome,
and when the site's schedule (webapp.schedule) starts it next. Jobs start
from their own commands (`recommender train --background`, `admin
insights-refresh --background`), each through the job runner.
"""

from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from webapp import jobs
from webapp.models.base import utcnow
from webapp.schedule import SCHEDULE

jobs_cli = AppGroup("jobs", help="Follow the background jobs (training, insights refresh).")


def _ago(moment: datetime, now: datetime) -> str:
    return f"{_span((now - moment).total_seconds())} ago"


def _span(seconds: float) -> str:
    """A duration as people say it: 40 s, 12 min, 3 h 05 min, 2 d 4 h."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
    return f"{seconds // 86400} d {seconds % 86400 // 3600} h"


def describe(job: jobs.JobStatus, now: datetime) -> str:
    """One line: name, state, stage and percentage, age, outcome."""
    head = f"{job.name:<18} {job.state:<8}"
    if job.running:
        since = f", started {_ago(job.started_at, now)}" if job.started_at else ""
        heard = f", last heard {_ago(job.updated_at, now)}" if job.updated_at else ""
        return f"{head} {job.stage} ({job.percent} %){since}{heard}"
    ended = f" {_ago(job.finished_at, now)}" if job.finished_at else ""
    if job.state == "failed":
        return f"{head}{ended}: {job.error}"
    if job.state == "done":
        return f"{head}{ended}: {job.summary or 'done'}"
    return f"{head} never run"


def next_run(name: str, job: jobs.JobStatus | None, now: datetime) -> str:
    """When the site's schedule starts the job next, in words."""
    scheduled = next((s for s in SCHEDULE if s.name == name), None)
    if scheduled is None:
        return "not scheduled"
    every = current_app.config[scheduled.setting]
    if every <= 0:
        return f"not scheduled ({scheduled.setting} is 0)"
    if job is None or job.started_at is None:
        return f"every {_span(every)}; due now"
    due = job.started_at + timedelta(seconds=every)
    when = "due now" if due <= now else f"next in {_span((due - now).total_seconds())}"
    return f"every {_span(every)}; {when}"


@jobs_cli.command("status")
def status_command() -> None:
    """List every background job: state, stage, percentage, age and outcome."""
    now = utcnow()
    known = {job.name: job for job in jobs.all_statuses()}
    names = sorted({*known, *(s.name for s in SCHEDULE)})
    for name in names:
        job = known.get(name) or jobs.JobStatus(name, "idle")
        click.echo(f"{describe(job, now)}  [{next_run(name, known.get(name), now)}]")
