"""Rows and grids of cards with a keyboard alone, in a real browser.

Each row (and each wrapping grid) is one Tab stop; the arrow keys move inside it,
Enter opens the title, and the menu key or Shift+F10 opens a card's actions, from
which "My List" works without a mouse. Screen readers hear a row's name and where
a card sits in it ("3 of 20").
"""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_page_screenshots import watchful

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "popcorn and 42 trailers"
# Skip link, logo, five sections, search, account menu, the hero's two buttons: eleven
# stops before the first row, and a few to spare for a header that grows a link.
MOST_PRESSES_TO_ROW_ONE = 14
FOCUSED = "document.activeElement"


def new_viewer(page: Page) -> None:
    """A new account with its first profile chosen and the picks skipped: the home page."""
    page.goto("/auth/signup")
    page.get_by_label("Email").fill(f"keys-{uuid.uuid4().hex[:10]}@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.locator(".profile-tile").first.click()
    page.get_by_role("button", name="Skip for now").click()
    expect(page.locator("section.row").nth(1)).to_be_visible()


def ready(page: Page, address: str) -> None:
    page.goto(address)
    page.wait_for_load_state("load")  # deferred scripts have run: the rows have their stops


def focused_row(page: Page) -> int | None:
    """Which row (0, 1, ...) holds the focused element, if any."""
    return page.evaluate(
        f"""() => {{
            const row = {FOCUSED}.closest('section.row');
            return row ? Array.from(document.querySelectorAll('section.row')).indexOf(row) : null;
        }}"""
    )


def focused_cell(page: Page) -> dict:
    """The focused card's position as announced, and its title id."""
    return page.evaluate(
        f"""() => {{
            const cell = {FOCUSED}.closest('[aria-posinset]');
            const card = {FOCUSED}.closest('.card');
            return {{
                pos: cell && Number(cell.getAttribute('aria-posinset')),
                size: cell && Number(cell.getAttribute('aria-setsize')),
                title: card && card.dataset.titleId,
                link: {FOCUSED}.classList.contains('card-link'),
                more: {FOCUSED}.classList.contains('row-more'),
            }};
        }}"""
    )


def tab_until_row(page: Page, row: int, limit: int = 60) -> int:
    """Press Tab (from the top of a page just loaded) until the focus is in `row`; return the presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if focused_row(page) == row:
            return presses
    raise AssertionError(f"{limit} presses of Tab never reached row {row}")


def in_view(page: Page, locator) -> bool:
    """Whether the element lies wholly inside its row's visible part."""
    return locator.evaluate(
        """el => {
            const box = el.getBoundingClientRect();
            const port = el.closest('[data-row-track]').getBoundingClientRect();
            return box.left >= port.left - 1 && box.right <= port.right + 1;
        }"""
    )


def test_each_row_is_one_tab_stop_named_for_screen_readers(page: Page):
    problems = watchful(page)
    new_viewer(page)
    ready(page, "/")
    to_row_one = tab_until_row(page, 0)
    assert to_row_one <= MOST_PRESSES_TO_ROW_ONE
    first = focused_cell(page)
    assert first["link"] and first["pos"] == 1 and first["size"] >= 6
    # The row is a region named after its heading, holding the focused card.
    heading = page.locator("section.row").first.get_by_role("heading").inner_text()
    region = page.get_by_role("region", name=heading, exact=True)
    expect(region.locator(".card-link:focus")).to_have_count(1)
    # One more Tab passes the whole row: the next stop is the second row's first card.
    page.keyboard.press("Tab")
    assert focused_row(page) == 1 and focused_cell(page)["pos"] == 1
    assert problems == []


def test_arrow_keys_move_within_a_row_and_enter_opens_the_title(page: Page):
    new_viewer(page)
    ready(page, "/")
    tab_until_row(page, 0)
    row = page.locator("section.row").first
    links = row.locator(".card-link")
    page.keyboard.press("ArrowRight")
    assert focused_cell(page)["pos"] == 2
    expect(links.nth(1)).to_be_focused()
    expect(links.nth(1)).to_have_attribute("tabindex", "0")
    expect(links.nth(0)).to_have_attribute("tabindex", "-1")
    page.keyboard.press("End")
    last = links.last
    expect(last).to_be_focused()
    page.wait_for_function(
        "() => { const el = document.activeElement, port = el.closest('[data-row-track]');"
        " const a = el.getBoundingClientRect(), b = port.getBoundingClientRect();"
        " return a.right <= b.right + 1 && a.left >= b.left - 1; }"
    )
    assert in_view(page, last)
    page.keyboard.press("ArrowRight")  # the row's end: the focus stays on the last card
    expect(last).to_be_focused()
    page.keyboard.press("Home")
    expect(links.first).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    third = focused_cell(page)
    assert third["pos"] == 3
    # Leaving the row and coming back lands on the card left, not the first one.
    page.keyboard.press("Tab")
    assert focused_row(page) == 1
    page.keyboard.press("Shift+Tab")
    assert focused_cell(page) == third
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/title/{third['title']}\b"))


def test_the_menu_key_opens_a_cards_actions_and_my_list_works_by_keyboard(page: Page):
    problems = watchful(page)
    new_viewer(page)
    ready(page, "/")
    tab_until_row(page, 0)
    page.keyboard.press("ArrowRight")
    card = focused_cell(page)
    name = page.evaluate(f"() => {FOCUSED}.querySelector('img').alt")
    page.keyboard.press("Shift+F10")
    menu = page.get_by_role("group", name=f"Actions for {name}")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="Play")).to_be_focused()
    page.keyboard.press("ArrowDown")
    my_list = menu.get_by_role("button", name="My List")
    expect(my_list).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu.get_by_role("status")).to_have_text("Added to My List")
    expect(my_list).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    assert focused_cell(page) == card  # back on the card the menu belonged to
    # The other menu key opens it too; Tab leaves the menu and the row, and closes it.
    page.keyboard.press("ContextMenu")
    expect(menu).to_be_visible()
    page.keyboard.press("Tab")
    expect(menu).to_be_hidden()
    ready(page, "/my-list")
    expect(page.locator(f'.card[data-title-id="{card["title"]}"]')).to_have_count(1)
    assert problems == []


