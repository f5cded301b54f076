"""What a viewer sees on the search page, in a real browser: a dropped letter is forgiven, a
weak guess is not stated as fact, and an empty search offers popular searches and genres."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_page_screenshots import VIEWER_EMAIL, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _viewer(page: Page) -> None:
    """The first demo viewer, on their first profile."""
    sign_in(page, VIEWER_EMAIL)
    page.locator(".profile-tile").first.click()
    expect(page).not_to_have_url(re.compile(r"/profiles"))


def _search(page: Page, typed: str) -> None:
    page.goto("/search")
    page.get_by_role("searchbox", name="Search titles, people and genres").fill(typed)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Results for “{typed}”")


def test_a_dropped_letter_still_finds_the_film(page: Page):
    _viewer(page)
    _search(page, "Spirited Awy")
    first = page.locator(".card-grid .card").first
    expect(first.get_by_role("img", name="Spirited Away", exact=True)).to_be_attached()


def test_a_weak_guess_is_not_stated_as_fact(page: Page):
    _viewer(page)
    _search(page, "Pokemon")
    expect(page.get_by_text("Showing results for")).to_have_count(0)
    expect(page.get_by_text("Nothing matches “Pokemon”.")).to_be_visible()
    expect(page.locator(".card-grid .card")).to_have_count(0)


def test_an_empty_search_offers_popular_searches_and_genres(page: Page):
    _viewer(page)
    page.goto("/search")
    expect(page.get_by_role("heading", name="Popular searches")).to_be_visible()
    popular = page.locator(".search-popular a.chip")
    expect(popular.first).to_be_visible()
    expect(page.get_by_role("heading", name="Browse by genre")).to_be_visible()
    genre = page.locator(".search-genres a.chip").first
    genre_name = genre.inner_text()
    name = popular.first.inner_text()
    popular.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Results for “{name}”")
    expect(page.locator(".card-grid .card").first).to_be_visible()
    page.go_back()
    page.locator(".search-genres a.chip").first.click()
    expect(page).to_have_url(re.compile(r"/browse/genre/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(genre_name)
