"""The watch page plays real media: the demo's shared mood clips, signed URLs, quality events."""

import html
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import BACKENDS, AuthActions
from tests.webapp.catalog_factory import build_catalog, make_account
from tests.webapp.test_media_support import media_app
from webapp.extensions import db
from webapp.media import demo
from webapp.models import Episode, Event, MediaAsset, MediaLink, Title

PASSWORD = "correct horse 42"
CLIP_SECONDS = 1.5


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, templates, tmp_path_factory):
    """A small catalog whose every film and episode plays a tiny demo mood clip."""
    app, close = media_app(templates, request.param, tmp_path_factory.mktemp("watch"))
    with app.app_context():
        made = build_catalog(n_kid=2)
        result = app.test_cli_runner().invoke(
            args=["media", "seed-demo", "--seconds", str(CLIP_SECONDS)]
        )
        assert result.exit_code == 0, result.output
        _, (adult,) = make_account("adult@example.com", [{"name": "Adult"}])
        _, (kid,) = make_account(
            "kid@example.com", [{"name": "Kid", "is_kids": True, "maturity_limit": 7}]
        )
    yield app, made.titles, {"adult": ("adult@example.com", adult), "kid": ("kid@example.com", kid)}
    close()


def _client(site, who: str):
    app, _, people = site
    client = app.test_client()
    auth = AuthActions(client)
    email, profile_id = people[who]
    auth.as_viewer(profile_id)
    return client


