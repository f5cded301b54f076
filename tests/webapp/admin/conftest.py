"""Fixtures of the admin page tests: an admin's client, and one app per backend for the guard checks."""

import pytest

from tests.conftest import BACKENDS, AuthActions, make_config
from tests.webapp.admin.support import ADMIN_EMAIL, VIEWER_EMAIL
from webapp import create_app
from webapp.extensions import db


@pytest.fixture
def admin(app, client):
    """The test client, signed in as an admin."""
    return AuthActions(client).as_admin(ADMIN_EMAIL)


@pytest.fixture(scope="module", params=BACKENDS)
def guard_app(request, templates, tmp_path_factory):
    """One app per backend for the many who-may-enter checks, which change nothing."""
    instance = tmp_path_factory.mktemp("admin_guard")
    url, cleanup = templates.clone(request.param, False, instance)
    app = create_app(make_config(instance, url))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    cleanup()


@pytest.fixture(scope="module")
def viewer_client(guard_app):
    """A signed-in viewer who is not an admin."""
    client = guard_app.test_client()
    AuthActions(client).as_viewer(email=VIEWER_EMAIL)
    assert client.get("/profiles/").status_code == 200
    return client
