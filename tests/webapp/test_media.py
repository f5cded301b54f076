"""Transcoding and serving: a real clip made by ffmpeg becomes an HLS ladder that plays only
through signed, expiring URLs handed to profiles that may see the title."""

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import BACKENDS, AuthActions
from tests.webapp.catalog_factory import make_account
from tests.webapp.test_media_support import (
    add_film,
    add_series,
    make_clip,
    media_app,
    playback,
    probed_seconds,
)
from webapp import jobs
from webapp.extensions import db
from webapp.media import signing
from webapp.media.assets import job_name
from webapp.media.ladder import SEGMENT_SECONDS, segments
from webapp.models import MediaAsset

TTL = 3600


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return make_clip(tmp_path_factory.mktemp("clips") / "pattern.mp4")


@pytest.fixture(scope="module", params=BACKENDS)
def published(request, templates, tmp_path_factory, clip):
    """One app per backend with an R-rated film whose 720p clip went through `media import`."""
    instance = tmp_path_factory.mktemp("media")
    app, close = media_app(templates, request.param, instance, MEDIA_URL_TTL_SECONDS=TTL)
    title_id = add_film(app)
    result = app.test_cli_runner().invoke(
        args=["media", "import", str(clip), "--title", str(title_id)]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        asset = db.session.query(MediaAsset).one()
        asset_id = asset.id
        job = jobs.status(job_name(asset_id))
        assert asset.published and (job.state, job.stage, job.percent) == ("done", "done", 100)
        assert (asset.width, asset.height, asset.source_name) == (1280, 720, "pattern.mp4")
        assert asset.duration_seconds == pytest.approx(5.0)
    yield app, title_id, asset_id, result.output
    close()


def sign_in(app, email: str, **profile) -> tuple:
    """A client signed in, with one profile chosen."""
    with app.app_context():
        _, (profile_id,) = make_account(email, [{"name": "Viewer", **profile}])
    client = app.test_client()
    AuthActions(client).as_viewer(profile_id)
    return client, profile_id


def fetch(client, url: str, **kwargs):
    """GET, read whole (so that files sent from disk are closed)."""
    return client.get(url, buffered=True, **kwargs)


def uris(playlist: str) -> list[str]:
    return [line for line in playlist.splitlines() if line and not line.startswith("#")]


def resolve(base_url: str, relative: str) -> str:
    """A playlist's relative URI against the playlist's own URL, as a player resolves it."""
    folder = urlsplit(base_url).path.rsplit("/", 1)[0]
    return f"{folder}/{relative}"


# -- the transcode ----------------------------------------------------------------------------


def test_import_reports_each_stage_and_publishes_the_whole_ladder(published):
    app, _, asset_id, output = published
    assert "1280x720 h264, 5.0 s, with sound" in output
    for stage in ("encoding 240p", "encoding 480p", "encoding 720p", "thumbnails", "poster"):
        assert re.search(rf"^  {stage}: [\d.]+ s$", output, re.MULTILINE), output
    assert "Ready: media asset" in output

    folder = app.config["MEDIA_DIR"] / "assets" / str(asset_id)
    master = (folder / "master.m3u8").read_text()
    streams = re.findall(r"#EXT-X-STREAM-INF:(.*)\n(\S+)", master)
    assert [uri for _, uri in streams] == ["240p/index.m3u8", "480p/index.m3u8", "720p/index.m3u8"]
    assert [re.search(r"RESOLUTION=(\d+x\d+)", a).group(1) for a, _ in streams] == [
        "426x240",
        "854x480",
        "1280x720",
    ]
    for attributes, _ in streams:
        assert int(re.search(r"BANDWIDTH=(\d+)", attributes).group(1)) > 0
        assert 'CODECS="avc1.' in attributes and 'mp4a.40.2"' in attributes
    # Nothing is left half-written beside the published folder.
    assert not [p for p in (app.config["MEDIA_DIR"] / ".work").rglob("*")]


def test_segments_last_what_the_playlist_promises(published):
    app, _, asset_id, _ = published
    variant = app.config["MEDIA_DIR"] / "assets" / str(asset_id) / "720p"
    listed = segments(variant / "index.m3u8")
    assert [round(d, 2) for d, _ in listed] == [SEGMENT_SECONDS, 1.0]
    assert "#EXT-X-TARGETDURATION:4" in (variant / "index.m3u8").read_text()
    for promised, name in listed:
        assert probed_seconds(variant / name) == pytest.approx(promised, abs=0.15)


def test_poster_sprite_and_progressive_mp4_are_made(published):
    app, _, asset_id, _ = published
    folder = app.config["MEDIA_DIR"] / "assets" / str(asset_id)
    for image in ("poster.jpg", "sprite.jpg"):
        assert (folder / image).read_bytes()[:3] == b"\xff\xd8\xff"  # JPEG
    cues = re.findall(
        r"sprite\.jpg#xywh=(\d+),(\d+),(\d+),(\d+)", (folder / "thumbnails.vtt").read_text()
    )
    assert len(cues) == 5 and cues[-1] == ("640", "0", "160", "90")
    mp4 = (folder / "progressive.mp4").read_bytes()
    assert mp4.index(b"moov") < mp4.index(b"mdat")  # faststart: playable while downloading
    assert probed_seconds(folder / "progressive.mp4") == pytest.approx(5.0, abs=0.15)


def test_a_small_source_is_never_upscaled(templates, tmp_path):
    app, close = media_app(templates, "sqlite", tmp_path / "instance")
    try:
        title_id = add_film(app, name="Small")
        clip = make_clip(tmp_path / "small.mp4", size="320x180", seconds=1, audio=False)
        result = app.test_cli_runner().invoke(
            args=["media", "import", str(clip), "--title", str(title_id)]
        )
        assert result.exit_code == 0, result.output
        with app.app_context():
            asset = db.session.query(MediaAsset).one()
            master = app.config["MEDIA_DIR"] / "assets" / str(asset.id) / "master.m3u8"
            text = master.read_text()
        assert asset.rendition_names == ["180p"]
        assert "RESOLUTION=320x180" in text and 'CODECS="avc1.4d401e"' in text
    finally:
        close()


# -- signed URLs -------------------------------------------------------------------------------


def test_a_viewer_follows_master_variant_and_segment(published):
    app, title_id, asset_id, _ = published
    client, profile_id = sign_in(app, "grown@example.com")
    play = playback(client, profile_id, title_id)
    assert play is not None and play.renditions == ["240p", "480p", "720p"]

    master = fetch(client, play.master_url)
    assert master.status_code == 200
    assert master.headers["Content-Type"] == "application/vnd.apple.mpegurl"
    assert master.headers["Cache-Control"] == "private, max-age=10"
    variant_uri = uris(master.get_data(as_text=True))[-1]
    assert variant_uri.startswith("720p/index.m3u8?p=")

    variant_url = resolve(play.master_url, variant_uri)
    variant = fetch(client, variant_url)
    assert variant.status_code == 200
    segment_uris = uris(variant.get_data(as_text=True))
    assert [u.split("?")[0] for u in segment_uris] == ["seg_00000.ts", "seg_00001.ts"]
    # Every signature carries the expiry of the URL that was handed out, never a later one.
    expiry = {parse_qs(urlsplit(u).query)["e"][0] for u in segment_uris}
    assert expiry == {str(play.expires)}

    segment = fetch(client, resolve(variant_url, segment_uris[0]))
    on_disk = (
        app.config["MEDIA_DIR"] / "assets" / str(asset_id) / "720p/seg_00000.ts"
    ).read_bytes()
    assert segment.status_code == 200
    assert segment.headers["Content-Type"] == "video/mp2t"
    assert "immutable" in segment.headers["Cache-Control"]
    assert segment.data == on_disk


def test_images_index_and_mp4_are_served_with_their_types(published):
    app, title_id, _, _ = published
    client, profile_id = sign_in(app, "types@example.com")
    play = playback(client, profile_id, title_id)
    assert fetch(client, play.poster_url).headers["Content-Type"] == "image/jpeg"
    assert fetch(client, play.progressive_url).headers["Content-Type"] == "video/mp4"
    index = fetch(client, play.thumbnails_url)
    assert index.headers["Content-Type"].startswith("text/vtt")
    sprite_uri = re.search(r"^(sprite\.jpg\?\S+)#xywh=", index.get_data(as_text=True), re.MULTILINE)
    sprite = fetch(client, resolve(play.thumbnails_url, sprite_uri.group(1)))
    assert sprite.status_code == 200 and sprite.headers["Content-Type"] == "image/jpeg"


def test_a_range_request_gets_206_and_exactly_those_bytes(published):
    app, title_id, asset_id, _ = published
    client, profile_id = sign_in(app, "ranges@example.com")
    play = playback(client, profile_id, title_id)
    whole = (app.config["MEDIA_DIR"] / "assets" / str(asset_id) / "progressive.mp4").read_bytes()
    part = fetch(client, play.progressive_url, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-1099/{len(whole)}"
    assert part.data == whole[100:1100]
    tail = fetch(client, play.progressive_url, headers={"Range": "bytes=-500"})
    assert tail.status_code == 206 and tail.data == whole[-500:]
    assert fetch(client, play.progressive_url).headers["Accept-Ranges"] == "bytes"


def test_nginx_can_be_handed_the_bytes(published):
    app, title_id, asset_id, _ = published
    client, profile_id = sign_in(app, "nginx@example.com")
    play = playback(client, profile_id, title_id)
    app.config["MEDIA_ACCEL_REDIRECT_PREFIX"] = "/protected-media/"
    try:
        poster = fetch(client, play.poster_url)
        master = fetch(client, play.master_url)
    finally:
        app.config["MEDIA_ACCEL_REDIRECT_PREFIX"] = ""
    assert poster.status_code == 200 and poster.data == b""
    assert poster.headers["X-Accel-Redirect"] == f"/protected-media/{asset_id}/poster.jpg"
    assert poster.headers["Content-Type"] == "image/jpeg"
    # Playlists are signed as they are served, so the app always sends them itself.
    assert "X-Accel-Redirect" not in master.headers and b"#EXTM3U" in master.data


def test_an_expired_url_is_refused(published):
    app, title_id, _, _ = published
    client, profile_id = sign_in(app, "late@example.com")
    # Issued long enough ago that its lifetime has passed.
    old = playback(client, profile_id, title_id, now=time.time() - TTL - 60)
    assert fetch(client, old.master_url).status_code == 403
    assert fetch(client, old.poster_url).status_code == 403
    fresh = playback(client, profile_id, title_id)
    assert fetch(client, fresh.master_url).status_code == 200


def test_a_tampered_url_is_refused(published):
    app, title_id, _, _ = published
    client, profile_id = sign_in(app, "tamper@example.com")
    play = playback(client, profile_id, title_id)
    path, query = play.master_url.split("?")
    args = parse_qs(query)
    flipped = args["s"][0][:-1] + ("A" if args["s"][0][-1] != "A" else "B")
    later = str(int(args["e"][0]) + 86400)
    for bad in (
        f"{path}?p={args['p'][0]}&e={args['e'][0]}&s={flipped}",  # signature changed
        f"{path}?p={args['p'][0]}&e={later}&s={args['s'][0]}",  # expiry pushed back
        f"{path}?p={profile_id + 1}&e={args['e'][0]}&s={args['s'][0]}",  # another profile
        f"{path.replace('master.m3u8', 'poster.jpg')}?{query}",  # another file
        path,  # no signature at all
    ):
        response = fetch(client, bad)
        assert response.status_code == 403, bad
        assert "not valid or has expired" in response.get_data(as_text=True)


def test_a_kids_profile_gets_no_url_and_a_url_signed_for_it_is_refused(published):
    app, title_id, asset_id, _ = published
    client, kid_id = sign_in(app, "family@example.com", is_kids=True, maturity_limit=7)
    assert playback(client, kid_id, title_id) is None
    # A URL signed for the kid anyway (say, before the film's rating changed) plays nothing.
    with app.test_request_context():
        grant = signing.grant_for(kid_id)
        query = grant.query(f"{asset_id}/master.m3u8")
    response = fetch(client, f"/media/{asset_id}/master.m3u8", query_string=query)
    assert response.status_code == 403


def test_only_the_current_unlocked_profile_gets_urls(published):
    app, title_id, _, _ = published
    with app.app_context():
        _, (adult_id, locked_id) = make_account(
            "pins@example.com", [{"name": "Adult"}, {"name": "Locked", "pin": "4321"}]
        )
    client = app.test_client()
    AuthActions(client).as_viewer(adult_id)
    assert playback(client, locked_id, title_id) is None  # not chosen with its PIN
    assert client.post(f"/profiles/{locked_id}/choose", data={"pin": "0000"}).status_code == 403
    assert playback(client, locked_id, title_id) is None
    client.post(f"/profiles/{locked_id}/choose", data={"pin": "4321"})
    assert playback(client, locked_id, title_id) is not None


def test_a_signed_url_for_a_missing_file_is_404(published):
    app, _, asset_id, _ = published
    client, profile_id = sign_in(app, "missing@example.com")
    names = [
        (asset_id + 1, "720p/seg_00099.ts"),  # no such asset
        (asset_id + 1, "720p/index.m3u8"),
        (asset_id, "720p/seg_00099.ts"),  # no such segment
        (asset_id, "../../../secret_key"),  # outside the asset's files, even when signed
    ]
    for folder, name in names:
        with app.test_request_context():
            query = signing.grant_for(profile_id).query(f"{folder}/{name}")
        response = fetch(client, f"/media/{folder}/{name}", query_string=query)
        assert response.status_code == 404, name
        assert b"test-secret" not in response.data


def test_a_series_plays_by_episode(templates, tmp_path, clip):
    app, close = media_app(templates, "sqlite", tmp_path / "instance")
    try:
        series_id, (first, second) = add_series(app)
        runner = app.test_cli_runner()
        result = runner.invoke(
            args=["media", "import", str(clip), "--title", str(series_id), "--episode", str(first)]
        )
        assert result.exit_code == 0, result.output
        client, profile_id = sign_in(app, "series@example.com")
        assert playback(client, profile_id, series_id, first) is not None
        assert playback(client, profile_id, series_id, second) is None  # nothing uploaded yet
        assert playback(client, profile_id, series_id) is None  # a series plays by episode
    finally:
        close()
