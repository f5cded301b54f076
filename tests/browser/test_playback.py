"""Real playback in Chromium: hls.js plays a demo clip, the position is saved, and it resumes."""

import re
import time
import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "popcorn and 42 trailers"
# How long a beacon sent as the page is left may take to be written.
BEACON_WAIT_SECONDS = 10.0


def sign_up_and_choose(page: Page) -> str:
    email = f"player-{uuid.uuid4().hex[:8]}@example.com"
    page.goto("/auth/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Who's watching?")).to_be_visible()
    page.get_by_role("link", name="Add profile").click()
    page.get_by_label("Name").fill("Viewer")
    page.get_by_role("button", name="Add profile").click()
    page.get_by_role("button", name=re.compile(r"^Viewer\b")).click()
    expect(page).not_to_have_url(re.compile(r"/profiles"))
    return email


def database(live_site) -> sa.Engine:
    return sa.create_engine(f"sqlite:///{live_site.instance / 'marquee.db'}")


def a_film(engine: sa.Engine) -> tuple[int, str]:
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT id, name FROM titles WHERE kind = 'film' AND maturity_age <= 12 "
                "ORDER BY id LIMIT 1"
            )
        ).one()
    return row.id, row.name


def saved_position(engine: sa.Engine, email: str, title_id: int) -> list[tuple[str, float]]:
    """The playback events this account's profile sent for the title, oldest first."""
    with engine.connect() as conn:
        return [
            (r.type, r.value)
            for r in conn.execute(
                sa.text(
                    "SELECT e.type, e.value FROM events e JOIN profiles p ON p.id = e.profile_id "
                    "JOIN accounts a ON a.id = p.account_id "
                    "WHERE a.email = :email AND e.title_id = :title ORDER BY e.id"
                ),
                {"email": email, "title": title_id},
            )
        ]


def current_time(page: Page) -> float:
    return page.evaluate("() => document.querySelector('[data-player-video]').currentTime")


def start_playing(page: Page) -> None:
    """Press play unless the page already started it, then wait for frames to move."""
    video = page.locator("[data-player-video]")
    expect(video).to_have_attribute("data-master-url", re.compile(r"/master\.m3u8\?"))
    page.wait_for_function("() => document.querySelector('[data-player-video]').readyState >= 2")
    if page.evaluate("() => document.querySelector('[data-player-video]').paused"):
        page.locator("[data-player-toggle]").click()
    page.wait_for_function("() => document.querySelector('[data-player-video]').currentTime > 0.8")


def test_a_film_plays_is_left_and_resumes_where_it_was(page: Page, live_site):
    engine = database(live_site)
    film, name = a_film(engine)
    email = sign_up_and_choose(page)

    page.goto(f"/watch/{film}")
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    # hls.js, not the MP4 fallback: the video plays from a MediaSource.
    start_playing(page)
    assert page.evaluate("() => document.querySelector('video').src.startsWith('blob:')")
    quality = page.get_by_label("Quality")
    expect(quality).to_be_visible()
    options = quality.locator("option")
    expect(options).to_have_text(["Auto", "720p", "480p", "240p"])
    expect(page.locator("[data-player-state]")).to_have_text(re.compile("Playing|Buffering"))
    # Hovering over the seek bar previews that moment with a tile of the sprite.
    page.get_by_role("slider", name="Position").hover()
    preview = page.locator("[data-player-preview-image]")
    expect(preview).to_be_visible()
    expect(preview).to_have_css("background-image", re.compile(r"sprite\.jpg\?"))

    # Pause part-way, as a viewer would, then leave the page.
    with page.expect_response(
        lambda r: r.url.endswith("/api/events") and "pause" in (r.request.post_data or "")
    ) as paused:
        page.keyboard.press("Space")
    assert paused.value.ok
    left_at = current_time(page)
    assert 0.8 < left_at < 3.0
    page.get_by_role("link", name=f"Back to {name}").click()
    expect(page).to_have_url(re.compile(r"/title/\d+"))

    # Leaving sent the position once more (a heartbeat as the page was hidden).
    deadline = time.monotonic() + BEACON_WAIT_SECONDS
    while time.monotonic() < deadline:
        events = saved_position(engine, email, film)
        if any(kind == "heartbeat" for kind, _ in events):
            break
        time.sleep(0.2)  # waiting for the server to write a beacon, not timing the code
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "play_start" and "pause" in kinds and "heartbeat" in kinds, events
    assert abs(dict(events)["pause"] - left_at) < 0.5
    assert {"startup"} <= set(kinds), "the startup time was logged"

    # Back on the player: it opens at the saved position and plays on from there.
    page.goto(f"/watch/{film}")
    expect(page.locator("#player")).to_have_attribute("data-start", re.compile(r"^[0-9.]+$"))
    start = float(page.locator("#player").get_attribute("data-start"))
    assert abs(start - left_at) < 0.5
    page.wait_for_function("() => document.querySelector('[data-player-video]').readyState >= 1")
    if page.evaluate("() => document.querySelector('[data-player-video]').paused"):
        page.locator("[data-player-toggle]").click()
    page.wait_for_function(
        f"() => document.querySelector('[data-player-video]').currentTime > {start + 0.2}"
    )
    assert current_time(page) - start < 2.5, "it resumed near where it was left"
