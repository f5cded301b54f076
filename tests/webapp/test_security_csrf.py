"""CSRF: every state-changing route, found in app.url_map, refuses a request without a token."""

from tests.conftest import AuthActions
from tests.webapp.test_security_authz import _ids, _rules, _url
from webapp.extensions import db
from webapp.models import Profile

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def test_every_state_changing_route_needs_a_csrf_token(csrf_app):
    values = _ids(csrf_app)
    client = AuthActions(csrf_app.test_client()).as_admin(profile={"name": "Admin"})
    checked = 0
    for rule in _rules(csrf_app):
        url = _url(rule, values)
        for method in sorted(rule.methods & STATE_CHANGING):
            response = client.open(url, method=method, json={"events": []}, data=None)
            checked += 1
            assert response.status_code == 400, (method, url, response.status_code)
            text = response.get_data(as_text=True)
            assert "Form expired" in text or "csrf" in text.lower(), (method, url)
    assert checked > 30
    with csrf_app.app_context():
        assert db.session.get(Profile, values["profile_id"]).name == "Owner"
