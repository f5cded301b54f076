"""The insights pages: admins only, every report renders with its tables, CSVs and charts."""

import csv
import io
import re
import time

import pytest

import webapp.admin.insights_routes  # noqa: F401  (registers the routes on the admin blueprint)
from tests.conftest import AuthActions
from webapp.admin.insights_routes import PAGES
from webapp.extensions import db
from webapp.insights import cache
from webapp.insights.charts import charts_for
from webapp.insights.tables import tables_for
from webapp.models import Title

URLS = [
    "/admin/insights/",
    "/admin/insights/demand",
    "/admin/insights/artwork/1",
    "/admin/insights/churn/at-risk.csv",
]


@pytest.mark.parametrize("url", URLS)
def test_visitors_sign_in_and_viewers_are_refused(app, url):
    anonymous = app.test_client()
    assert anonymous.get(url).status_code == 302
    viewer = app.test_client()
    AuthActions(viewer).as_viewer()
    assert viewer.get(url).status_code == 403
    assert viewer.post("/admin/insights/refresh").status_code == 403


def test_every_page_renders_its_tables_charts_and_csvs_on_the_demo_seed(seeded_app):
    client = AuthActions(seeded_app.test_client()).as_admin()
    index = client.get("/admin/insights/")
    assert index.status_code == 200
    assert b"Insights studio" in index.data and b"AI-generated" in index.data
    for page in PAGES:
        response = client.get(f"/admin/insights/{page}")
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        # No inline scripts: every script is a file or a JSON data block.
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        canvases = re.findall(r'data-chart="([^"]+)"', html)
        for canvas in canvases:
            assert f'id="{canvas}"' in html
        with seeded_app.app_context():
            charts = charts_for(page, cache.load(page))
        # Every chart stands beside the table of its numbers.
        assert set(charts) <= {t.name for t in tables_for(page)}
        assert len(canvases) == len([c for c in charts if charts[c]])
        for table in tables_for(page):
            assert f"/admin/insights/{page}/{table.name}.csv" in html
            download = client.get(f"/admin/insights/{page}/{table.name}.csv")
            assert download.status_code == 200 and download.mimetype == "text/csv"
            rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
            assert rows[0] == table.header()
            with seeded_app.app_context():
                assert len(rows) - 1 == len(table.values(cache.load(page)))


def test_figures_on_the_pages_come_from_the_demo_log(seeded_app):
    client = AuthActions(seeded_app.test_client()).as_admin()
    client.get("/admin/insights/")
    with seeded_app.app_context():
        demand, artwork = cache.load("demand"), cache.load("artwork")
        title_id = db.session.scalar(db.select(Title.id).order_by(Title.id).limit(1))
    assert demand["total_hours"] > 0 and demand["genres"]
    assert artwork["impressions"] > 0 and artwork["by_segment_style"]
    page = client.get(f"/admin/insights/artwork/{title_id}")
    assert page.status_code == 200 and b"artwork results" in page.data
    assert client.get("/admin/insights/artwork/999999").status_code == 404
    assert client.get("/admin/insights/demand/no-such-table.csv").status_code == 404
    assert client.get("/admin/insights/no-such-page").status_code == 404


def test_refresh_recomputes_the_cache(app):
    client = AuthActions(app.test_client()).as_admin()
    for page in ("", *PAGES):  # an empty log still gives every page, with "no data" tables
        assert client.get(f"/admin/insights/{page}").status_code == 200, page
    with app.app_context():
        first = cache.load("meta")["computed_at"]
        (cache.cache_dir() / "meta.json").unlink()
    response = client.post("/admin/insights/refresh", follow_redirects=True)
    assert response.status_code == 200 and b"recomputed" in response.data
    with app.app_context():
        assert cache.load("meta")["computed_at"] >= first


def test_refresh_needs_the_csrf_token(csrf_app):
    client = AuthActions(csrf_app.test_client()).as_admin()
    assert client.post("/admin/insights/refresh").status_code == 400


def _wait_for_refresh(app, seconds: float = 120.0) -> None:
    """Until the background refresh has written its reports and let go of its lock."""
    from webapp.insights.refresh import refresh_running

    deadline = time.monotonic() + seconds
    with app.app_context():
        while time.monotonic() < deadline:
            if cache.load("meta") is not None and not refresh_running():
                return
            time.sleep(0.1)
    raise AssertionError("the background refresh did not finish")


def test_a_large_log_is_computed_in_the_background(app):
    app.config["INSIGHTS_INLINE_MAX_EVENTS"] = -1  # treat even this log as large
    client = AuthActions(app.test_client()).as_admin()
    first = client.get("/admin/insights/demand")
    assert first.status_code == 200
    assert b"being computed" in first.data or b"Demand" in first.data
    _wait_for_refresh(app)
    assert b"Insights studio" in client.get("/admin/insights/").data
    response = client.post("/admin/insights/refresh", follow_redirects=True)
    assert b"in the background" in response.data
    _wait_for_refresh(app)


def test_scheduled_refresh_command(app):
    result = app.test_cli_runner().invoke(args=["admin", "insights-refresh"])
    assert result.exit_code == 0, result.output
    assert "recomputed" in result.output
    with app.app_context():
        assert cache.load("meta") is not None and cache.load("churn") is not None
