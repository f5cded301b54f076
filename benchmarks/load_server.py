"""The site under load: a seeded, trained database per backend and gunicorn in front of it.

Used by benchmarks/load.py. One database per backend (a SQLite file, or the
PostgreSQL database marquee_bench_load), migrated, seeded with the demo
catalog and simulated viewers, and given a trained model; then gunicorn
(gunicorn.conf.py, 4 sync workers) on a free port, its log kept in a file so
that server-side errors can be counted after the run.
"""

import http.client
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import databases
from benchmarks.databases import fresh_postgres
from benchmarks.home import _config, _sign_in
from benchmarks.ingest import _free_port

ROOT = Path(__file__).resolve().parent.parent
PG_DB = "marquee_bench_load"
SECRET = "load-benchmark-secret"
# Log lines that mean something failed on the server: gunicorn's own errors (a worker
# timeout, a worker that died) and the app's JSON error records (unhandled exceptions).
SERVER_TROUBLE = (
    "[ERROR]",
    "[CRITICAL]",
    '"level": "ERROR"',
    '"level": "CRITICAL"',
    "Traceback",
    "database is locked",
)


@dataclass
class Site:
    backend: str
    url: str
    instance: Path
    viewers: list[tuple[int, str]]  # (profile id, account email), one account each

    @property
    def model_dir(self) -> Path:
        return self.instance / "models"

    def env(self) -> dict:
        return dict(
            os.environ,
            DATABASE_URL=self.url,
            MARQUEE_INSTANCE_PATH=str(self.instance),
            MARQUEE_MODEL_DIR=str(self.model_dir),
            SECRET_KEY=SECRET,
            # One sign-in per viewer from one address within seconds: lift the limit for setup.
            MARQUEE_LOGIN_LIMIT="10000/minute",
        )


def _fresh_url(backend: str, instance: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{instance / 'marquee.db'}"
    return fresh_postgres(PG_DB)


def drop_postgres() -> None:
    databases.drop_postgres(PG_DB)


def prepare(backend: str, instance: Path, n_viewers: int, n_profiles: int) -> Site:
    """Migrate, seed the demo, train a first model; pick one adult profile per account."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from webapp import create_app
    from webapp.extensions import db
    from webapp.models import Account, Profile
    from webapp.recommendations.training import train_model
    from webapp.seed.demo import seed_demo

    url = _fresh_url(backend, instance)
    app = create_app(_config(instance, url))
    with app.app_context():
        upgrade()
        began = time.perf_counter()
        seed_demo(n_profiles=n_profiles, progress=False)
        print(f"{backend}: seeded in {time.perf_counter() - began:.1f} s", file=sys.stderr)
        # The first model skips tuning (the retrain scenario runs the full command).
        print(train_model(app.config["MODEL_DIR"], evaluate=False).describe(), file=sys.stderr)
        rows = db.session.execute(
            select(Profile.id, Account.email, Profile.account_id)
            .join(Profile.account)
            .where(
                Account.email.like("simulated-%"),
                Profile.is_kids.is_(False),
                Profile.onboarded.is_(True),
                Profile.history_paused.is_(False),
                Profile.pin_hash.is_(None),
            )
            .order_by(Profile.account_id, Profile.id)
        ).all()
        db.session.remove()
        db.engine.dispose()
    viewers, seen = [], set()
    for profile_id, email, account_id in rows:
        if account_id not in seen:
            seen.add(account_id)
            viewers.append((profile_id, email))
    if len(viewers) < n_viewers:
        raise RuntimeError(
            f"only {len(viewers)} accounts to sign in, {n_viewers} viewers asked for"
        )
    return Site(backend, url, instance, viewers[:n_viewers])


class Server:
    """gunicorn with gunicorn.conf.py; its combined log goes to a file in the instance."""

    def __init__(self, site: Site, workers: int, tag: str):
        self.site = site
        self.port = _free_port()
        self.log_path = site.instance / f"gunicorn-{tag}.log"
        self._log = self.log_path.open("wb")
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.proc = subprocess.Popen(
            [
                str(gunicorn),
                "-c",
                "gunicorn.conf.py",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=site.env(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.workers = workers

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Until every worker is up and the app answers."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/readyz")
                if conn.getresponse().status == 200 and len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not get ready")

    def worker_pids(self) -> list[int]:
        """The master's children: its workers."""
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return sorted(int(pid) for pid in text.split())

    def sign_in(self) -> list[str]:
        """A session cookie per viewer, through the real sign-in and profile forms."""
        return [_sign_in(self.port, email, profile_id) for profile_id, email in self.site.viewers]

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()

    def trouble(self) -> list[str]:
        """Log lines that say a request failed on the server."""
        lines = self.log_path.read_text(errors="replace").splitlines()
        return [line for line in lines if any(mark in line for mark in SERVER_TROUBLE)]
