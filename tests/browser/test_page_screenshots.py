"""Screenshots of the pages people look at most, at a laptop and a phone size, for review.

`make screenshots` runs this module alone and writes the PNGs (and one of a card's menu
opened from the keyboard) to screenshots/
(MARQUEE_SCREENSHOTS_DIR); in the test suite they go to test-artifacts/pages/.
Every page must render without a console error or a failed request at both sizes:
a page that breaks at one width fails here before anyone has to look.
"""

import os
import re
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.screenshots import ARTIFACTS, PNG_SIGNATURE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEMO_PASSWORD = "marquee-demo"
VIEWER_EMAIL = "viewer1@marquee.local"
ADMIN_EMAIL = "admin@marquee.local"
SIZES = {"1366x900": (1366, 900), "390x844": (390, 844)}
FILM = "The Godfather"
SEARCH = "godfather"
INSIGHTS_PAGE = "demand"


def output_folder() -> Path:
    folder = os.environ.get("MARQUEE_SCREENSHOTS_DIR")
    return Path(folder).resolve() if folder else ARTIFACTS / "pages"


def query(live_site, sql: str, *args):
    with sqlite3.connect(live_site.instance / "marquee.db") as conn:
        return conn.execute(sql, args).fetchone()


def watchful(page: Page) -> list[str]:
    """Console errors, uncaught exceptions and failed requests of `page`, as they happen."""
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda exc: problems.append(f"exception: {exc}"))
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"{r.status} {r.request.method} {r.url}"),
    )
    return problems


def sign_in(page: Page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Who's watching?")).to_be_visible()


def choose(page: Page, profile: str) -> None:
    page.get_by_role("button", name=re.compile(rf"^{re.escape(profile)}( Kids)?$")).click()
    expect(page).not_to_have_url(re.compile(r"/profiles"))


def shoot(page: Page, folder: Path, name: str, size: str, full_page: bool = True) -> None:
    """The page once its images have loaded, as `name`-`size`.png."""
    page.wait_for_load_state("networkidle")
    path = folder / f"{name}-{size}.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=path, full_page=full_page)
    with path.open("rb") as image:
        assert image.read(len(PNG_SIGNATURE)) == PNG_SIGNATURE, f"{path} is not a PNG"


@pytest.mark.parametrize("size", SIZES)
def test_main_pages_render_cleanly_at_laptop_and_phone_sizes(browser, live_site, size):
    folder = output_folder()
    folder.mkdir(parents=True, exist_ok=True)
    width, height = SIZES[size]
    film_id = query(live_site, "SELECT id FROM titles WHERE name = ?", FILM)[0]
    series_id = query(
        live_site,
        "SELECT t.id FROM titles t JOIN seasons s ON s.title_id = t.id "
        "WHERE t.kind = 'series' GROUP BY t.id ORDER BY count(s.id) DESC, t.id LIMIT 1",
    )[0]
    viewer_profile = query(
        live_site,
        "SELECT p.name FROM profiles p JOIN accounts a ON a.id = p.account_id "
        "WHERE a.email = ? AND NOT p.is_kids AND p.pin_hash IS NULL ORDER BY p.id LIMIT 1",
        VIEWER_EMAIL,
    )[0]
    kids_email, kids_profile = query(
        live_site,
        "SELECT a.email, p.name FROM profiles p JOIN accounts a ON a.id = p.account_id "
        "WHERE p.is_kids AND p.pin_hash IS NULL ORDER BY a.email = ? DESC, p.id LIMIT 1",
        VIEWER_EMAIL,
    )
    shots = [
        # (account, profile, page name, address, what must be on it)
        (VIEWER_EMAIL, viewer_profile, "home", "/", "section.row"),
        (VIEWER_EMAIL, viewer_profile, "title", f"/title/{film_id}", ".title-hero"),
        (VIEWER_EMAIL, viewer_profile, "series", f"/title/{series_id}", "details.season"),
        (VIEWER_EMAIL, viewer_profile, "search", f"/search?q={SEARCH}", ".card"),
        (kids_email, kids_profile, "kids-home", "/", "section.row"),
        (ADMIN_EMAIL, None, "admin-recommender", "/admin/recommender", "h1"),
        (ADMIN_EMAIL, None, f"insights-{INSIGHTS_PAGE}", f"/admin/insights/{INSIGHTS_PAGE}", "h1"),
    ]
    failures = []
    signed_in = None
    context = browser.new_context(
        base_url=live_site.url, viewport={"width": width, "height": height}
    )
    try:
        page = context.new_page()
        for email, profile, name, address, must_show in shots:
            if (email, profile) != signed_in:
                context.clear_cookies()
                sign_in(page, email)
                if profile:
                    choose(page, profile)
                signed_in = (email, profile)
            problems = watchful(page)
            page.goto(address)
            expect(page.locator(must_show).first).to_be_visible()
            shoot(page, folder, name, size)
            if name == "home":  # and a card's menu, opened from the keyboard
                page.locator("section.row").nth(1).locator(".card-link").first.focus()
                page.keyboard.press("Shift+F10")
                expect(page.locator(".card-menu:not([hidden])")).to_be_visible()
                shoot(page, folder, "home-card-menu", size, full_page=False)
            failures += [f"{name} at {size}: {p}" for p in problems]
            page.close()
            page = context.new_page()
    finally:
        context.close()
    assert not failures, "\n".join(failures)
