"""Who may enter the admin area: admins only, a 403 for viewers, sign-in for the anonymous, CSRF on every post."""

import re

import pytest

from tests.webapp.admin.support import (
    ADMIN_EMAIL,
    ADMIN_URLS,
    PASSWORD,
    add_series,
    add_title,
    count,
    make_account,
    text_of,
)
from webapp.admin.routes import CATALOG_MODULES
from webapp.models import Title


def test_url_list_covers_every_admin_route(app):
    """A new catalog admin route must be added to ADMIN_URLS, so its 403 is tested too."""
    listed = {re.sub(r"/1(?=/|$)", "/<id>", url) for _, url in ADMIN_URLS}
    routed = {
        re.sub(r"<int:\w+>", "<id>", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.")
        and app.view_functions[rule.endpoint].__module__ in CATALOG_MODULES
    }
    assert routed == listed


@pytest.mark.parametrize(("method", "url"), ADMIN_URLS)
def test_non_admin_gets_403_everywhere(viewer_client, method, url):
    response = viewer_client.open(url, method=method, data={"name": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "url"), ADMIN_URLS)
def test_anonymous_is_sent_to_sign_in(guard_app, method, url):
    response = guard_app.test_client().open(url, method=method)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_admin_signs_in_through_the_form(app, auth):
    make_account(app, ADMIN_EMAIL, is_admin=True)
    auth.login(ADMIN_EMAIL, PASSWORD)
    page = auth.client.get("/admin/")
    assert page.status_code == 200 and "Catalog admin" in text_of(page)


def test_admin_sees_dashboard_with_counts_and_links(app, admin):
    add_title(app)
    add_series(app)
    page = text_of(admin.get("/admin/"))
    assert "Catalog admin" in page
    for link in ("/admin/titles", "/admin/people", "/admin/genres", "/admin/import"):
        assert f'href="{link}' in page
    assert re.search(r'stat-value">1</span><span class="stat-label">Films', page)
    assert re.search(r'stat-value">2 / 3</span><span class="stat-label">Seasons / episodes', page)


def test_unknown_and_absurd_ids_are_404(admin):
    for url in (
        "/admin/titles/999",
        "/admin/titles/99999999999999999999",
        "/admin/people/0",
        "/admin/seasons/5",
    ):
        assert admin.get(url).status_code == 404


def test_post_without_csrf_token_is_refused(csrf_app):
    make_account(csrf_app, ADMIN_EMAIL, is_admin=True)
    title_id = add_title(csrf_app)
    client = csrf_app.test_client()
    page = text_of(client.get("/auth/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    client.post(
        "/auth/login",
        data={"email": ADMIN_EMAIL, "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert client.get("/admin/").status_code == 200
    assert client.post(f"/admin/titles/{title_id}/delete").status_code == 400
    assert count(csrf_app, Title) == 1
