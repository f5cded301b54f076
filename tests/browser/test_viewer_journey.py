"""A new household's first evening on Marquee, in a real browser.

Sign up, add a kids and a grown-up profile, pick a few favourites, find a film
through a misspelt search, rate it and keep it on My List, watch it to the end,
start another one, see the home page react, download the account's data, and
check that the kids profile never shows a grown-up rating.
"""

import json
import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.screenshots import save_screenshot
from webapp.catalog.maturity import KIDS_MAX_LIMIT, rating_age

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "popcorn and 42 trailers"
ADULT, KIDS = "Grown Up", "Little One"
FILM = "The Godfather"
TYPO = "godfater"


def is_events_post(response, kind: str) -> bool:
    """The answer to a batch of player events that holds one of type `kind`."""
    request = response.request
    return (
        request.method == "POST"
        and response.url.endswith("/api/events")
        and f'"type":"{kind}"' in (request.post_data or "")
    )


def sign_up(page: Page, email: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Who's watching?")).to_be_visible()


def add_profile(page: Page, name: str, kids: bool) -> None:
    page.get_by_role("link", name="Add profile").click()
    page.get_by_label("Name").fill(name)
    if kids:
        page.get_by_label("Maturity limit").select_option(str(KIDS_MAX_LIMIT))
        page.get_by_label(re.compile("^Kids profile")).check()
    page.get_by_role("button", name="Add profile").click()
    expect(page.get_by_role("button", name=re.compile(rf"^{re.escape(name)}\b"))).to_be_visible()


def choose_profile(page: Page, name: str) -> None:
    page.get_by_role("button", name=re.compile(rf"^{re.escape(name)}( Kids)?$")).click()


def start_playing(page: Page) -> None:
    """Press play unless the page started the video by itself."""
    page.wait_for_function("() => document.querySelector('[data-player-video]').readyState >= 1")
    if page.evaluate("() => document.querySelector('[data-player-video]').paused"):
        page.locator("[data-player-toggle]").click()


def loaded(page: Page) -> None:
    """The whole document is parsed and its deferred scripts have run, so its controls answer."""
    page.wait_for_load_state("domcontentloaded")


def row(page: Page, heading: str | re.Pattern):
    """A row of cards on a browse page, by its heading."""
    return page.locator("section.row").filter(has=page.get_by_role("heading", name=heading))


def card(scope, title: str):
    return scope.locator(".card").filter(has=scope.page.get_by_role("img", name=title, exact=True))


def test_new_household_evening(page: Page):
    email = f"household-{uuid.uuid4().hex[:10]}@example.com"

    # Sign up: the account starts with one profile; add a kids and a grown-up one.
    sign_up(page, email)
    add_profile(page, KIDS, kids=True)
    add_profile(page, ADULT, kids=False)
    expect(page.locator(".profile-tile").filter(has_text=KIDS)).to_contain_text("Kids")
    choose_profile(page, ADULT)

    # A new profile is asked for a few favourites before its first home page.
    expect(page).to_have_url(re.compile(r"/welcome/picks$"))
    expect(page.get_by_role("heading", name="Pick three or more you like")).to_be_visible()
    picks = page.locator(".onboarding-grid").get_by_role("checkbox")
    for n in range(3):
        picks.nth(n).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Your home page is now tuned to your picks")).to_be_visible()
    expect(row(page, f"Top Picks for {ADULT}")).to_be_visible()
    loaded(page)

    # Search with a typo in the header box; the suggestion leads to the title page.
    search = page.get_by_role("combobox", name="Search titles, people and genres")
    search.fill(TYPO)
    suggestion = page.get_by_role("option", name=re.compile(f"^{re.escape(FILM)}"))
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page).to_have_url(re.compile(r"/title/\d+"))
    expect(page.get_by_role("heading", level=1, name=FILM)).to_be_visible()
    loaded(page)

    # Rate it and keep it for later: the buttons change without a reload.
    actions = page.locator(".title-actions [data-actions]")
    love = actions.get_by_role("button", name="Love this!")
    like = actions.get_by_role("button", name="I like this")
    page_marker = page.evaluate("() => (window.__sameDocument = Math.random())")
    love.click()
    expect(love).to_have_attribute("aria-pressed", "true")
    expect(like).to_have_attribute("aria-pressed", "false")
    my_list = actions.get_by_role("button", name="My List")
    expect(my_list).to_have_attribute("aria-pressed", "false")
    my_list.click()
    expect(my_list).to_have_attribute("aria-pressed", "true")
    expect(actions.get_by_role("status")).to_have_text("Added to My List")
    assert page.evaluate("() => window.__sameDocument") == page_marker, "the page reloaded"
    save_screenshot(page, "title")

    # Play it to the end (the test site's clips last a few seconds).
    page.locator(".title-actions").get_by_role("link", name="Play").click()
    expect(page.get_by_role("heading", level=1, name=FILM)).to_be_visible()
    player_state = page.locator("[data-player-state]")
    time_label = page.locator("[data-player-time]")
    toggle = page.locator("[data-player-toggle]")
    with page.expect_response(lambda r: is_events_post(r, "complete")) as completed:
        start_playing(page)
        save_screenshot(page, "player", full_page=False)
    assert completed.value.ok
    expect(player_state).to_have_text("Finished")
    expect(toggle).to_have_text("Replay")
    expect(time_label).to_have_text(re.compile(r"^0:0[1-9] / 0:0[1-9]$"))  # drawn by player.js

    # Start another film and stop part-way: it waits in Continue Watching.
    page.get_by_role("link", name=f"Back to {FILM}").click()
    expect(page).to_have_url(re.compile(r"/title/\d+"))
    page.get_by_role("link", name="Films", exact=True).click()
    expect(page).to_have_url(re.compile(r"/browse/film$"))
    loaded(page)
    other = page.locator(".card").filter(has_not=page.get_by_role("img", name=FILM, exact=True))
    other_film = other.first.locator("img.card-art").get_attribute("alt")
    other.first.locator("a.card-link").click()
    expect(page.get_by_role("heading", level=1, name=other_film)).to_be_visible()
    page.locator(".title-actions").get_by_role("link", name="Play").click()
    with page.expect_response(lambda r: is_events_post(r, "play_start")) as started:
        start_playing(page)
    assert started.value.ok
    # Part-way: a position of 0 would not count as started.
    page.wait_for_function("() => document.querySelector('[data-player-video]').currentTime > 0.5")
    with page.expect_response(lambda r: is_events_post(r, "pause")) as paused:
        page.keyboard.press("Space")
    assert paused.value.ok
    expect(player_state).to_have_text("Paused")
    expect(toggle).to_have_text("Resume")

    # Home: the unfinished film in Continue Watching, and a row built on what was watched.
    page.get_by_role("link", name="Home", exact=True).click()
    continuing = row(page, f"Continue Watching for {ADULT}")
    expect(continuing).to_be_visible()
    expect(card(continuing, other_film)).to_be_visible()
    expect(card(continuing, FILM)).to_have_count(0)
    expect(row(page, re.compile("^Because you watched ")).first).to_be_visible()
    expect(row(page, f"Because you watched {FILM}")).to_be_visible()
    save_screenshot(page, "home", full_page=False)

    # My List holds the film saved earlier.
    page.goto("/my-list")
    expect(page.get_by_role("heading", name="My List")).to_be_visible()
    expect(card(page.locator("main"), FILM)).to_be_visible()

    # Download everything: one JSON file with the profile, its thumbs and its list.
    page.goto("/account/privacy")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download all data").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".json")
    exported = json.loads(download.path().read_text(encoding="utf-8"))
    assert exported["account"]["email"] == email
    by_name = {doc["profile"]["name"]: doc for doc in exported["profiles"]}
    assert {ADULT, KIDS} <= set(by_name)
    assert by_name[KIDS]["profile"]["is_kids"] is True
    film_ids = [int(t) for t, name in exported["titles"].items() if name == FILM]
    assert film_ids, "the exported titles do not name the rated film"
    adult = by_name[ADULT]
    assert any(r["title_id"] in film_ids and r["value"] == 2 for r in adult["ratings"])
    assert any(item["title_id"] in film_ids for item in adult["my_list"])
    assert any(e["type"] == "complete" and e["title_id"] in film_ids for e in adult["events"])

    # The kids profile: no grown-up rating anywhere on its home page.
    page.locator("summary.profile-chip").click()
    page.get_by_role("link", name="Switch profile").click()
    choose_profile(page, KIDS)
    expect(page).to_have_url(re.compile(r"/welcome/picks$"))
    page.get_by_role("button", name="Skip for now").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("body")).to_have_class(re.compile(r"\bis-kids\b"))
    expect(page.locator(".rows .card").first).to_be_attached()
    loaded(page)
    ratings = page.locator(".maturity").all_text_contents()
    assert ratings, "the kids home page shows no titles"
    too_old = sorted({r for r in ratings if rating_age(r) > KIDS_MAX_LIMIT})
    assert not too_old, f"kids home page shows {too_old}"
    response = page.goto(f"/title/{film_ids[0]}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1, name=FILM)).to_have_count(0)
