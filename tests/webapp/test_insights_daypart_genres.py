"""The insights studio's genres by daypart agree with what the home page's ranking learned."""

import re

from markupsafe import escape

import webapp.admin.insights_routes  # noqa: F401  (registers the routes on the admin blueprint)
from tests.conftest import AuthActions
from tests.webapp.test_context_training import known_log  # noqa: F401  the hand-made log
from tests.webapp.test_insights_support import NOW
from webapp.extensions import db
from webapp.insights import cache
from webapp.insights.refresh import refresh_all
from webapp.recommendations.store import model_store
from webapp.recommendations.training import train_model


def _engagement_page(app) -> str:
    client = AuthActions(app.test_client()).as_admin()
    response = client.get("/admin/insights/engagement")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _row(page: str, daypart: str) -> str:
    """The daypart's row of the genres-by-daypart table."""
    table = page[page.index("Genres by daypart") :]
    match = re.search(rf"<tr>\s*<td[^>]*>{daypart}</td>(.*?)</tr>", table, re.S)
    assert match, daypart
    return match.group(1)


def test_the_ranking_learned_the_logs_morning_and_night_genres(known_log):  # noqa: F811
    with known_log.app_context():
        train_model(known_log.config["MODEL_DIR"], now=NOW, evaluate=False)
        model_store().invalidate()
        refresh_all(db.session)
        report = cache.load("engagement")
    rows = {r["daypart"]: r for r in report["daypart_genres"]}
    assert rows["morning"]["log"][0][0] == "Animation"
    assert rows["morning"]["ranking"][0][0] == "Animation"
    assert rows["morning"]["agrees"] is True
    page = _engagement_page(known_log)
    assert "Genres by daypart" in page
    morning = _row(page, "morning")
    assert "5–11" in morning and "Animation (" in morning and "yes" in morning
    compared = [r for r in rows.values() if r["agrees"] is not None]
    agreeing = sum(r["agrees"] for r in compared)
    sentence = f"leads with the log's genres in {agreeing} of {len(compared)} dayparts"
    assert str(escape(sentence)) in page


def test_without_a_model_the_page_says_there_is_nothing_to_compare(known_log):  # noqa: F811
    with known_log.app_context():
        refresh_all(db.session)
    page = _engagement_page(known_log)
    assert "No served model with a time-of-day table to compare" in page
    assert "no model to compare" in _row(page, "morning")
