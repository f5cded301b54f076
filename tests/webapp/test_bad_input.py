"""Input no database can take is a clear 400, on every backend, and never a logged traceback."""

import logging

import pytest

from tests.webapp.catalog_factory import build_catalog, page_text, sign_in_as

NESTED = "[" * 2000 + "]" * 2000
HUGE = str(2**64)
ADULT = {"name": "Alex", "maturity_limit": 18}


def _tracebacks(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.fixture
def viewer(app, client, auth):
    with app.app_context():
        build_catalog(n_kid=3)
    sign_in_as(app, client, auth, "input@example.com", ADULT)
    return client


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_deeply_nested_json_is_refused_even_anonymously(app, client, caplog, content_type):
    response = client.get("/healthz", data=NESTED, content_type=content_type)
    assert response.status_code == 400
    assert "nested too deeply" in page_text(response)
    assert not _tracebacks(caplog)


@pytest.mark.parametrize(
    "method, url",
    [
        ("post", "/api/events"),
        ("put", "/api/titles/1/rating"),
        ("put", "/api/titles/1/list"),
        ("get", "/account/activity"),
        ("get", "/"),
    ],
)
def test_deeply_nested_json_is_a_clear_400_for_signed_in_viewers(viewer, caplog, method, url):
    response = getattr(viewer, method)(url, data=NESTED, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in page_text(response)
    if url.startswith("/api/"):
        assert "nested too deeply" in response.get_json()["message"]
    assert not _tracebacks(caplog)


@pytest.mark.parametrize(
    "url",
    [
        f"/api/titles/state?ids={HUGE}",
        f"/api/titles/state?ids=1,-{HUGE}",
        f"/api/titles/state?ids=1,{2**40}",
        f"/browse/genre/family?page={HUGE}",
        f"/browse/genre/family?page={2**62}",
        f"/account/activity?page={HUGE}",
        "/account/activity?page=two",
    ],
)
def test_integers_beyond_the_database_range_are_a_400(viewer, caplog, url):
    response = viewer.get(url)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    text = page_text(response)
    assert "whole number" in text
    if url.startswith("/api/"):
        assert response.is_json and "whole number" in response.get_json()["message"]
    assert not _tracebacks(caplog)


@pytest.mark.parametrize("item_id", [HUGE, f"-{HUGE}", "1e400"])
@pytest.mark.parametrize("kind", ["title", "episode"])
def test_removing_an_activity_entry_with_a_huge_id_is_a_400(viewer, caplog, kind, item_id):
    response = viewer.post("/account/activity/remove", data={"kind": kind, "item_id": item_id})
    assert response.status_code == 400
    assert not _tracebacks(caplog)


def test_a_huge_page_after_removing_is_a_400(viewer, caplog):
    response = viewer.post(
        f"/account/activity/remove?page={HUGE}", data={"kind": "title", "item_id": "1"}
    )
    assert response.status_code == 400
    assert not _tracebacks(caplog)


def test_ordinary_pages_and_ids_still_work(viewer):
    assert viewer.get("/browse/genre/family?page=1").status_code == 200
    assert viewer.get("/browse/genre/family?page=0").status_code == 404
    assert viewer.get("/account/activity?page=2").status_code == 200
    state = viewer.get(f"/api/titles/state?ids=1,2,{2**31 - 1}")
    assert state.status_code == 200 and set(state.get_json()["titles"]) == {"1", "2"}


@pytest.mark.parametrize(
    "method, url, body, field",
    [
        (
            "post",
            "/api/events",
            '{"events": [{"type": "play_start", "title_id": 1, "value": 1%s}]}' % ("0" * 400),
            "events[0].value",
        ),
        (
            "post",
            "/api/events",
            '{"events": [{"type": "pause", "title_id": 1, "value": 5, "duration": -1%s}]}'
            % ("0" * 400),
            "events[0].duration",
        ),
        ("put", "/api/titles/1/rating", '{"value": 2%s}' % ("0" * 400), "value"),
    ],
)
def test_numbers_too_large_for_a_float_are_a_400(viewer, caplog, method, url, body, field):
    response = getattr(viewer, method)(url, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["field"] == field
    assert not _tracebacks(caplog)
