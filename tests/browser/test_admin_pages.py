"""The demo admin signs in and sees the catalog admin, in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.screenshots import save_screenshot

ADMIN_EMAIL = "admin@marquee.local"
DEMO_PASSWORD = "marquee-demo"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_admin_signs_in_and_sees_the_catalog(page: Page):
    page.goto("/auth/login")
    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Who's watching?")).to_be_visible()

    page.get_by_role("link", name="Admin").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    expect(page.get_by_role("heading", level=1, name="Catalog admin")).to_be_visible()
    films = page.locator(".stat").filter(has_text="Films").locator(".stat-value")
    expect(films).to_have_text(re.compile(r"^[1-9]\d*$"))
    expect(page.get_by_role("heading", name="Recently added")).to_be_visible()
    save_screenshot(page, "admin")
