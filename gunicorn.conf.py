"""Gunicorn settings for `make serve` and `make demo`.

Every value can be overridden from the environment (MARQUEE_BIND, MARQUEE_WORKERS,
MARQUEE_TIMEOUT, ...). Each worker imports the app itself (no preload), so each
loads the recommender model on its own and a worker that dies takes nothing
shared with it.
"""

import json
import multiprocessing
import os
import time

from gunicorn.glogging import Logger

MAX_WORKERS = 8


def _workers() -> int:
    """2 x cores + 1, the usual figure for sync workers, capped: each holds a model."""
    return min(2 * multiprocessing.cpu_count() + 1, MAX_WORKERS)


bind = os.environ.get("MARQUEE_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("MARQUEE_WORKERS") or _workers())
worker_class = "sync"
preload_app = False
# A request running longer than this gets its worker killed and replaced.
timeout = int(os.environ.get("MARQUEE_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("MARQUEE_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then so that slow leaks cannot grow without bound;
# the jitter keeps them from all restarting at once.
# Recycling restarts a worker (and reloads its model) mid-traffic: off unless asked for.
max_requests = int(os.environ.get("MARQUEE_MAX_REQUESTS", "0"))
max_requests_jitter = 200
limit_request_line = 8190
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("MARQUEE_LOG_LEVEL", "info")
proc_name = "marquee"


class JsonAccessLogger(Logger):
    """Access log lines as JSON, carrying the X-Request-ID the app answered with."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        headers = {name.lower(): value for name, value in resp.headers}
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "level": "INFO",
            "logger": "gunicorn.access",
            "request_id": headers.get("x-request-id"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(str(resp.status).split(None, 1)[0]),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote": environ.get("REMOTE_ADDR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }
        self.access_log.info(json.dumps(entry))


logger_class = JsonAccessLogger


def on_starting(server):
    """Say at start when sign-in limits are counted per worker rather than for the site."""
    from webapp.config import Config

    storage = Config.RATELIMIT_STORAGE_URI
    if Config.RATELIMIT_ENABLED and storage.startswith("memory:") and server.cfg.workers > 1:
        server.log.warning(
            "rate limits are per worker (%s): %d workers allow %d times the sign-in limit; "
            "unset MARQUEE_RATELIMIT_STORAGE to share them through the database",
            storage,
            server.cfg.workers,
            server.cfg.workers,
        )


def post_worker_init(worker):
    """Each worker checks the site's schedule after its responses (webapp.schedule says why)."""
    from flask import Flask

    from webapp import schedule

    if isinstance(worker.wsgi, Flask):
        schedule.enable(worker.wsgi)
