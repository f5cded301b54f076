"""Real gunicorn servers for tests: `gunicorn -c gunicorn.conf.py` on a test database."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from tests.conftest import REPO


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn -c gunicorn.conf.py` as `make serve` runs it, on a test database."""

    def __init__(self, url: str, instance: Path, workers: int, **env: str):
        self.port = _free_port()
        self.log_path = instance / f"gunicorn-{self.port}.log"
        self._log = self.log_path.open("wb")
        environ = {
            k: v for k, v in os.environ.items() if not k.startswith(("MARQUEE_", "DATABASE_"))
        }
        environ.update(
            DATABASE_URL=url, MARQUEE_INSTANCE_PATH=str(instance), SECRET_KEY="gunicorn-test"
        )
        environ.update(env)
        self.environ = environ  # for `flask --app wsgi ...` run as this host
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py"]
            + ["--workers", str(workers), "--bind", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=REPO,
            env=environ,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.workers = workers

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log()
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
            try:
                up = len(children.read_text().split()) == self.workers
                if up and self.get("/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not get ready:\n{self.log()}")

    def request(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        cookie: str = "",
        headers: dict | None = None,
    ):
        """(status, body, session cookie) of one request; the cookie is the new one if set."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = dict(headers or {})
        if cookie:
            headers["Cookie"] = cookie
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:  # closed even when a worker still starting drops the connection
            conn.request(method, path, urlencode(body) if body is not None else None, headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                cookie = value.split(";", 1)[0]
        return response.status, text, cookie

    def get(self, path: str):
        return self.request("GET", path)

    def guess(self, n: int) -> int:
        """One sign-in attempt through the real form, CSRF token and all: its status."""
        _, page, cookie = self.get("/auth/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = {"email": "someone@example.com", "password": f"guess {n:04d}x", "csrf_token": token}
        return self.request("POST", "/auth/login", form, cookie)[0]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, quick: bool = False) -> None:
        # SIGQUIT ends workers that are still loading the app at once.
        self.proc.send_signal(signal.SIGQUIT if quick else signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()
