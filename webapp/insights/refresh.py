"""Recompute every report from the log and put it in the report cache.

One LogView (WINDOW_DAYS ending at the newest event) is shared, so each
grouped query runs once per refresh. The admin pages read the cache only;
they call `ensure_computed`, which computes only when there is no cache yet
(inline for a small log; for a large one, the job runner's "insights-refresh"
job in a background thread, which every worker sees).
Reports older than INSIGHTS_MAX_AGE seconds (default 6 hours) are marked
stale on the pages. The site refreshes them every INSIGHTS_REFRESH_EVERY
seconds in a child process (`refresh_in_child`, started by webapp.schedule).
"""

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp import jobs
from webapp.extensions import db
from webapp.insights import cache
from webapp.insights.artwork_bandit import bandit_report
from webapp.insights.churn import churn_report
from webapp.insights.daypart_genres import served_context
from webapp.insights.demand import demand_report
from webapp.insights.engagement import engagement_report
from webapp.insights.experiments import experiment_report
from webapp.insights.exposure import exposure_report
from webapp.insights.logview import LogView, window_ending
from webapp.insights.offline import compare_calibration
from webapp.insights.quality import quality_report
from webapp.insights.segments import segment_report, store_assignment
from webapp.insights.supply import supply_report
from webapp.insights.trailer_report import trailer_report
from webapp.models import Event
from webapp.models.base import utcnow
from webapp.personalization.experiments import EXPERIMENTS

WINDOW_DAYS = 56
JOB = "insights-refresh"
REPORTS = (
    "demand",
    "supply",
    "segments",
    "artwork",
    "trailers",
    "engagement",
    "churn",
    "experiments",
    "exposure",
    "quality",
)


@dataclass
class RefreshSummary:
    computed_at: str
    start: str
    end: str
    seconds: dict[str, float]


def refresh_all(
    session: Session,
    end: datetime | None = None,
    days: int = WINDOW_DAYS,
    progress: jobs.Report | None = None,
) -> RefreshSummary:
    """Recompute and cache every report over the `days` days before `end` (default: the newest event).

    `progress(stage, fraction)` hears of each report as it starts (the job runner's report).
    """
    log = window_ending(session, days, end)
    seconds: dict[str, float] = {}
    stages = ("queries", *REPORTS[:-2], "calibration", *REPORTS[-2:])

    def timed(name, compute):
        if progress is not None:
            progress(name, stages.index(name) / len(stages))
        began = time.perf_counter()
        result = compute()
        seconds[name] = round(time.perf_counter() - began, 3)
        return result

    timed("queries", lambda: _warm(log))
    timed("demand", lambda: cache.store("demand", demand_report(log)))
    timed("supply", lambda: cache.store("supply", supply_report(log)))
    report, assignment = timed("segments", lambda: segment_report(log))
    store_assignment(assignment)
    segments = cache.store("segments", report)
    labels = {s["number"]: s["label"] for s in segments["segments"]}
    timed("artwork", lambda: cache.store("artwork", bandit_report(log, labels)))
    timed("trailers", lambda: cache.store("trailers", trailer_report(log, labels)))
    timed(
        "engagement",
        lambda: cache.store("engagement", engagement_report(log, served_context())),
    )
    timed("churn", lambda: cache.store("churn", churn_report(log)))
    timed(
        "experiments",
        lambda: cache.store(
            "experiments", {key: experiment_report(log, key) for key in EXPERIMENTS}
        ),
    )
    calibration = timed("calibration", lambda: compare_calibration(log))
    timed("exposure", lambda: cache.store("exposure", exposure_report(log, calibration)))
    timed("quality", lambda: cache.store("quality", quality_report(log)))
    summary = RefreshSummary(
        utcnow().isoformat(timespec="seconds"),
        log.start.isoformat(timespec="seconds"),
        log.end.isoformat(timespec="seconds"),
        seconds,
    )
    cache.store("meta", summary)
    return summary


def _warm(log: LogView) -> None:
    """Run the shared grouped queries up front (so the timings say where time goes)."""
    for name in (
        "catalog",
        "sittings",
        "activity",
        "impressions",
        "impressions_by_title",
        "actions",
        "profiles",
    ):
        getattr(log, name)


def is_stale(max_age: float | None = None) -> bool:
    meta = cache.load("meta")
    if meta is None:
        return True
    if max_age is None:
        max_age = current_app.config["INSIGHTS_MAX_AGE"]
    age = (utcnow() - datetime.fromisoformat(meta["computed_at"])).total_seconds()
    return age > max_age


def log_size(session: Session) -> int:
    """Roughly how many events the log holds (the newest id: no table scan)."""
    return int(session.scalar(select(func.max(Event.id))) or 0)


def refresh_running() -> bool:
    """True while a background refresh is queued or running in any worker."""
    return jobs.status(JOB).running


def refresh_job(report: jobs.Report, summaries: list | None = None) -> str:
    """The refresh as job runner work: every report, then the job's one-line summary."""
    summary = refresh_all(db.session, progress=report)
    if summaries is not None:
        summaries.append(summary)
    return f"reports over {summary.start} to {summary.end} computed at {summary.computed_at}"


def refresh_in_background(app: Flask) -> threading.Thread | None:
    """Start a refresh in a thread of this process; None if one is already running anywhere."""
    return jobs.start_named(app, JOB, refresh_job)


def refresh_in_child(due_before: datetime | None = None) -> bool:
    """Start a refresh in a child process (`admin insights-refresh --queued`); False if one is going.

    `due_before`: only when the last run started before then (the schedule).
    """
    return jobs.spawn_flask(JOB, ["admin", "insights-refresh", "--queued"], due_before)


def refresh_now_or_later(session: Session) -> bool:
    """Refresh inline when the log is small; otherwise start it in the background.

    Returns True when the reports are fresh on return. A large log would
    outlast a web request, so it is refreshed in a thread while pages keep
    serving the previous reports.
    """
    limit = current_app.config["INSIGHTS_INLINE_MAX_EVENTS"]
    if log_size(session) <= limit:
        refresh_all(session)
        return True
    refresh_in_background(current_app._get_current_object())
    return False


def ensure_computed(session: Session) -> dict | None:
    """The cache's meta record, computing the reports first if there are none yet.

    Stale reports are served as they are (the page shows their age); they are
    refreshed by the site's schedule (webapp.schedule), the admin's Refresh
    button or `flask admin insights-refresh`.
    Returns None while a first background computation is still running.
    """
    meta = cache.load("meta")
    if meta is None and refresh_now_or_later(session):
        meta = cache.load("meta")
    return meta