def _video(page: str) -> dict[str, str]:
    """The attributes of the page's <video> element, as the HTML gives them (no script run)."""
    tag = re.search(r"<video\b([^>]*)>", page)
    assert tag, "the page has no <video>"
    return {k: html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', tag.group(1))}


def test_demo_seed_gives_every_film_and_episode_media_once(site):
    app, _, _ = site
    with app.app_context():
        # The mood clips: the demo's trailer cuts are assets of their own (webapp.media.demo_trailers).
        moods = MediaAsset.source_name.startswith(demo.SOURCE_PREFIX)
        assets = db.session.scalars(select(MediaAsset).where(moods)).all()
        assert sorted(a.source_name for a in assets) == sorted(
            demo.SOURCE_PREFIX + m.name for m in demo.MOODS
        )
        assert all(a.published and a.title_id is None for a in assets)
        films = db.session.scalar(select(func.count()).where(Title.kind == "film"))
        episodes = db.session.scalar(select(func.count()).select_from(Episode))
        assert db.session.scalar(select(func.count()).select_from(MediaLink)) == films + episodes
        # Run again: nothing is transcoded twice and nothing is linked twice.
        result = app.test_cli_runner().invoke(args=["media", "seed-demo"])
        assert result.exit_code == 0, result.output
        assert "0 films and episodes linked" in result.output
        assert db.session.scalar(select(func.count()).where(moods)) == len(demo.MOODS)


def test_the_video_names_its_master_playlist_and_poster_before_script_runs(site):
    _, titles, _ = site
    client = _client(site, "adult")
    page = client.get(f"/watch/{titles['Blood Harbor']}").get_data(as_text=True)
    video = _video(page)
    assert "/master.m3u8?" in video["data-master-url"]
    assert "/poster.jpg?" in video["poster"]
    sources = [html.unescape(s) for s in re.findall(r'<source src="([^"]+)"', page)]
    assert sources[0] == video["data-master-url"]
    assert "/progressive.mp4?" in sources[1]
    playlist = client.get(video["data-master-url"])
    assert playlist.status_code == 200
    assert playlist.get_data(as_text=True).startswith("#EXTM3U")
    poster = client.get(video["poster"])
    poster.close()
    assert (poster.status_code, poster.content_type) == (200, "image/jpeg")
    assert "vendor/hls.js/hls.light.min.js" in page


def test_the_quality_menu_lists_the_ladder_and_captions_are_offered(site):
    _, titles, _ = site
    client = _client(site, "adult")
    page = client.get(f"/watch/{titles['Sunny Meadow 0']}").get_data(as_text=True)
    menu = page.split("data-player-quality>")[1].split("</select>")[0]
    assert re.findall(r"<option[^>]*>([^<]+)</option>", menu) == ["Auto", "720p", "480p", "240p"]
    track = re.search(r'<track kind="captions" src="([^"]+)"', page)
    captions = client.get(html.unescape(track.group(1)))
    text = captions.get_data(as_text=True)
    captions.close()
    assert captions.status_code == 200 and captions.content_type.startswith("text/vtt")
    assert text.startswith("WEBVTT") and "[a soft, steady tone]" in text


def test_an_episode_plays_its_own_link(site):
    app, titles, _ = site
    client = _client(site, "adult")
    with app.app_context():
        first = db.session.scalar(
            select(Episode.id).where(Episode.title_id == titles["Cartel Days"]).limit(1)
        )
    page = client.get(f"/watch/{titles['Cartel Days']}/episode/{first}").get_data(as_text=True)
    assert client.get(_video(page)["data-master-url"]).status_code == 200


def test_a_profile_that_may_not_see_a_title_gets_no_playable_url(site):
    _, titles, _ = site
    kid = _client(site, "kid")
    response = kid.get(f"/watch/{titles['Blood Harbor']}")
    assert response.status_code == 404
    assert "/media/" not in response.get_data(as_text=True)
    # The kid's own films play, and their signed URLs are the kid's alone.
    page = kid.get(f"/watch/{titles['Sunny Meadow 0']}").get_data(as_text=True)
    master = _video(page)["data-master-url"]
    assert kid.get(master).status_code == 200
    forged = re.sub(r"([?&]p=)\d+", lambda m: m.group(1) + "999999", master)
    assert kid.get(forged).status_code == 403


def test_a_title_without_media_says_it_is_not_available_yet(site):
    app, titles, _ = site
    with app.app_context():
        db.session.execute(
            MediaLink.__table__.delete().where(MediaLink.title_id == titles["Sunny Meadow 1"])
        )
        db.session.commit()
    client = _client(site, "adult")
    page = client.get(f"/watch/{titles['Sunny Meadow 1']}").get_data(as_text=True)
    assert "Not available to play yet" in page
    assert "<video" not in page and "js/player.js" not in page and "/media/" not in page
    assert "data-player-upload" not in page  # viewers get no upload link
    with app.app_context():
        from webapp.models import Account

        account = db.session.scalar(select(Account).where(Account.email == "adult@example.com"))
        account.is_admin = True
        db.session.commit()
    try:
        page = client.get(f"/watch/{titles['Sunny Meadow 1']}").get_data(as_text=True)
        assert f'href="/admin/titles/{titles["Sunny Meadow 1"]}" data-player-upload' in page
    finally:
        with app.app_context():
            account = db.session.scalar(select(Account).where(Account.email == "adult@example.com"))
            account.is_admin = False
            db.session.commit()


QUALITY = [
    {"type": "startup", "value": 0.84, "text": "click"},
    {"type": "rebuffer", "value": 1.5},
    {"type": "rendition_switch", "value": 720, "text": "720p"},
    {"type": "playback_error", "value": 3, "text": "video 3: decode error"},
]


def test_quality_events_are_stored_with_device_and_local_hour(site):
    app, titles, people = site
    client = _client(site, "adult")
    film = titles["Sunny Meadow 0"]
    events = [{**e, "title_id": film, "local_hour": 21} for e in QUALITY]
    response = client.post(
        "/api/events",
        json={"events": events},
        headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["stored"] == 4
    with app.app_context():
        rows = db.session.scalars(
            select(Event)
            .where(
                Event.profile_id == people["adult"][1], Event.type.in_([e["type"] for e in QUALITY])
            )
            .order_by(Event.id)
        ).all()
        got = [(r.type, r.value, r.text, r.local_hour, r.device) for r in rows]
    assert got == [
        ("startup", 0.84, "click", 21, "desktop"),
        ("rebuffer", 1.5, None, 21, "desktop"),
        ("rendition_switch", 720, "720p", 21, "desktop"),
        ("playback_error", 3, "video 3: decode error", 21, "desktop"),
    ]


@pytest.mark.parametrize(
    "event, field",
    [
        ({"type": "startup"}, "value"),
        ({"type": "startup", "value": -1}, "value"),
        ({"type": "rebuffer", "value": 99999}, "value"),
        ({"type": "rendition_switch", "value": 720.5}, "value"),
        ({"type": "rendition_switch"}, "value"),
        ({"type": "playback_error", "value": 3}, "text"),
        ({"type": "startup", "value": "fast"}, "value"),
        ({"type": "rebuffer", "value": 1, "row_pos": -2}, "row_pos"),
    ],
)
def test_bad_quality_events_are_refused_and_nothing_is_stored(site, event, field):
    app, titles, _ = site
    client = _client(site, "adult")
    film = titles["Sunny Meadow 0"]
    good = {"type": "startup", "value": 1.0, "title_id": film}
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Event))
    response = client.post("/api/events", json={"events": [good, {**event, "title_id": film}]})
    assert response.status_code == 400
    body = response.get_json()
    assert body["field"] == f"events[1].{field}" and body["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == before


def test_the_policy_lets_hls_js_feed_the_video_and_nothing_more(site):
    _, titles, _ = site
    client = _client(site, "adult")
    policy = client.get(f"/watch/{titles['Blood Harbor']}").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["media-src"] == "'self' blob:"
    assert directives["worker-src"] == "'self' blob:"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"


def test_simulated_viewers_log_startup_and_rebuffers(seeded_app):
    """The demo's viewers report playback quality too, slower on TVs and phones than desktops."""
    with seeded_app.app_context():
        plays = db.session.scalar(select(func.count()).where(Event.type == "play_start"))
        rows = db.session.execute(
            select(Event.type, Event.device, Event.value).where(
                Event.type.in_(("startup", "rebuffer"))
            )
        ).all()
    startups = [r for r in rows if r.type == "startup"]
    assert len(startups) == plays > 0
    assert all(0 < r.value <= 30 for r in rows)
    assert 0 < sum(r.type == "rebuffer" for r in rows) < plays
    median = {
        device: sorted(r.value for r in startups if r.device == device)
        for device in ("desktop", "tv")
    }
    assert median["tv"][len(median["tv"]) // 2] > median["desktop"][len(median["desktop"]) // 2]


def test_a_title_made_with_ai_is_labelled_on_the_player(site):
    app, titles, _ = site
    client = _client(site, "adult")
    note = "The narration was synthesised from archive recordings."
    with app.app_context():
        title = db.session.get(Title, titles["Sunny Meadow 0"])
        title.ai_use, title.ai_use_note = "assisted", note
        db.session.commit()
    try:
        labelled = client.get(f"/watch/{titles['Sunny Meadow 0']}").get_data(as_text=True)
        plain = client.get(f"/watch/{titles['Blood Harbor']}").get_data(as_text=True)
    finally:
        with app.app_context():
            title = db.session.get(Title, titles["Sunny Meadow 0"])
            title.ai_use, title.ai_use_note = "none", ""
            db.session.commit()
    assert re.search(
        r'data-ai-use="assisted"><span class="badge badge-ai">AI-assisted</span>', labelled
    )
    assert note in labelled
    assert "data-ai-use" not in plain
