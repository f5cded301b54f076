"""The search results page logs its search itself, with a same-origin POST, in a real browser."""

import json
import sqlite3
import uuid

import pytest
from playwright.sync_api import Page

from tests.browser.test_viewer_journey import choose_profile, is_events_post, sign_up
from webapp.profiles.defaults import name_from_email

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUERY = "zebra submarine"


def test_the_results_page_posts_its_search_event(page: Page, live_site):
    email = f"seeker-{uuid.uuid4().hex[:10]}@example.com"
    sign_up(page, email)
    choose_profile(page, name_from_email(email))
    with page.expect_response(lambda r: is_events_post(r, "search")) as posted:
        page.goto(f"/search?q={QUERY.replace(' ', '+')}")
    response = posted.value
    assert response.status == 200
    sent = json.loads(response.request.post_data)["events"]
    assert [(e["type"], e["text"], e["value"], e["page"]) for e in sent] == [
        ("search", QUERY, 0, "search")
    ]
    with sqlite3.connect(live_site.instance / "marquee.db") as conn:
        rows = conn.execute(
            "SELECT e.text, e.value FROM events e JOIN profiles p ON p.id = e.profile_id "
            "JOIN accounts a ON a.id = p.account_id WHERE a.email = ? AND e.type = 'search'",
            (email,),
        ).fetchall()
    assert rows == [(QUERY, 0.0)]
