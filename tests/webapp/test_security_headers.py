"""Security headers, request ids, structured logs and error pages without internals."""

import json
import logging

import pytest

from tests.conftest import make_config
from webapp import create_app
from webapp.logs import JsonFormatter, configure_json_logging

HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Permissions-Policy",
)


def _bare_app(tmp_path, **extra):
    """An app on a database file that is never migrated: enough for pages without queries."""
    return create_app(make_config(tmp_path, f"sqlite:///{tmp_path / 'bare.db'}", **extra))


@pytest.mark.parametrize(
    "url", ["/auth/login", "/healthz", "/static/css/marquee.css", "/no-such-page", "/api/events"]
)
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    response.close()  # a static file's handle
    for name in HEADERS:
        assert response.headers.get(name), f"{name} missing on {url}"
    csp = response.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers


def test_https_deployments_get_hsts_and_secure_cookies(tmp_path):
    client = _bare_app(tmp_path, SESSION_COOKIE_SECURE=True).test_client()
    response = client.get("/auth/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_plain_http_session_cookie_is_httponly_and_samesite(tmp_path):
    cookie = _bare_app(tmp_path).test_client().get("/auth/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_sane_request_id_is_echoed_and_a_hostile_one_replaced(tmp_path):
    client = _bare_app(tmp_path).test_client()
    assert (
        client.get("/healthz", headers={"X-Request-ID": "lb-42.abc"}).headers["X-Request-ID"]
        == "lb-42.abc"
    )
    for hostile in ("<script>alert(1)</script>", "x" * 500, "a b", ""):
        answered = client.get("/healthz", headers={"X-Request-ID": hostile}).headers["X-Request-ID"]
        assert answered != hostile and len(answered) == 32
    first = client.get("/healthz").headers["X-Request-ID"]
    assert first != client.get("/healthz").headers["X-Request-ID"]


def test_errors_are_logged_with_context_and_never_shown(tmp_path, caplog):
    app = _bare_app(tmp_path)

    @app.get("/explode")
    def explode():
        raise RuntimeError("secret internals: password_hash column")

    client = app.test_client()
    with caplog.at_level(logging.ERROR, logger="webapp.errors"):
        page = client.get("/explode", headers={"X-Request-ID": "req-explode-1"})
    assert page.status_code == 500
    body = page.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body
    assert "Something went wrong" in body and "req-explode-1" in body
    record = next(r for r in caplog.records if r.name == "webapp.errors")
    assert "GET /explode" in record.getMessage() and record.exc_info is not None
    with app.test_request_context("/explode", headers={"X-Request-ID": "req-explode-1"}):
        from flask import g

        g.request_id = "req-explode-1"
        line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["request_id"] == "req-explode-1" and entry["path"] == "/explode"
    assert entry["method"] == "GET" and entry["level"] == "ERROR"
    assert "RuntimeError" in entry["exception"]


def test_api_errors_are_json_with_a_request_id(tmp_path):
    client = _bare_app(tmp_path).test_client()
    body = client.get("/api/no-such-thing").get_json()
    assert body["error"] and len(body["request_id"]) == 32


def test_json_logging_is_configured_only_outside_testing(tmp_path):
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        _bare_app(tmp_path / "testing")
        assert not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers)
        (tmp_path / "live").mkdir()
        _bare_app(tmp_path / "live", TESTING=False)
        assert any(isinstance(h.formatter, JsonFormatter) for h in root.handlers)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


def test_json_lines_outside_a_request_still_parse():
    record = logging.LogRecord(
        "webapp.x", logging.INFO, __file__, 1, 'quote " and\nnewline', (), None
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == 'quote " and\nnewline' and "request_id" not in entry
    assert callable(configure_json_logging)
