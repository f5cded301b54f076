"""Two app hosts behind one database, one Redis and one model directory act as one site.

Each host is a real gunicorn with its own instance folder and port, configured
as the README's "Running several hosts" says: the same SECRET_KEY and
DATABASE_URL, rate limits in Redis, MARQUEE_MODEL_DIR on shared storage, and
MARQUEE_PROXY_HOPS=1 as behind the proxy (each scenario below comes from a
client address of its own, so their sign-in counts stay apart).
"""

import json
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, REPO, make_config
from tests.gunicorn_server import Gunicorn
from tests.webapp.catalog_factory import PASSWORD, make_account
from webapp import create_app
from webapp.extensions import db
from webapp.profiles.guards import WRONG_PIN, locked_out_message

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/0"
EMAIL = "household@example.com"
PIN = "2468"
_TOKEN = re.compile(r'name="csrf[-_]token"[^>]*(?:value|content)="([^"]+)"')


def _redis() -> str:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis answers at {REDIS_URL}")
    return REDIS_URL


@pytest.fixture(scope="module")
def site(templates, tmp_path_factory):
    """Hosts A and B on one seeded PostgreSQL database; an account with a PIN profile."""
    if "postgresql" not in BACKENDS:
        pytest.skip("several hosts share one PostgreSQL database")
    redis_url = _redis()
    root = tmp_path_factory.mktemp("site")
    shared_models = root / "shared-models"
    url, cleanup = templates.clone("postgresql", True, root)

    setup = create_app(make_config(root, url))
    with setup.app_context():
        _, profiles = make_account(EMAIL, [{"name": "Grown-up"}, {"name": "Private", "pin": PIN}])
        db.session.remove()
        db.engine.dispose()

    env = {
        "MARQUEE_RATELIMIT_STORAGE": redis_url,
        "MARQUEE_RATELIMIT_KEY_PREFIX": f"marquee-test-{uuid.uuid4().hex}",
        "MARQUEE_MODEL_DIR": str(shared_models),
        "MARQUEE_PROXY_HOPS": "1",
    }
    hosts = []
    try:
        for name in ("a", "b"):
            instance = root / f"host-{name}"
            instance.mkdir()
            hosts.append(Gunicorn(url, instance, workers=1, **env))
        for host in hosts:
            host.wait_ready()
        yield hosts, profiles[1], shared_models
    finally:
        for host in hosts:
            host.stop()
        cleanup()


class Visitor:
    """One browser: a session cookie and a client address, sent to either host."""

    def __init__(self, address: str):
        self.cookie = ""
        self.headers = {"X-Forwarded-For": address}

    def get(self, host: Gunicorn, path: str) -> tuple[int, str]:
        status, page, self.cookie = host.request("GET", path, None, self.cookie, self.headers)
        return status, page

    def post(self, host: Gunicorn, path: str, form: dict, token_from: str) -> tuple[int, str]:
        _, page = self.get(host, token_from)
        form = {**form, "csrf_token": _TOKEN.search(page).group(1)}
        status, page, self.cookie = host.request("POST", path, form, self.cookie, self.headers)
        return status, page

    def sign_in(self, host: Gunicorn, password: str = PASSWORD) -> int:
        form = {"email": EMAIL, "password": password}
        return self.post(host, "/auth/login", form, "/auth/login")[0]


def test_a_sign_out_on_one_host_holds_on_the_other(site):
    (a, b), _, _ = site
    viewer = Visitor("203.0.113.1")
    assert viewer.sign_in(a) == 302
    signed_in = viewer.cookie
    assert viewer.get(b, "/profiles/")[0] == 200

    assert viewer.post(a, "/auth/logout", {}, "/profiles/")[0] == 302
    # The cookie from before the sign-out no longer opens anything, on either host.
    for host in (a, b):
        status, _, _ = host.request("GET", "/profiles/", None, signed_in, viewer.headers)
        assert status == 302


def test_a_pin_lockout_on_one_host_holds_on_the_other(site):
    (a, b), locked_profile, _ = site
    viewer = Visitor("203.0.113.2")
    assert viewer.sign_in(a) == 302
    choose = f"/profiles/{locked_profile}/choose"
    pages = [viewer.post(a, choose, {"pin": "0000"}, choose) for _ in range(5)]
    assert [status for status, _ in pages] == [403] * 5
    assert WRONG_PIN.replace("'", "&#39;") in pages[0][1]

    status, page = viewer.post(b, choose, {"pin": PIN}, choose)
    assert status == 403
    assert locked_out_message(5) in page


def test_the_sign_in_limit_counts_across_both_hosts(site):
    (a, b), _, _ = site
    guesser = Visitor("203.0.113.3")
    statuses = [guesser.sign_in((a, b)[n % 2], password=f"guess {n}") for n in range(14)]
    # 10 a minute (LOGIN_RATE_LIMIT) for the client, whichever host it reaches.
    assert statuses == [400] * 10 + [429] * 4
    assert guesser.sign_in(b) == 429


def _served(host: Gunicorn) -> str | None:
    status, body = Visitor("203.0.113.4").get(host, "/readyz")
    assert status == 200
    return json.loads(body)["recommender"]["model"]


def test_a_model_trained_by_one_host_is_served_by_both_within_seconds(site):
    (a, b), _, shared_models = site
    assert _served(a) is None and _served(b) is None
    flask = str(Path(sys.executable).with_name("flask"))
    trained = subprocess.run(
        [flask, "--app", "wsgi", "recommender", "train"],
        cwd=REPO,
        env=a.environ,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert trained.returncode == 0, trained.stderr
    (version,) = [p.name for p in shared_models.iterdir() if p.is_dir()]

    deadline = time.monotonic() + 15
    while {_served(a), _served(b)} != {version}:
        assert time.monotonic() < deadline, (_served(a), _served(b), version)
        time.sleep(0.5)
