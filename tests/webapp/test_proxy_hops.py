"""Behind a proxy, limits count the client the proxy names; without one, nobody can pick theirs."""

import pytest

from tests.conftest import BACKENDS, make_config
from webapp import create_app
from webapp.extensions import db

LIMIT = "3 per minute"


@pytest.fixture(params=[0, 1], ids=["direct", "behind-one-proxy"])
def site(request, templates, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    url, cleanup = templates.clone(BACKENDS[0], False, instance)
    config = make_config(
        instance, url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT=LIMIT, PROXY_HOPS=request.param
    )
    app = create_app(config)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    cleanup()


def _guesses(app, forwarded_for: str) -> list[int]:
    client = app.test_client()
    return [
        client.post(
            "/auth/login",
            data={"email": "someone@example.com", "password": f"guess {n}"},
            headers={"X-Forwarded-For": forwarded_for},
        ).status_code
        for n in range(4)
    ]


def test_limits_count_the_forwarded_client_only_when_a_proxy_is_configured(site):
    first = _guesses(site, "203.0.113.7")
    assert first == [400, 400, 400, 429]
    second = _guesses(site, "198.51.100.9")
    if site.config["PROXY_HOPS"]:
        # Another viewer behind the same proxy has a count of their own.
        assert second == [400, 400, 400, 429]
    else:
        # A header the client wrote itself changes nothing: still the same address.
        assert second == [429, 429, 429, 429]
