"""What an admin sees, in a real browser: the recommender page tells training's stage and a
short summary within the width of the screen, a CSV row with an unknown genre names the
closest known ones, and an insights page opens with its findings and folds long tables."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_page_screenshots import ADMIN_EMAIL, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# How long a training run or an insights refresh of the small seed may take on a loaded machine.
BACKGROUND_WAIT_SECONDS = 180.0
FOLD_ROWS = 12  # webapp.admin.insights_routes.FOLD_ROWS
INSIGHTS_PAGES = ("demand", "engagement", "segments", "supply", "exposure", "quality")
CSV_HEADER = (
    "kind,name,year,runtime_minutes,maturity_rating,genres,keywords,directors,creators,cast,"
    "synopsis,ai_use,ai_use_note,seasons"
)
CSV_ROW = (
    "film,Night Heist Browser,1995,170,R,Crime|Thriler,heist,Michael Mann,,"
    'Al Pacino,"A detective and a thief circle each other.",none,,'
)


def fits_the_window(page: Page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def reload_until(page: Page, locator, seconds: float = BACKGROUND_WAIT_SECONDS) -> None:
    """Reload `page` until `locator` shows, as an admin following a background job does."""
    deadline = time.monotonic() + seconds
    while not locator.count() and time.monotonic() < deadline:
        time.sleep(1.0)  # a person reloading now and then; the job runs in the server
        page.reload()
    expect(locator.first).to_be_visible()


def test_recommender_page_shows_stage_and_summary_never_the_log(page: Page):
    sign_in(page, ADMIN_EMAIL)
    page.goto("/admin/recommender")
    expect(page.get_by_role("heading", level=1, name="Recommender")).to_be_visible()
    page.get_by_role("button", name="Train now").click()
    expect(page.get_by_text("Training started.")).to_be_visible()
    running = page.get_by_role("status").filter(has_text="Training is running")
    if running.count():
        expect(running).to_have_text(re.compile(r"Training is running: .+ \(\d+ %\)"))
        expect(page.locator(".job-status progress")).to_be_visible()
    reload_until(page, page.locator(".job-status p").filter(has_text="Last run"))
    summary = page.locator(".job-status p").filter(has_text="Last run").inner_text()
    assert len(summary) < 400 and "\n" not in summary.strip(), summary
    text = page.locator("main").inner_text()
    assert not re.search(r'"(level|event|logger)":|Traceback|\bINFO\b|it/s\]', text), text[-800:]
    assert fits_the_window(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert fits_the_window(page)


def test_an_unknown_genre_in_a_csv_names_the_closest_known_ones(page: Page, tmp_path):
    csv_file = tmp_path / "titles.csv"
    csv_file.write_text(f"{CSV_HEADER}\n{CSV_ROW}\n", encoding="utf-8")
    sign_in(page, ADMIN_EMAIL)
    page.goto("/admin/import")
    page.locator("input[type=file]").set_input_files(csv_file)
    page.get_by_role("button", name="Check and import").click()
    errors = page.get_by_role("alert").filter(has_text="Nothing was imported")
    expect(errors).to_be_visible()
    expect(errors.get_by_role("row").filter(has_text="genres")).to_contain_text(
        "“Thriler” is not a genre of this catalog. Did you mean Thriller?"
    )
    page.goto("/search?q=Night+Heist+Browser")
    expect(page.locator(".card-grid .card")).to_have_count(0)


def test_insights_open_with_findings_and_fold_long_tables(page: Page):
    sign_in(page, ADMIN_EMAIL)
    page.goto(f"/admin/insights/{INSIGHTS_PAGES[0]}")
    findings = page.get_by_role("region", name="What the figures say")
    reload_until(page, findings)
    folded = 0
    for name in INSIGHTS_PAGES:
        page.goto(f"/admin/insights/{name}")
        expect(findings).to_be_visible()
        expect(findings.get_by_role("listitem").first).to_be_visible()
        order = page.evaluate(
            """() => {
                const f = document.querySelector('section.findings');
                const t = document.querySelector('.table-scroll');
                return t ? !!(f.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING) : true;
            }"""
        )
        assert order, f"{name}: a table comes before the findings"
        for table in page.locator(".table-scroll").all():
            rows = table.locator("tbody tr").count()
            fold = table.locator("xpath=ancestor::details[contains(@class, 'insights-fold')]")
            if rows > FOLD_ROWS:
                folded += 1
                expect(fold).to_have_count(1)
                expect(fold).not_to_have_attribute("open", "")
                expect(table.locator("tbody tr").first).to_be_hidden()
                fold.locator("summary").click()
                expect(table.locator("tbody tr").first).to_be_visible()
            else:
                expect(fold).to_have_count(0)
                expect(table.locator("tbody tr").first).to_be_visible()
    assert folded, "no insights table was long enough to fold"
