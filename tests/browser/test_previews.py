"""The home hero's muted trailer preview in Chromium: it plays muted and looping once on screen,
the preview event reaches the log with the cut shown, and reduced motion keeps the art still."""

import re
import time

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.browser.test_playback import database, sign_up_and_choose

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HERO_VIDEO = "section.hero video.hero-preview"
# How long a logged event may take to be written (sent at once, over a loaded machine).
EVENT_WAIT_SECONDS = 15.0


def preview_events(engine: sa.Engine, email: str) -> list[tuple[int, float, str]]:
    with engine.connect() as conn:
        return [
            (r.title_id, r.value, r.page)
            for r in conn.execute(
                sa.text(
                    "SELECT e.title_id, e.value, e.page FROM events e "
                    "JOIN profiles p ON p.id = e.profile_id JOIN accounts a ON a.id = p.account_id "
                    "WHERE a.email = :email AND e.type = 'preview' ORDER BY e.id"
                ),
                {"email": email},
            )
        ]


def skip_onboarding(page: Page) -> None:
    """A new profile's first home page asks for favourites; skipping shows the hero."""
    page.goto("/")
    page.get_by_role("button", name="Skip for now").click()
    expect(page.locator("section.hero")).to_be_visible()


def test_the_hero_plays_a_muted_preview_and_logs_it(page: Page, live_site):
    engine = database(live_site)
    email = sign_up_and_choose(page)
    skip_onboarding(page)
    video = page.locator(HERO_VIDEO)
    expect(video).to_have_attribute("data-preview-state", "playing")
    expect(page.locator("section.hero")).to_have_class(re.compile(r"\bis-previewing\b"))
    state = video.evaluate("v => ({muted: v.muted, loop: v.loop, inline: v.playsInline})")
    assert state == {"muted": True, "loop": True, "inline": True}
    first = video.evaluate("v => v.currentTime")
    page.wait_for_function(
        f"() => document.querySelector('{HERO_VIDEO}').currentTime > {first} + 0.5"
    )
    title_id = int(video.get_attribute("data-title-id"))
    variant = float(video.get_attribute("data-variant"))
    with engine.connect() as conn:
        cuts = dict(
            conn.execute(
                sa.text("SELECT id, name FROM trailer_variants WHERE title_id = :t"),
                {"t": title_id},
            ).all()
        )
    assert set(cuts.values()) == {"Cold open", "Bright open", "Quick cut"}
    assert int(variant) in cuts
    deadline = time.monotonic() + EVENT_WAIT_SECONDS
    while not preview_events(engine, email) and time.monotonic() < deadline:
        time.sleep(0.2)  # polling the database another process writes; not a test wait
    assert preview_events(engine, email) == [(title_id, variant, "home")]


def test_reduced_motion_keeps_the_art_and_fetches_no_preview(page: Page, live_site):
    page.emulate_media(reduced_motion="reduce")
    sign_up_and_choose(page)
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/media/" in r.url else None)
    skip_onboarding(page)
    page.wait_for_load_state("networkidle")
    video = page.locator(HERO_VIDEO)
    expect(video).to_be_hidden()
    assert video.get_attribute("data-preview-state") is None
    assert asked == []
    expect(page.locator("section.hero img.hero-art")).to_be_visible()
