"""What a card shows on hover and focus leaves the poster's own title readable, in a real browser.

The artwork draws the title's name on the poster (webapp/artwork/svg.py): at the top,
the middle or the bottom depending on its style. Whatever a card adds when it is
hovered or focused (its details, the "more" button, Continue Watching's remove
button), and Continue Watching's progress bar and episode note, must not cover that
name, and the note must not sit on the progress bar. Measured as boxes on the page at
a laptop and a phone size, with the name's box taken from the very SVG the card shows.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_page_screenshots import SIZES, choose, query, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Whatever a card draws besides its artwork and badges.
ADDED = ".card-info, .card-more, .card-hide, .card-note, .card-progress, .card-score, .card-reason"
ROWS_CHECKED = 3
# A demo profile halfway through an episode: its Continue Watching card has a note.
SERIES_WATCHER = """
SELECT a.email, p.name FROM watch_states w
JOIN profiles p ON p.id = w.profile_id JOIN accounts a ON a.id = p.account_id
WHERE w.episode_id IS NOT NULL AND NOT w.completed AND NOT w.hidden AND w.position > 60
  AND NOT p.is_kids AND p.pin_hash IS NULL
  AND w.updated_at = (SELECT max(o.updated_at) FROM watch_states o
                      WHERE o.profile_id = w.profile_id AND NOT o.completed AND NOT o.hidden)
ORDER BY a.email, p.id LIMIT 1
"""
CARDS_PER_ROW = 4

# The poster's text boxes (name, year, kind) on the page, from the SVG the <img> shows.
POSTER_TEXT = """async (img) => {
    const svg = await (await fetch(img.currentSrc, {credentials: 'same-origin'})).text();
    const box = img.getBoundingClientRect();
    const holder = document.createElement('div');
    holder.style.cssText = `position:fixed;left:${box.left}px;top:${box.top}px;`
        + `width:${box.width}px;height:${box.height}px;visibility:hidden;pointer-events:none`;
    holder.innerHTML = svg;
    const drawing = holder.querySelector('svg');
    drawing.setAttribute('width', box.width);
    drawing.setAttribute('height', box.height);
    document.body.appendChild(holder);
    const boxes = Array.from(drawing.querySelectorAll('text')).map(t => {
        const r = t.getBoundingClientRect();
        return {x: r.left, y: r.top, width: r.width, height: r.height, text: t.textContent};
    });
    holder.remove();
    return boxes;
}"""

# Boxes of what the card added that is showing, with the class that names it.
SHOWING = """(card, selector) => Array.from(card.querySelectorAll(selector)).filter(el => {
    const style = getComputedStyle(el), r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && Number(style.opacity) > 0.05;
}).map(el => {
    const r = el.getBoundingClientRect();
    return {x: r.left, y: r.top, width: r.width, height: r.height, what: el.className};
})"""


def overlap(a: dict, b: dict) -> float:
    """Area two boxes share (0 when they only touch)."""
    width = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
    height = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
    return max(width, 0) * max(height, 0)


def settle(page: Page) -> None:
    """Wait out the hover and focus transitions."""
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")


def covered_text(page: Page, card) -> list[str]:
    """What the card shows now that lies on its poster's text."""
    texts = card.locator("img.card-art").evaluate(POSTER_TEXT)
    assert texts, "the poster has no text to keep clear"
    shown = card.evaluate(SHOWING, ADDED)
    return [
        f"{s['what']} covers {t['text']!r}" for s in shown for t in texts if overlap(s, t) > 1.0
    ]


@pytest.mark.parametrize("size", SIZES)
def test_hover_and_focus_leave_the_poster_title_and_the_progress_bar_clear(
    browser, live_site, size
):
    width, height = SIZES[size]
    context = browser.new_context(
        base_url=live_site.url, viewport={"width": width, "height": height}
    )
    try:
        page = context.new_page()
        watcher = query(live_site, SERIES_WATCHER)
        assert watcher, "no demo profile is halfway through an episode"
        sign_in(page, watcher[0])
        choose(page, watcher[1])
        page.wait_for_load_state("load")
        rows = page.locator("section.row")
        expect(rows.first).to_be_visible()
        problems = []
        checked = 0
        for r in range(min(rows.count(), ROWS_CHECKED)):
            cards = rows.nth(r).locator(".card")
            for c in range(min(cards.count(), CARDS_PER_ROW)):
                card = cards.nth(c)
                card.scroll_into_view_if_needed()
                card.locator(".card-art").hover()
                settle(page)
                problems += [f"hover, row {r} card {c}: {p}" for p in covered_text(page, card)]
                card.locator(".card-link").focus()
                page.mouse.move(0, 0)
                settle(page)
                problems += [f"focus, row {r} card {c}: {p}" for p in covered_text(page, card)]
                checked += 1
        assert checked >= ROWS_CHECKED * 2
        assert problems == []

        # Continue Watching: the episode note and the progress bar side by side, never stacked.
        progress_cards = page.locator(".card:has(.card-progress)")
        assert progress_cards.count() > 0, "the demo viewer has something to continue"
        noted = 0
        for i in range(progress_cards.count()):
            card = progress_cards.nth(i)
            card.scroll_into_view_if_needed()
            bar = card.locator(".card-progress").bounding_box()
            art = card.locator(".card-art").bounding_box()
            assert overlap(bar, art) == 0, "the progress bar sits on the artwork"
            if card.locator(".card-note").count():
                note = card.locator(".card-note").bounding_box()
                assert overlap(note, bar) == 0, "the episode note sits on the progress bar"
                assert overlap(note, art) == 0, "the episode note sits on the artwork"
                noted += 1
        assert noted > 0, "no Continue Watching card with an episode note to check"
    finally:
        context.close()
