"""The site's schedule and the jobs commands: due runs start once, in a process of their own.

Real app instances on one database (SQLite and PostgreSQL), real child
processes (`flask --app wsgi admin insights-refresh --queued`).
"""

import threading
import time
from datetime import timedelta

import pytest

from tests.conftest import AuthActions, make_config
from webapp import create_app, jobs, schedule
from webapp.extensions import db
from webapp.insights import cache
from webapp.insights.refresh import JOB
from webapp.models import Job
from webapp.models.base import utcnow

HOUR = 3600


@pytest.fixture
def second_worker(app, tmp_path):
    """Another app instance (a worker on another host) on the same database."""
    instance = tmp_path / "second"
    instance.mkdir()
    other = create_app(make_config(instance, app.config["SQLALCHEMY_DATABASE_URI"]))
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def _finished(app, seconds: float = 120.0) -> jobs.JobStatus:
    """The refresh job's status once its run has ended."""
    deadline = time.monotonic() + seconds
    with app.app_context():
        while time.monotonic() < deadline:
            seen = jobs.status(JOB)
            if seen.state in ("done", "failed"):
                return seen
            time.sleep(0.2)
    raise AssertionError("the scheduled refresh did not finish")


def _last_run(app, started_ago: float) -> None:
    """A refresh that started `started_ago` seconds ago and finished."""
    with app.app_context():
        record = jobs.NamedJob(JOB)
        assert record.request()
        assert jobs.run(record, lambda report: "old reports") is None
        job = db.session.get(Job, JOB)
        job.started_at = utcnow() - timedelta(seconds=started_ago)
        db.session.commit()


def test_a_due_refresh_starts_exactly_once_across_two_workers(app, second_worker, tmp_path):
    for worker in (app, second_worker):
        worker.config["INSIGHTS_REFRESH_EVERY"] = 6 * HOUR
        # Hosts share their reports through one folder (README: several hosts).
        worker.config["INSIGHTS_CACHE_DIR"] = str(tmp_path / "reports")
    started, gate = [], threading.Barrier(2)

    def look(worker):
        gate.wait(10)
        started.append(schedule.check(worker))

    threads = [threading.Thread(target=look, args=(w,)) for w in (app, second_worker)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(started) == [[], [JOB]]

    done = _finished(app)
    assert done.state == "done", done.error
    assert "computed at" in done.summary
    with app.app_context():
        assert cache.load("meta") is not None and cache.load("churn") is not None
    # Just ran: neither worker starts it again.
    assert schedule.check(app) == [] and schedule.check(second_worker) == []
    with app.app_context():
        assert jobs.status(JOB).started_at == done.started_at


def test_nothing_starts_before_the_run_is_due(app):
    app.config["INSIGHTS_REFRESH_EVERY"] = 6 * HOUR
    _last_run(app, started_ago=5 * HOUR)
    with app.app_context():
        before = jobs.status(JOB)
    assert schedule.check(app) == []
    with app.app_context():
        after = jobs.status(JOB)
    assert (after.state, after.summary, after.started_at) == (
        "done",
        "old reports",
        before.started_at,
    )


def test_reports_refreshed_by_hand_are_not_refreshed_again(app):
    app.config["INSIGHTS_REFRESH_EVERY"] = 6 * HOUR
    _last_run(app, started_ago=7 * HOUR)
    result = app.test_cli_runner().invoke(args=["admin", "insights-refresh"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        job = db.session.get(Job, JOB)
        job.started_at = utcnow() - timedelta(hours=7)  # as if the page's Refresh did it
        db.session.commit()
    assert schedule.check(app) == []


def test_a_setting_of_0_turns_the_schedule_off(app):
    app.config["INSIGHTS_REFRESH_EVERY"] = 0
    assert schedule.check(app) == []
    with app.app_context():
        assert db.session.get(Job, JOB) is None
        assert cache.load("meta") is None


def test_a_served_request_starts_a_due_run_after_its_response_once_a_minute(app):
    """What gunicorn's workers do: the check rides on responses, not before them."""
    app.config["INSIGHTS_REFRESH_EVERY"] = 6 * HOUR
    _last_run(app, started_ago=7 * HOUR)
    with app.app_context():
        old = jobs.status(JOB)
    client = app.test_client()
    client.get("/healthz").close()
    with app.app_context():
        assert jobs.status(JOB) == old, "not enabled: nothing is scheduled"

    schedule.enable(app)
    response = client.get("/healthz")
    assert response.status_code == 200
    response.close()
    done = _finished(app)
    assert done.state == "done" and done.summary != "old reports"
    admin = AuthActions(app.test_client()).as_admin()
    page = admin.get("/admin/insights/").get_data(as_text=True)
    assert "Updated just now</time>" in page and "stale" not in page

    # The same worker looks again only a minute later, however due a run is.
    _last_run(app, started_ago=7 * HOUR)
    with app.app_context():
        meta = cache.load("meta")
        aged = (utcnow() - timedelta(hours=7)).isoformat(timespec="seconds")
        cache.store("meta", dict(meta, computed_at=aged))
        old = jobs.status(JOB)
    client.get("/healthz").close()
    with app.app_context():
        assert jobs.status(JOB) == old
    page = admin.get("/admin/insights/").get_data(as_text=True)
    assert "Updated 7 hours ago</time>" in page and "· stale" in page


def test_refresh_in_the_background_and_follow_it_with_jobs_status(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["admin", "insights-refresh", "--background"])
    assert result.exit_code == 0, result.output
    assert "started in the background" in result.output
    done = _finished(app)
    assert done.state == "done", done.error

    result = runner.invoke(args=["jobs", "status"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert lines[JOB].split()[1] == "done"
    assert " ago: reports over " in lines[JOB]
    assert "[every 6 h 00 min; next in 5 h 59 min]" in lines[JOB]
    assert lines["training"].split()[1:3] == ["idle", "never"]
    assert "not scheduled (MODEL_RETRAIN_EVERY is 0)" in lines["training"]


def test_jobs_status_shows_a_running_job_and_a_failed_one(app):
    with app.app_context():
        record = jobs.NamedJob("training")
        assert record.request() and record.claim()
        record.progress("tuning lam", 42)
        failed = jobs.NamedJob(JOB)
        assert failed.request() and failed.claim()
        failed.fail("The disk is full.")
    result = app.test_cli_runner().invoke(args=["jobs", "status"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert "running  tuning lam (42 %), started 0 s ago" in lines["training"]
    assert "failed" in lines[JOB] and lines[JOB].endswith(
        "0 s ago: The disk is full.  [every 6 h 00 min; next in 5 h 59 min]"
    )


def test_a_refresh_already_going_is_not_started_twice_from_the_command_line(app):
    with app.app_context():
        assert jobs.NamedJob(JOB).request()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["admin", "insights-refresh"])
    assert result.exit_code == 2
    assert "already going" in result.output
    result = runner.invoke(args=["admin", "insights-refresh", "--background"])
    assert result.exit_code == 0 and "already going" in result.output
    with app.app_context():
        assert cache.load("meta") is None
