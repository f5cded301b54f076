"""The site run as a service schedules its own insights refresh: one run for all hosts.

Two real gunicorn hosts, two workers each, on one PostgreSQL database, as
`make serve` runs them (gunicorn.conf.py turns the schedule on in each
worker). Every worker serves requests and looks; one refresh starts, in a
process of its own, and finishes.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import BACKENDS, make_config
from tests.gunicorn_server import Gunicorn
from webapp import create_app, jobs
from webapp.extensions import db
from webapp.insights.refresh import JOB

pytestmark = pytest.mark.slow

STARTED = f"scheduled job {JOB} started"


def _waited(app, states: tuple[str, ...], seconds: float) -> jobs.JobStatus:
    """The refresh job's status once it is in one of `states`, or when time is up."""
    deadline = time.monotonic() + seconds
    with app.app_context():
        try:
            while True:
                seen = jobs.status(JOB)
                if seen.state in states or time.monotonic() > deadline:
                    return seen
                time.sleep(0.5)
        finally:
            db.session.remove()


def test_two_hosts_start_one_scheduled_refresh(templates, tmp_path):
    if "postgresql" not in BACKENDS:
        pytest.skip("several hosts share one PostgreSQL database")
    url, cleanup = templates.clone("postgresql", True, tmp_path)
    env = {
        "MARQUEE_INSIGHTS_REFRESH_EVERY": "3600",
        "MARQUEE_INSIGHTS_CACHE_DIR": str(tmp_path / "shared-reports"),
    }
    hosts = []
    watcher = create_app(make_config(tmp_path, url))
    try:
        for name in ("a", "b"):
            instance = tmp_path / f"host-{name}"
            instance.mkdir()
            hosts.append(Gunicorn(url, instance, workers=2, **env))
        for host in hosts:
            host.wait_ready()
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda i: hosts[i % 2].get("/healthz")[0], range(40)))
        assert set(statuses) == {200}

        seen = _waited(watcher, ("queued", "running", "done", "failed"), 60)
        assert seen.state != "idle", "no worker started the due refresh"
        seen = _waited(watcher, ("done", "failed"), 300)
        assert seen.state == "done", (seen, hosts[0].log(), hosts[1].log())
        logs = [host.log() for host in hosts]
        assert sum(log.count(STARTED) for log in logs) == 1, logs
    finally:
        for host in hosts:
            host.stop()
        with watcher.app_context():
            db.engine.dispose()
        cleanup()
