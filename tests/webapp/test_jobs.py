"""The job runner's status record: shared by every worker on one database, one start at a time."""

import threading
import time
from datetime import timedelta

import pytest

from tests.conftest import AuthActions, make_config
from webapp import create_app, jobs
from webapp.extensions import db
from webapp.models import Job
from webapp.models.base import utcnow


@pytest.fixture
def second_worker(app, tmp_path):
    """Another app instance (a second gunicorn worker) on the same database."""
    instance = tmp_path / "second"
    instance.mkdir()
    other = create_app(make_config(instance, app.config["SQLALCHEMY_DATABASE_URI"]))
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_job_started_by_one_worker_is_seen_and_not_restarted_by_another(app, second_worker):
    began, release = threading.Event(), threading.Event()

    def work(report):
        report("tuning lam", 0.42)
        began.set()
        release.wait(30)
        raise jobs.JobFailed("the disk caught fire\nand here is a traceback nobody should see")

    with app.app_context():
        thread = jobs.start_named(app, "training", work)
    assert thread is not None
    assert began.wait(30)
    with second_worker.app_context():
        seen = jobs.status("training")
        assert (seen.state, seen.stage, seen.percent) == ("running", "tuning lam", 42)
        assert jobs.start_named(second_worker, "training", work) is None
        assert not jobs.NamedJob("training").request()
    release.set()
    thread.join(30)
    with second_worker.app_context():
        seen = jobs.status("training")
    assert (seen.state, seen.error) == ("failed", "the disk caught fire")
    assert not seen.running


def test_two_workers_asking_at_once_start_one_run(app, second_worker):
    winners, gate = [], threading.Barrier(2)

    def ask(worker):
        with worker.app_context():
            gate.wait(10)
            winners.append(jobs.NamedJob("training").request())
            db.session.remove()

    threads = [threading.Thread(target=ask, args=(w,)) for w in (app, second_worker)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(winners) == [False, True]


def test_a_finished_job_keeps_its_summary_and_may_run_again(app):
    with app.app_context():
        record = jobs.NamedJob("insights-refresh")
        assert record.request()
        assert jobs.run(record, lambda report: "eight reports computed") is None
        done = jobs.status("insights-refresh")
        assert (done.state, done.percent, done.summary) == ("done", 100, "eight reports computed")
        assert record.request(), "a finished job may be asked for again"


def test_a_run_silent_too_long_reads_as_cut_off_and_may_be_restarted(app):
    with app.app_context():
        record = jobs.NamedJob("training")
        assert record.request() and record.claim()
        job = db.session.get(Job, "training")
        job.updated_at = utcnow() - timedelta(seconds=jobs.STALE_AFTER_SECONDS + 60)
        db.session.commit()
        seen = jobs.status("training")
        assert (seen.state, seen.error) == ("failed", jobs.INTERRUPTED)
        assert record.request()


def test_a_long_silent_step_keeps_its_heartbeat(app, monkeypatch):
    monkeypatch.setattr(jobs, "HEARTBEAT_SECONDS", 0.2)
    with app.app_context():
        record = jobs.NamedJob("training")
        assert record.request()
        beats = []

        def work(report):
            report("one big solve", 0.5)
            first = db.session.get(Job, "training", populate_existing=True).updated_at
            time.sleep(1.0)
            beats.append(db.session.get(Job, "training", populate_existing=True).updated_at > first)

        assert jobs.run(record, work) is None
    assert beats == [True]


def test_the_admin_page_shows_stage_and_progress_not_a_log(app):
    with app.app_context():
        record = jobs.NamedJob("training")
        assert record.request() and record.claim()
        record.progress("tuning cold_k", 37)
    client = AuthActions(app.test_client()).as_admin()
    page = client.get("/admin/recommender").get_data(as_text=True)
    assert "Training is running: tuning cold_k (37 %)" in page
    assert '<progress max="100" value="37">' in page
    assert "<pre" not in page and "Train now" not in page

    with app.app_context():
        record.fail("could not write the model: No space left on device")
    page = client.get("/admin/recommender").get_data(as_text=True)
    assert "The last training run failed: could not write the model: No space left on" in page
    assert "Train now" in page and "<pre" not in page
