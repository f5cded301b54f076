"""What a viewer sees when changing the password from the account page, in a real browser:
a wrong current password changes nothing, the new one then signs in and the old one no longer does."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accounts_and_titles import NEW_PASSWORD, PASSWORD, sign_in, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def fill_change(page: Page, current: str, new: str, again: str) -> None:
    page.get_by_label("Current password").fill(current)
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("New password again").fill(again)
    page.get_by_role("button", name="Change password").click()


def test_a_viewer_changes_the_password_from_the_account_page(page: Page, browser, live_site):
    email = sign_up(page)
    other = browser.new_context(base_url=live_site.url)
    try:
        phone = other.new_page()
        sign_in(phone, email, PASSWORD)
        expect(phone.get_by_role("heading", name="Who's watching?")).to_be_visible()

        page.goto("/account/password")
        fill_change(page, "not my password 99", NEW_PASSWORD, NEW_PASSWORD)
        expect(
            page.get_by_text("That is not your current password. Nothing was changed.")
        ).to_be_visible()
        fill_change(page, PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x")
        expect(page.get_by_text("The two new passwords do not match.")).to_be_visible()
        fill_change(page, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
        expect(
            page.get_by_text("Password changed. Every other device is signed out")
        ).to_be_visible()
        expect(page).to_have_url(re.compile(r"/account/?$"))

        phone.goto("/profiles/")
        expect(phone).to_have_url(re.compile(r"/auth/login"))
        page.context.clear_cookies()
        sign_in(page, email, PASSWORD)
        expect(page.get_by_text("That email and password do not match an account.")).to_be_visible()
        sign_in(page, email, NEW_PASSWORD)
        expect(page.get_by_role("heading", name="Who's watching?")).to_be_visible()
    finally:
        other.close()
