"""The request's context for the home page: local time from the `tz` cookie, device from the agent."""

from datetime import datetime

import pytest

from webapp.recommendations.request_context import request_context

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
TV = "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36"
# Saturday 6 January 2024, 07:30 UTC.
NOW = datetime(2024, 1, 6, 7, 30)


def _context(app, cookie: str | None, agent: str):
    headers = {"User-Agent": agent}
    if cookie is not None:
        headers["Cookie"] = f"tz={cookie}"
    with app.test_request_context("/", headers=headers):
        from flask import request

        return request_context(request, now=NOW)


def test_local_time_follows_the_zone_cookie(app):
    tokyo = _context(app, "Asia/Tokyo", TV)
    assert (tokyo.hour, tokyo.weekday, tokyo.daypart) == (16, 5, "afternoon")
    assert tokyo.device_class == "tv"
    new_york = _context(app, "America/New_York", PHONE)
    assert (new_york.hour, new_york.weekday, new_york.daypart) == (2, 5, "night")
    assert new_york.device_class == "mobile"


@pytest.mark.parametrize(
    "cookie", [None, "", "Mars/Olympus_Mons", "../../etc/passwd", "Europe/" + "x" * 300, "UTC;drop"]
)
def test_missing_or_bad_zones_fall_back_to_utc(app, cookie):
    context = _context(app, cookie, "")
    assert (context.hour, context.weekday, context.zone) == (7, 5, "UTC")
    assert context.device_class == "desktop"
