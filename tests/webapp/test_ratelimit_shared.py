"""Sign-in and sign-up limits hold in total however many workers serve the site.

Gunicorn runs several copies of the app, each in its own process. The first
tests build several apps from the default configuration over one shared
database (a real SQLite file, or PostgreSQL) and let requests take turns
between them, so each copy is sure to serve its share; the last ones run real
gunicorn workers, as `make serve` starts them.
"""

import os
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import sqlalchemy as sa

from tests.conftest import BACKENDS, AuthActions, make_config
from tests.gunicorn_server import Gunicorn
from webapp import create_app
from webapp.config import Config
from webapp.extensions import db
from webapp.models import RateLimitCounter

WORKERS = 3
TAKEN = "An account with that email already exists"


def _per_minute(limit: str) -> int:
    return int(re.match(r"\s*(\d+)\s*(?:per|/)\s*minute", limit).group(1))


@pytest.fixture(params=BACKENDS)
def workers(request, templates, tmp_path):
    """WORKERS apps with rate limiting on and the default storage, over one database."""
    instance = tmp_path / "instance"
    instance.mkdir()
    url, cleanup = templates.clone(request.param, False, instance)
    config = make_config(instance, url, RATELIMIT_ENABLED=True)
    apps = [create_app(config) for _ in range(WORKERS)]
    yield apps
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    cleanup()


def _redis_url() -> str:
    """The Redis of this machine (its client comes with the dev extras), when it answers."""
    url = os.environ.get("MARQUEE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis answers at {url}")
    return url


def _clients(apps):
    return [app.test_client() for app in apps]


def test_sign_in_limit_holds_in_total_across_workers(workers):
    clients = _clients(workers)
    AuthActions(clients[0]).signup()
    AuthActions(clients[0]).logout()
    allowed = _per_minute(workers[0].config["LOGIN_RATE_LIMIT"])

    statuses = [
        clients[n % WORKERS]
        .post("/auth/login", data={"email": "viewer@example.com", "password": f"guess {n:04d}x"})
        .status_code
        for n in range(allowed * WORKERS)
    ]

    assert statuses.count(400) == allowed, statuses
    assert statuses[allowed:] == [429] * (len(statuses) - allowed)
    # The right password waits its turn too, on whichever worker it lands.
    for client in clients:
        right = AuthActions(client).login(follow=False)
        assert right.status_code == 429


def test_sign_up_of_a_taken_email_is_limited_the_same_way(workers):
    clients = _clients(workers)
    AuthActions(clients[0]).signup(email="known@example.com")
    for client in clients:
        client.post("/auth/logout")
    # The first sign-up above counted against the limit too.
    allowed = _per_minute(workers[0].config["SIGNUP_RATE_LIMIT"]) - 1

    told = 0
    for n in range(allowed * WORKERS):
        answer = AuthActions(clients[n % WORKERS]).signup(email="known@example.com", follow=False)
        page = answer.get_data(as_text=True)
        if answer.status_code == 429:
            assert TAKEN not in page and "Too many attempts" in page
        else:
            assert answer.status_code == 400 and TAKEN in page
            told += 1

    assert told == allowed


@pytest.fixture(params=BACKENDS)
def two_sites(request, templates, tmp_path):
    """Two apps with limits on, each on a database of its own, built one after the other."""
    apps, cleanups = [], []
    for n in range(2):
        instance = tmp_path / f"site{n}"
        instance.mkdir()
        url, cleanup = templates.clone(request.param, False, instance)
        cleanups.append(cleanup)
        apps.append(create_app(make_config(instance, url, RATELIMIT_ENABLED=True)))
    yield apps
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    for cleanup in cleanups:
        cleanup()


def test_each_app_counts_in_its_own_database(two_sites):
    first, second = two_sites
    allowed = _per_minute(first.config["LOGIN_RATE_LIMIT"])
    guess = {"email": "someone@example.com", "password": "guess 1234"}
    client = first.test_client()
    statuses = [client.post("/auth/login", data=guess).status_code for _ in range(allowed + 1)]

    assert statuses == [400] * allowed + [429]
    # The site built last has counted nothing: the first one's hits went to its own database.
    assert second.test_client().post("/auth/login", data=guess).status_code == 400
    for app, hits in ((first, allowed + 1), (second, 1)):
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.max(RateLimitCounter.count))) == hits


@pytest.fixture
def database(request, templates, tmp_path):
    """A migrated database and an instance folder for a server: (url, instance)."""
    instance = tmp_path / "instance"
    instance.mkdir()
    url, cleanup = templates.clone(request.param, False, instance)
    yield url, instance
    cleanup()


@pytest.mark.slow
@pytest.mark.parametrize("database", BACKENDS, indirect=True)
def test_gunicorn_workers_share_one_sign_in_limit(database):
    url, instance = database
    server = Gunicorn(url, instance, workers=3)
    try:
        server.wait_ready()
        allowed = _per_minute(Config.LOGIN_RATE_LIMIT)
        # Concurrent guessers, so that every worker takes some of the attempts.
        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = list(pool.map(server.guess, range(allowed * 3)))
    finally:
        server.stop()
    assert sorted(statuses) == [400] * allowed + [429] * (allowed * 2), statuses
    assert "per worker" not in server.log()


@pytest.mark.slow
def test_gunicorn_says_at_start_when_limits_are_per_worker(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    server = Gunicorn(
        f"sqlite:///{instance / 'marquee.db'}",
        instance,
        workers=2,
        MARQUEE_RATELIMIT_STORAGE="memory://",
    )
    try:
        deadline = time.monotonic() + 60
        while "Listening at" not in server.log() and time.monotonic() < deadline:
            assert server.proc.poll() is None, server.log()
            time.sleep(0.2)
    finally:
        server.stop(quick=True)
    assert "rate limits are per worker (memory://): 2 workers allow 2 times" in server.log()


@pytest.fixture(params=BACKENDS)
def redis_hosts(request, templates, tmp_path):
    """WORKERS apps counting in Redis, each on a database of its own: hosts sharing nothing."""
    url = _redis_url()
    apps, cleanups = [], []
    for n in range(WORKERS):
        instance = tmp_path / f"host{n}"
        instance.mkdir()
        db_url, cleanup = templates.clone(request.param, False, instance)
        cleanups.append(cleanup)
        apps.append(
            create_app(
                make_config(
                    instance,
                    db_url,
                    RATELIMIT_ENABLED=True,
                    RATELIMIT_STORAGE_URI=url,
                )
            )
        )
    yield apps
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    for cleanup in cleanups:
        cleanup()


def _unique_address() -> str:
    """A client address of its own, so that nothing else using this Redis shares its count."""
    n = uuid.uuid4().int
    return f"10.{n % 256}.{(n >> 8) % 256}.{(n >> 16) % 254 + 1}"


def test_redis_storage_shares_the_limit_between_hosts(redis_hosts):
    clients = _clients(redis_hosts)
    allowed = _per_minute(redis_hosts[0].config["LOGIN_RATE_LIMIT"])
    address = {"REMOTE_ADDR": _unique_address()}

    statuses = [
        clients[n % WORKERS]
        .post(
            "/auth/login",
            data={"email": "someone@example.com", "password": f"guess {n}"},
            environ_base=address,
        )
        .status_code
        for n in range(allowed * WORKERS)
    ]

    assert statuses == [400] * allowed + [429] * (len(statuses) - allowed)