def test_a_films_page_row_takes_its_see_all_link_inside_it(page: Page):
    new_viewer(page)
    ready(page, "/browse/film")
    rows = page.locator("section.row")
    shelf = next(i for i in range(rows.count()) if rows.nth(i).locator(".row-more").count())
    tab_until_row(page, shelf)
    assert focused_cell(page)["link"]  # the row's first card, not its "See all"
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    assert focused_cell(page)["more"]
    expect(rows.nth(shelf).locator(".row-more")).to_be_focused()
    page.keyboard.press("ArrowLeft")
    assert focused_cell(page)["link"]
    page.keyboard.press("Tab")
    assert focused_row(page) != shelf


def test_a_genre_grid_is_one_tab_stop_with_arrow_keys_in_two_directions(page: Page):
    new_viewer(page)
    ready(page, "/browse/genre/drama")
    grid = page.locator(".card-grid")
    links = grid.locator(".card-link")
    assert links.count() > 8
    links.first.focus()
    first = links.first.bounding_box()
    page.keyboard.press("ArrowDown")
    below = page.locator(".card-link:focus").bounding_box()
    assert below["y"] > first["y"] + first["height"] / 2
    assert abs(below["x"] - first["x"]) < first["width"] / 2
    down = focused_cell(page)["pos"]
    assert down > 1
    page.keyboard.press("ArrowRight")
    assert focused_cell(page)["pos"] == down + 1
    page.keyboard.press("ArrowUp")
    assert focused_cell(page)["pos"] == 2
    # Tab leaves the whole grid in one press.
    page.keyboard.press("Tab")
    assert page.evaluate(f"() => !{FOCUSED}.closest('.card-grid')")
