"""What a viewer sees on the browse pages, in a real browser: a kids Series page that shows the
series the profile may watch, a home with each title once and every card saying why it is there,
a hero with Play beside More info, a person's characters, and a renamed title's old address."""

import re
import sqlite3
from collections import Counter

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accounts_and_titles import sign_up
from tests.browser.test_page_screenshots import ADMIN_EMAIL, VIEWER_EMAIL, choose, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Rows that show the profile's own titles: a title there may appear again in a suggestion row.
OWN_ROWS = ("continue", "my-list")
LOWEST_MATCH = 80


def rows_of(live_site, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(live_site.instance / "marquee.db") as conn:
        return conn.execute(sql, args).fetchall()


def test_a_kids_series_page_shows_the_series_the_profile_may_watch(page: Page, live_site):
    email, profile, limit = rows_of(
        live_site,
        "SELECT a.email, p.name, p.maturity_limit FROM profiles p "
        "JOIN accounts a ON a.id = p.account_id WHERE p.is_kids = 1 ORDER BY p.id LIMIT 1",
    )[0]
    allowed = {
        title_id
        for (title_id,) in rows_of(
            live_site,
            "SELECT id FROM titles WHERE kind = 'series' AND maturity_age <= ?",
            limit,
        )
    }
    assert allowed, "the demo has no series a kids profile may watch"
    sign_in(page, email)
    choose(page, profile)
    page.goto("/browse/series")
    expect(page.get_by_text("No series to show yet")).to_have_count(0)
    cards = page.locator("section.row .card")
    expect(cards.first).to_be_visible()
    shown = {int(i) for i in cards.evaluate_all("cs => cs.map(c => c.dataset.titleId)")}
    assert shown == allowed


def test_the_home_shows_a_title_once_and_each_card_says_why(page: Page):
    sign_in(page, VIEWER_EMAIL)
    page.locator(".profile-tile").first.click()
    expect(page).not_to_have_url(re.compile(r"/profiles"))
    expect(page.locator("section.row").first).to_be_visible()
    cards = page.locator("section.row .card").evaluate_all(
        """cs => cs.map(c => ({
            id: c.dataset.titleId,
            row: c.dataset.rowKey,
            heading: c.closest('section.row').querySelector('h2').innerText,
            reason: (c.querySelector('.card-reason') || {}).textContent || '',
            score: (c.querySelector('.card-score') || {}).textContent || ''}))"""
    )
    suggested = [c for c in cards if c["row"] not in OWN_ROWS]
    assert len(suggested) >= 30
    repeated = Counter(c["id"] for c in suggested).most_common(1)[0]
    assert repeated[1] == 1, f"title {repeated[0]} shown {repeated[1]} times"
    for card in suggested:
        if card["score"]:
            assert int(card["score"].split("%")[0]) >= LOWEST_MATCH, card
    themed = [c for c in suggested if c["row"].startswith("theme")]
    assert themed, "no theme row on the demo viewer's home"
    for card in themed:
        assert re.fullmatch(r".+, like .+, (which you \w+|on your list)", card["reason"]), card


def test_onboarding_keeps_a_pick_after_an_error_and_the_home_names_the_picks(page: Page):
    sign_up(page)
    page.goto("/welcome/picks")
    picks = page.locator(".onboarding-grid .pick")
    first = picks.nth(0).locator(".pick-name").inner_text()
    picks.nth(0).click()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".onboarding .form-error")).to_be_visible()
    expect(picks.nth(0).get_by_role("checkbox")).to_be_checked()
    expect(picks.nth(1).get_by_role("checkbox")).not_to_be_checked()
    chosen = {re.sub(r" \(\d{4}\)$", "", first)}
    for n in (1, 2):
        chosen.add(re.sub(r" \(\d{4}\)$", "", picks.nth(n).locator(".pick-name").inner_text()))
        picks.nth(n).click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Your home page is now tuned to your picks")).to_be_visible()
    headings = page.locator("section.row h2").all_inner_texts()
    named = [h.removeprefix("Because you picked ") for h in headings if h.startswith("Because you")]
    assert named and set(named) <= chosen, headings
    assert not any(h.startswith(("Because you watched", "Because you liked")) for h in headings)


def test_the_hero_offers_play_beside_more_info(page: Page):
    sign_in(page, VIEWER_EMAIL)
    page.locator(".profile-tile").first.click()
    hero = page.get_by_role("region", name="Featured")
    play = hero.get_by_role("link", name=re.compile(r"^▶?\s*(Play|Resume)"))
    more = hero.get_by_role("link", name="More info")
    expect(play).to_be_visible()
    expect(more).to_be_visible()
    a, b = play.bounding_box(), more.bounding_box()
    assert abs(a["y"] - b["y"]) < a["height"] and a["x"] < b["x"]
    play.click()
    expect(page).to_have_url(re.compile(r"/watch/"))
    expect(page.locator("[data-player-video]")).to_be_attached()


def test_a_person_page_names_the_characters_played(page: Page, live_site):
    slug, character = rows_of(
        live_site,
        "SELECT p.slug, c.character FROM credits c JOIN people p ON p.id = c.person_id "
        "WHERE c.character IS NOT NULL AND c.character != '' ORDER BY p.id LIMIT 1",
    )[0]
    sign_in(page, ADMIN_EMAIL)
    page.locator(".profile-tile").first.click()
    page.goto(f"/person/{slug}")
    expect(page.locator(".credit-role").filter(has_text=f"as {character}").first).to_be_visible()


def test_a_renamed_titles_old_address_leads_to_its_new_one(page: Page, live_site):
    title_id, name, slug = rows_of(
        live_site,
        "SELECT id, name, slug FROM titles WHERE kind = 'film' ORDER BY id DESC LIMIT 1",
    )[0]
    sign_in(page, ADMIN_EMAIL)
    page.locator(".profile-tile").first.click()
    page.goto(f"/admin/titles/{title_id}")
    page.get_by_role("region", name="Details").get_by_label("Name").fill(f"{name} Redux")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".form-error")).to_have_count(0)
    page.goto(f"/title/{title_id}-{slug}")
    expect(page).to_have_url(re.compile(rf"/title/{title_id}-{re.escape(slug)}-redux$"))
    expect(page.get_by_role("heading", level=1, name=f"{name} Redux")).to_be_visible()


def test_every_episode_of_a_series_has_a_name_and_a_synopsis(page: Page, live_site):
    (title_id,) = rows_of(
        live_site,
        "SELECT t.id FROM titles t JOIN seasons s ON s.title_id = t.id "
        "WHERE t.kind = 'series' GROUP BY t.id ORDER BY count(*) DESC, t.id LIMIT 1",
    )[0]
    sign_in(page, ADMIN_EMAIL)
    page.locator(".profile-tile").first.click()
    page.goto(f"/title/{title_id}")
    seasons = page.locator("details.season")
    for n in range(seasons.count()):
        season = seasons.nth(n)
        if season.get_attribute("open") is None:
            season.locator("summary").click()
        episodes = season.locator(".episode")
        expect(episodes.first).to_be_visible()
        names = episodes.locator(".episode-name").all_inner_texts()
        synopses = episodes.locator(".episode-synopsis").all_inner_texts()
        assert not [name for name in names if re.fullmatch(r"Episode \d+", name.strip())]
        assert len(synopses) == len(names) and all(s.strip() for s in synopses)
