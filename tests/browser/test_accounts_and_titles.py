"""What a viewer sees of accounts and titles: a password reset by mail, a sign-up form
that keeps what was typed, a series page open at the resume season, a sorted genre."""

import re
import time
import uuid
from email import policy
from email.parser import BytesParser

import pytest
import sqlalchemy as sa

sync_api = pytest.importorskip("playwright.sync_api", reason="install the dev extras (playwright)")
Page, expect = sync_api.Page, sync_api.expect

pytestmark = pytest.mark.browser

PASSWORD = "popcorn and 42 trailers"
NEW_PASSWORD = "fresh popcorn 43 times"
SERIES = "Breaking Bad"
# How long the player's events may take to reach the database.
EVENTS_WAIT_SECONDS = 10.0


def sign_up(page: Page) -> str:
    """A new account, signed in with its first profile chosen; returns its email."""
    email = f"polish-{uuid.uuid4().hex[:10]}@example.com"
    page.goto("/auth/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Who's watching?")).to_be_visible()
    page.locator(".profile-tile").first.click()
    expect(page).not_to_have_url(re.compile(r"/profiles"))
    return email


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def reset_link(live_site, email: str) -> str:
    """The link in the newest reset mail to `email`, from the demo's mail folder."""
    for path in sorted(
        (live_site.instance / "mail").glob("*.eml"), key=lambda p: -p.stat().st_mtime
    ):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        if message["To"] == email:
            return re.search(r"https?://\S+/auth/reset/\S+", message.get_body().get_content())[0]
    raise AssertionError(f"no mail to {email}")


def test_a_forgotten_password_is_reset_by_mail_and_every_device_signed_out(
    page: Page, browser, live_site
):
    email = sign_up(page)
    other = browser.new_context(base_url=live_site.url)
    try:
        laptop = other.new_page()
        sign_in(laptop, email, PASSWORD)
        expect(laptop.get_by_role("heading", name="Who's watching?")).to_be_visible()

        page.context.clear_cookies()
        page.goto("/auth/login")
        page.get_by_role("link", name="Forgot your password?").click()
        page.get_by_label("Email").fill(email)
        page.get_by_role("button", name="Send the link").click()
        expect(page.get_by_text("a link to choose a new password is on its way")).to_be_visible()

        page.goto(reset_link(live_site, email))
        expect(page.get_by_text(f"For {email}.")).to_be_visible()
        page.get_by_label("New password").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Set the new password").click()
        expect(page.get_by_text("every device is signed out")).to_be_visible()

        laptop.goto("/profiles/")
        expect(laptop).to_have_url(re.compile(r"/auth/login"))
        sign_in(page, email, PASSWORD)
        expect(page.get_by_text("That email and password do not match an account.")).to_be_visible()
        sign_in(page, email, NEW_PASSWORD)
        expect(page.get_by_role("heading", name="Who's watching?")).to_be_visible()
    finally:
        other.close()


def test_sign_up_asks_once_and_keeps_what_was_typed(page: Page):
    page.goto("/auth/signup")
    expect(page.locator("input[type=password]")).to_have_count(1)
    page.get_by_label("Email").fill("someone-at-example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("someone-at-example.com")
    expect(page.get_by_label("Password", exact=True)).to_have_value(PASSWORD)


def _series_episode(live_site) -> tuple[int, int]:
    engine = sa.create_engine(f"sqlite:///{live_site.instance / 'marquee.db'}")
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT t.id, e.id AS episode FROM titles t JOIN seasons s ON s.title_id = t.id "
                "JOIN episodes e ON e.season_id = s.id "
                "WHERE t.name = :name AND s.number = 2 AND e.number = 1"
            ),
            {"name": SERIES},
        ).one()
    engine.dispose()
    return row.id, row.episode


def _resume_season(live_site, email: str, title_id: int) -> int | None:
    engine = sa.create_engine(f"sqlite:///{live_site.instance / 'marquee.db'}")
    with engine.connect() as conn:
        season = conn.execute(
            sa.text(
                "SELECT s.number FROM watch_states w JOIN profiles p ON p.id = w.profile_id "
                "JOIN accounts a ON a.id = p.account_id JOIN episodes e ON e.id = w.episode_id "
                "JOIN seasons s ON s.id = e.season_id WHERE a.email = :email AND w.title_id = :t"
            ),
            {"email": email, "t": title_id},
        ).scalar()
    engine.dispose()
    return season


def test_a_series_page_opens_at_the_season_being_watched(page: Page, live_site):
    email = sign_up(page)
    title_id, _ = _series_episode(live_site)
    page.goto(f"/title/{title_id}")
    expect(page.locator('details.season[data-season="1"]')).to_have_attribute("open", "")
    season_two = page.locator('details.season[data-season="2"]')
    season_two.locator("summary").click()
    season_two.locator(".episode-play").first.click()
    video = page.locator("[data-player-video]")
    expect(video).to_have_attribute("data-master-url", re.compile(r"/master\.m3u8\?"))
    page.wait_for_function("() => document.querySelector('[data-player-video]').readyState >= 2")
    if page.evaluate("() => document.querySelector('[data-player-video]').paused"):
        page.locator("[data-player-toggle]").click()
    page.wait_for_function("() => document.querySelector('[data-player-video]').currentTime > 0.8")
    page.goto("/")  # leaving the player sends what it has not sent yet
    deadline = time.monotonic() + EVENTS_WAIT_SECONDS
    while _resume_season(live_site, email, title_id) != 2 and time.monotonic() < deadline:
        time.sleep(0.2)  # polling the database the server writes to; not a page wait
    assert _resume_season(live_site, email, title_id) == 2

    page.goto(f"/title/{title_id}")
    expect(page.locator('details.season[data-season="2"]')).to_have_attribute("open", "")
    expect(page.locator('details.season[data-season="1"]')).not_to_have_attribute("open", "")
    expect(page.locator('details.season[data-season="2"] .episode-synopsis').first).to_be_visible()


def test_a_genre_sorts_by_name_and_shows_only_series(page: Page):
    sign_up(page)
    page.goto("/browse/genre/drama")
    sort_by = page.get_by_role("list", name="Sort by")
    sort_by.get_by_role("link", name="A–Z").click()
    expect(sort_by.get_by_role("link", name="A–Z")).to_have_attribute("aria-current", "true")
    names = page.locator(".card-grid .card-name").all_inner_texts()
    plain = [n for n in names if n.isascii()]  # the database lowercases ASCII only
    assert len(plain) > 3 and plain == sorted(plain, key=str.lower)
    page.get_by_role("list", name="Show").get_by_role("link", name="Series").click()
    expect(page).to_have_url(re.compile(r"sort=az"))
    kinds = page.locator(".card-grid .card-meta").all_inner_texts()
    assert kinds and all("Series" in k for k in kinds)
