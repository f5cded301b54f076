"""A profile whose limit was lowered meets none of its own past above the new limit.

The history stays in the database and in the account holder's data export; it
only stops being shown, linked, counted or named on the profile's pages.
"""

import json
import re
from collections import Counter

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.webapp.catalog_factory import make_account, page_text
from webapp.extensions import db
from webapp.models import Profile, Title, WatchState
from webapp.recommendations.store import model_store
from webapp.recommendations.training import train_model

KIDS_LIMIT = 7


def _popular_mature(kind: str, n: int) -> list[Title]:
    """The most watched titles of a kind rated for adults: ones the model knows well."""
    plays = Counter(
        db.session.scalars(
            select(WatchState.title_id)
            .join(Title, Title.id == WatchState.title_id)
            .where(Title.kind == kind, Title.maturity_age >= 17)
        )
    )
    return [db.session.get(Title, t) for t, _ in plays.most_common(n)]


@pytest.fixture
def lowered(seeded_app):
    """A grown-up profile that watched and loved adult titles, then became a kids profile."""
    app = seeded_app
    client = app.test_client()
    with app.app_context():
        train_model(app.config["MODEL_DIR"], evaluate=False)
        model_store().invalidate()
        _, (sam, parent) = make_account(
            "household@example.com", [{"name": "Sam"}, {"name": "Parent"}]
        )
        mature = _popular_mature("film", 4) + _popular_mature("series", 1)
        mature = [(t.id, t.name, (t.runtime_minutes or 60) * 60) for t in mature]
    AuthActions(client).as_viewer(sam)
    events = []
    for title_id, _, seconds in mature[:4]:
        events += [
            {"type": "play_start", "title_id": title_id, "value": 0},
            {"type": "complete", "title_id": title_id, "value": seconds},
            {"type": "rate", "title_id": title_id, "value": 2},
        ]
    series_id = mature[4][0]
    with app.app_context():
        first = db.session.get(Title, series_id).seasons[0].episodes[0].id
    events += [
        {"type": "play_start", "title_id": series_id, "episode_id": first, "value": 0},
        {"type": "pause", "title_id": series_id, "episode_id": first, "value": 600},
        {"type": "list_add", "title_id": mature[0][0]},
        {"type": "rate", "title_id": series_id, "value": 1},
    ]
    assert client.post("/api/events", json={"events": events}).status_code == 200
    # Before: the profile's own pages do show them (so the checks below can fail).
    before = page_text(client.get("/")) + page_text(client.get("/account/activity"))
    assert any(f"Because you watched {name}" in before for _, name, _ in mature) or any(
        f"Because you liked {name}" in before for _, name, _ in mature
    )
    with app.app_context():
        profile = db.session.get(Profile, sam)
        profile.maturity_limit, profile.is_kids = KIDS_LIMIT, True
        db.session.commit()
    return app, client, mature, parent


def _names_or_links(html: str, mature) -> list[str]:
    found = []
    for title_id, name, _ in mature:
        if name in html:
            found.append(name)
        if re.search(rf'/title/{title_id}(?:[-"?/])', html) or f'value="{title_id}"' in html:
            found.append(f"link to {title_id}")
    return found


def test_a_lowered_profile_never_meets_its_own_adult_past(lowered):
    _, client, mature, _ = lowered
    home = client.get("/")
    assert home.status_code == 200
    pages = {"/": page_text(home)}
    for url in ("/account/activity", "/my-list", "/welcome/picks"):
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = page_text(response)
    # Title pages carry "More like this" reasons: open every title the home page shows.
    shown = sorted(set(re.findall(r'href="(/title/\d+-[^"#?]+)"', pages["/"])))
    assert shown
    for url in shown[:12]:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = page_text(response)
    ids = ",".join(str(t) for t, _, _ in mature)
    pages["/api/titles/state"] = client.get(f"/api/titles/state?ids={ids}").get_data(as_text=True)
    for url, html in pages.items():
        assert not _names_or_links(html, mature), url
    assert "Nothing watched yet" in pages["/account/activity"]


def test_the_account_download_still_holds_the_whole_past(lowered):
    _, client, mature, parent = lowered
    client.post(f"/profiles/{parent}/choose")
    response = client.post("/account/export")
    assert response.status_code == 200
    body = json.loads(response.get_data(as_text=True))
    assert {name for _, name, _ in mature} <= set(body["titles"].values())
    sam = next(doc for doc in body["profiles"] if doc["profile"]["name"] == "Sam")
    assert {t for t, _, _ in mature} <= {e["title_id"] for e in sam["events"]}
    assert len(sam["ratings"]) == 5 and len(sam["my_list"]) == 1
