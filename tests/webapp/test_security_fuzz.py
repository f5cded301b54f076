"""A property-based fuzz of the JSON API: whatever a client sends, never a 5xx.

Thousands of generated payloads go to /api/events, the rating and My List
endpoints and the search suggestions: arbitrary JSON, near-valid events with
wrong field values, raw bytes under odd content types, and title ids of every
size. SQLite gets the full run; PostgreSQL a shorter one with the same
strategies, to keep the suite quick.
"""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.webapp.catalog_factory import build_catalog, sign_in_as
from webapp.activity.schema import FIELDS
from webapp.activity.vocabulary import EVENT_TYPES

# Examples per endpoint on SQLite; PostgreSQL runs a quarter of them.
EXAMPLES = {"events": 500, "single": 400, "suggest": 300, "raw": 300}

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=300)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=25,
)
event_types = st.sampled_from(EVENT_TYPES) | st.text(max_size=20)
near_valid_event = st.fixed_dictionaries(
    {"type": event_types},
    optional={name: json_values for name in FIELDS if name != "type"},
)
event_batches = (
    st.fixed_dictionaries(
        {"events": st.lists(near_valid_event, max_size=6)},
        optional={"csrf_token": json_values},
    )
    | st.dictionaries(st.text(max_size=12), json_values, max_size=4)
    | json_values
)
context = st.dictionaries(
    st.sampled_from(["value", "page", "row_key", "row_pos", "local_hour", "session_id"])
    | st.text(max_size=12),
    json_values,
    max_size=5,
)
title_ids = st.integers(min_value=0, max_value=2**70)
query_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)
content_types = st.sampled_from(
    [
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/octet-stream",
        "",
    ]
)


def _fuzz_settings(app, kind: str):
    examples = EXAMPLES[kind] if app.config["TEST_BACKEND"] == "sqlite" else EXAMPLES[kind] // 4
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,  # nothing written into the checkout
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


def _no_server_error(response) -> None:
    assert response.status_code < 500, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.is_json, response.status_code


def _viewer(app, client, auth) -> int:
    with app.app_context():
        catalog = build_catalog(n_kid=2)
    sign_in_as(app, client, auth, "fuzz@example.com", {"name": "Fuzz"})
    return next(iter(catalog.titles.values()))


def test_event_batches_never_cause_a_server_error(app, client, auth):
    _viewer(app, client, auth)

    @_fuzz_settings(app, "events")
    @given(batch=event_batches)
    def check(batch):
        _no_server_error(
            client.post("/api/events", data=json.dumps(batch), content_type="application/json")
        )

    check()


def test_rating_and_list_calls_never_cause_a_server_error(app, client, auth):
    known = _viewer(app, client, auth)

    @_fuzz_settings(app, "single")
    @given(
        title_id=st.just(known) | title_ids,
        method=st.sampled_from(["PUT", "DELETE"]),
        target=st.sampled_from(["rating", "list"]),
        body=context | json_values,
    )
    def check(title_id, method, target, body):
        response = client.open(
            f"/api/titles/{title_id}/{target}",
            method=method,
            data=json.dumps(body),
            content_type="application/json",
        )
        _no_server_error(response)

    check()


def test_search_suggestions_never_cause_a_server_error(app, client, auth):
    _viewer(app, client, auth)

    @_fuzz_settings(app, "suggest")
    @given(
        q=query_text,
        extra=st.dictionaries(st.sampled_from(["limit", "q", "page"]), query_text, max_size=2),
    )
    def check(q, extra):
        _no_server_error(client.get("/api/search/suggest", query_string={**extra, "q": q}))

    check()


def test_raw_bodies_under_any_content_type_never_cause_a_server_error(app, client, auth):
    known = _viewer(app, client, auth)

    @_fuzz_settings(app, "raw")
    @given(
        body=st.binary(max_size=600)
        | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
        content_type=content_types,
        url=st.sampled_from(
            ["/api/events", f"/api/titles/{known}/rating", f"/api/titles/{known}/list"]
        ),
    )
    def check(body, content_type, url):
        method = "POST" if url == "/api/events" else "PUT"
        _no_server_error(client.open(url, method=method, data=body, content_type=content_type))

    check()
