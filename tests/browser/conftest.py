"""Fixtures for the real-browser tests: a seeded Marquee served by gunicorn, and Chromium.

The site is built once per test session (and so once per xdist worker): a
temporary instance folder, the Alembic migrations, a small demo seed with
tiny demo clips (every film and episode plays one) and trailer cuts (every
title has its mood's two) and a trained recommender. gunicorn then serves it on a socket this process has
already bound to a free 127.0.0.1 port, so two workers never race for a port.
CSRF is on and TESTING is off, as in production.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.screenshots import ARTIFACTS

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SEED_ARGS = {"n_profiles": 30, "seed": 5, "days": 30}
DEMO_CLIP_SECONDS = 3.0
SECRET_KEY = "browser-tests-secret"
READY_TIMEOUT = 60.0
# Generous for a loaded machine, small enough that a broken page fails fast.
ACTION_TIMEOUT_MS = 15_000


@dataclass
class LiveSite:
    url: str
    instance: Path


def _build_site(instance: Path) -> str:
    """Migrate, seed and train into `instance`; return the database URL."""
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.config import Config
    from webapp.extensions import db
    from webapp.media.demo import seed_demo_media
    from webapp.media.demo_trailers import seed_demo_trailers
    from webapp.recommendations.training import train_model
    from webapp.seed.demo import seed_demo

    database_url = f"sqlite:///{instance / 'marquee.db'}"
    settings = type(
        "BrowserBuildConfig",
        (Config,),
        {
            "INSTANCE_PATH": instance,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": SECRET_KEY,
            "MODEL_DIR": instance / "models",
            "ARTWORK_CACHE_DIR": instance / "artwork",
            "MEDIA_DIR": instance / "media",
        },
    )
    app = create_app(settings)
    with app.app_context():
        upgrade()
        seed_demo(progress=False, **SEED_ARGS)
        seed_demo_media(seconds=DEMO_CLIP_SECONDS)
        seed_demo_trailers(seconds=DEMO_CLIP_SECONDS)
        train_model(instance / "models", evaluate=False)
        db.session.remove()
        db.engine.dispose()
    return database_url


def _bound_socket() -> socket.socket:
    """A listening socket on a free port, handed to gunicorn so no other process can take it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def _wait_until_ready(url: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)  # polling a process that is starting; not a test wait
    tail = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
    raise RuntimeError(f"Marquee did not become ready at {url}:\n{tail}")


@pytest.fixture(scope="session")
def live_site(tmp_path_factory) -> Iterator[LiveSite]:
    """The seeded demo served by gunicorn with production settings."""
    instance = tmp_path_factory.mktemp("browser-site")
    database_url = _build_site(instance)
    sock = _bound_socket()
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "MARQUEE_INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url,
        "MARQUEE_MODEL_DIR": str(instance / "models"),
        "MARQUEE_ARTWORK_CACHE": str(instance / "artwork"),
        "MARQUEE_MEDIA_DIR": str(instance / "media"),
        "SECRET_KEY": SECRET_KEY,
        "MARQUEE_SECURE_COOKIES": "0",  # plain http on 127.0.0.1
        # Every browser test signs in or up from 127.0.0.1 within a few minutes; the
        # limits themselves are tested in tests/webapp/test_ratelimit*.py.
        "MARQUEE_SIGNUP_LIMIT": "100 per minute",
        "MARQUEE_LOGIN_LIMIT": "300 per minute",
    }
    log_path = instance / "server.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "--bind",
        f"fd://{sock.fileno()}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--access-logfile",
        "-",
        "wsgi:app",
    ]
    with log_path.open("w") as log:
        server = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=[sock.fileno()],
        )
    sock.close()  # gunicorn holds its own copy
    try:
        _wait_until_ready(url, server, log_path)
        yield LiveSite(url=url, instance=instance)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _ensure_chromium() -> Path | None:
    """Debian's Chromium, installed with apt-get once when it is missing."""
    if CHROMIUM.exists():
        return CHROMIUM
    apt = shutil.which("apt-get")
    if apt is not None:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for args in (["install", "-y", "chromium"], ["update"], ["install", "-y", "chromium"]):
            try:
                subprocess.run([apt, *args], env=env, capture_output=True, check=False, timeout=600)
            except subprocess.TimeoutExpired:
                break
            if CHROMIUM.exists():
                break
    return CHROMIUM if CHROMIUM.exists() else None


@pytest.fixture(scope="session")
def browser():
    """Chromium, launched once per session."""
    executable = _ensure_chromium()
    if executable is None:
        pytest.fail(f"Chromium is not installed at {CHROMIUM} and apt-get could not install it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        expect.set_options(timeout=ACTION_TIMEOUT_MS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_site):
    """A fresh browser profile (cookies, storage) per test, pointed at the live site."""
    ctx = browser.new_context(
        base_url=live_site.url, accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    ctx.set_default_timeout(ACTION_TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """For a failed browser test: a screenshot of where it stopped, and the server's complaints."""
    report = yield
    if report.when != "call" or not report.failed:
        return report
    funcargs = getattr(item, "funcargs", {})
    page, site = funcargs.get("page"), funcargs.get("live_site")
    if page is not None and not page.is_closed():
        from playwright.sync_api import Error as PlaywrightError

        ARTIFACTS.mkdir(exist_ok=True)
        try:
            page.screenshot(path=ARTIFACTS / f"failed-{item.name}.png", full_page=True)
        except (PlaywrightError, OSError) as exc:  # the report matters more than the picture
            report.sections.append(("failure screenshot", f"not saved: {exc}"))
    if site is not None:
        report.sections.append(("server log", _server_complaints(site.instance / "server.log")))
    return report


def _server_complaints(log_path: Path, limit: int = 40) -> str:
    """Error responses, warnings and tracebacks from the live server's log."""
    if not log_path.exists():
        return "no server log"
    marks = ('"status": 4', '"status": 5', "WARNING", "ERROR", "Traceback", "Error")
    lines = [
        line
        for line in log_path.read_text(errors="replace").splitlines()
        if any(mark in line for mark in marks)
    ]
    return "\n".join(lines[-limit:]) or "nothing but successful requests"
