"""Uploading video from the admin pages and `flask media import`: good files become playable in
the background; bad ones are refused with a clear message and leave nothing behind."""

import io
import json
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import BACKENDS, AuthActions
from tests.webapp.admin.support import ADMIN_EMAIL, VIEWER_EMAIL
from tests.webapp.test_media_support import (
    add_film,
    add_series,
    files_under,
    make_audio_only,
    make_clip,
    media_app,
)
from webapp import jobs
from webapp.extensions import db
from webapp.media.assets import job_name
from webapp.models import Job, MediaAsset


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("upload_clips")
    return {
        "video": make_clip(folder / "clip.mp4", size="640x360", seconds=2),
        "audio": make_audio_only(folder / "song.m4a"),
    }


@pytest.fixture(params=BACKENDS)
def app(request, templates, tmp_path):
    app, close = media_app(templates, request.param, tmp_path / "instance")
    yield app
    close()


def media_dir(app):
    return app.config["MEDIA_DIR"]


def asset_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(MediaAsset))


def upload(client, url: str, data: bytes, filename: str = "film.mp4"):
    return client.post(
        url,
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        buffered=True,
    )


def transcode_of(asset: MediaAsset) -> jobs.JobStatus:
    """The status record of the asset's transcode: its job's row."""
    return jobs.status(job_name(asset.id))


def wait_for_jobs() -> None:
    for thread in jobs.active():
        thread.join()


def test_an_uploaded_film_is_transcoded_in_the_background_and_shown(app, clips):
    title_id = add_film(app)
    admin = AuthActions(app.test_client()).as_admin(ADMIN_EMAIL)
    response = upload(admin, f"/admin/titles/{title_id}/media", clips["video"].read_bytes())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/titles/{title_id}#media")
    wait_for_jobs()

    with app.app_context():
        asset = db.session.scalars(select(MediaAsset)).one()
        job = transcode_of(asset)
        assert asset.published and (job.state, job.percent, job.error) == ("done", 100, None)
        assert asset.rendition_names == ["240p"]  # a 360p source: no rung above its height
        asset_id = asset.id
    published = media_dir(app) / "assets" / str(asset_id)
    assert (published / "master.m3u8").is_file()
    # The upload itself is gone once transcoded; only the published asset remains.
    assert all(published in p.parents for p in files_under(media_dir(app)))

    page = admin.get(f"/admin/titles/{title_id}").get_data(as_text=True)
    assert "Ready to play: 240p" in page
    status = json.loads(admin.get(f"/admin/media/{asset_id}").data)
    assert status["published"] and (status["state"], status["percent"]) == ("done", 100)


@pytest.mark.parametrize(
    ("kind", "filename", "message"),
    [
        ("text", "notes.mp4", "This file is not a video Marquee can read."),
        ("text", "notes.txt", "This file is not a video Marquee can read."),
        ("empty", "empty.mp4", "The file is empty."),
        ("audio", "song.m4a", "This file has no video stream (audio only?)."),
    ],
)
def test_a_bad_upload_is_refused_and_writes_nothing(app, clips, kind, filename, message):
    title_id = add_film(app)
    admin = AuthActions(app.test_client()).as_admin(ADMIN_EMAIL)
    data = {
        "text": b"Just some notes, not a film at all.\n" * 20,
        "empty": b"",
        "audio": clips["audio"].read_bytes(),
    }[kind]
    response = upload(admin, f"/admin/titles/{title_id}/media", data, filename)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert files_under(media_dir(app)) == []
    assert asset_count(app) == 0


def test_a_video_above_the_length_limit_is_refused(templates, tmp_path, clips):
    app, close = media_app(templates, "sqlite", tmp_path / "instance", MEDIA_MAX_SECONDS=1)
    try:
        title_id = add_film(app)
        admin = AuthActions(app.test_client()).as_admin(ADMIN_EMAIL)
        response = upload(admin, f"/admin/titles/{title_id}/media", clips["video"].read_bytes())
        assert response.status_code == 400
        assert "The video is 2 s long; Marquee takes at most 1 s" in response.get_data(as_text=True)
        assert files_under(media_dir(app)) == [] and asset_count(app) == 0
    finally:
        close()


def test_a_file_above_the_size_limit_is_refused(templates, tmp_path, clips):
    app, close = media_app(
        templates,
        "sqlite",
        tmp_path / "instance",
        MEDIA_MAX_UPLOAD_BYTES=4096,
        WTF_CSRF_ENABLED=True,  # as in production: CSRF reads the form before the view does
    )
    try:
        title_id = add_film(app)
        admin = AuthActions(app.test_client()).as_admin(ADMIN_EMAIL)
        response = upload(admin, f"/admin/titles/{title_id}/media", clips["video"].read_bytes())
        assert response.status_code == 413
        assert "The file is larger than 4.0 KB" in response.get_data(as_text=True)
        assert files_under(media_dir(app)) == [] and asset_count(app) == 0
    finally:
        close()


def test_uploads_beyond_the_site_wide_body_limit_are_accepted(templates, tmp_path, clips):
    """MAX_CONTENT_LENGTH guards every other form; a video may be larger, up to its own limit.

    With CSRF protection on, as in production: it reads the form before any view.
    """
    app, close = media_app(
        templates, "sqlite", tmp_path / "instance", MAX_CONTENT_LENGTH=1024, WTF_CSRF_ENABLED=True
    )
    try:
        title_id = add_film(app)
        admin = AuthActions(app.test_client()).as_admin(ADMIN_EMAIL)
        page = admin.get(f"/admin/titles/{title_id}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = admin.post(
            f"/admin/titles/{title_id}/media",
            data={"csrf_token": token, "file": (io.BytesIO(clips["video"].read_bytes()), "a.mp4")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
        wait_for_jobs()
        with app.app_context():
            assert db.session.scalars(select(MediaAsset.published)).one() is True
    finally:
        close()


def test_a_failed_transcode_says_why_and_publishes_nothing(templates, tmp_path, clips):
    app, close = media_app(
        templates, "sqlite", tmp_path / "instance", MEDIA_X264_PRESET="no-such-preset"
    )
    try:
        title_id = add_film(app)
        admin = AuthActions(app.test_client()).as_admin(ADMIN_EMAIL)
        upload(admin, f"/admin/titles/{title_id}/media", clips["video"].read_bytes())
        wait_for_jobs()
        with app.app_context():
            asset = db.session.scalars(select(MediaAsset)).one()
            job = transcode_of(asset)
            assert not asset.published
            assert job.state == "failed" and job.stage == "encoding 240p"
            assert job.error.startswith("The encoder stopped:") and "\n" not in job.error
        assert files_under(media_dir(app)) == []
        page = admin.get(f"/admin/titles/{title_id}").get_data(as_text=True)
        assert "The last upload failed: The encoder stopped:" in page
    finally:
        close()


def test_episodes_take_uploads_and_series_do_not(app, clips):
    series_id, (episode_id, _) = add_series(app)
    admin = AuthActions(app.test_client()).as_admin(ADMIN_EMAIL)
    assert "Upload a video" in admin.get(f"/admin/episodes/{episode_id}").get_data(as_text=True)
    refused = upload(admin, f"/admin/titles/{series_id}/media", clips["video"].read_bytes())
    assert refused.status_code == 400 and "upload on each episode" in refused.get_data(as_text=True)
    response = upload(admin, f"/admin/episodes/{episode_id}/media", clips["video"].read_bytes())
    assert response.status_code == 302
    wait_for_jobs()
    with app.app_context():
        asset = db.session.scalars(select(MediaAsset)).one()
        assert (asset.title_id, asset.episode_id, asset.published) == (series_id, episode_id, True)


def test_only_admins_may_upload_or_read_status(app, clips):
    title_id = add_film(app)
    viewer = app.test_client()
    AuthActions(viewer).as_viewer(email=VIEWER_EMAIL)
    response = upload(viewer, f"/admin/titles/{title_id}/media", clips["video"].read_bytes())
    assert response.status_code == 403
    assert viewer.get("/admin/media/1").status_code == 403
    anonymous = upload(app.test_client(), f"/admin/titles/{title_id}/media", b"x")
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    assert files_under(media_dir(app)) == [] and asset_count(app) == 0


# -- the command line ------------------------------------------------------------------------


def test_import_refuses_bad_input_with_status_2_and_writes_nothing(app, clips, tmp_path):
    title_id = add_film(app)
    series_id, (episode_id, _) = add_series(app)
    notes = tmp_path / "notes.mp4"
    notes.write_text("not a film\n")
    # Text that ffmpeg would show as a picture of text (its "tty" format) if asked to guess.
    text = tmp_path / "notes.txt"
    text.write_text("Just some notes, not a film at all.\n" * 20)
    # A playlist would make ffmpeg read whatever files it names.
    playlist = tmp_path / "list.m3u8"
    playlist.write_text(f"#EXTM3U\n#EXTINF:2,\n{clips['video']}\n#EXT-X-ENDLIST\n")
    video = str(clips["video"])
    cases = [
        (["media", "import", str(text), "--title", str(title_id)], "is not a video"),
        (["media", "import", str(playlist), "--title", str(title_id)], "is not a video"),
        (
            ["media", "import", str(tmp_path / "nope.mp4"), "--title", str(title_id)],
            "is not a file",
        ),
        (["media", "import", str(notes), "--title", str(title_id)], "is not a video"),
        (["media", "import", str(clips["audio"]), "--title", str(title_id)], "no video stream"),
        (["media", "import", video, "--title", "999999"], "no title with id 999999"),
        (["media", "import", video, "--title", str(series_id)], "is a series"),
        (
            ["media", "import", video, "--title", str(title_id), "--episode", str(episode_id)],
            f"has no episode with id {episode_id}",
        ),
    ]
    runner = app.test_cli_runner()
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == 2, (args, result.output)
        assert "Error:" in result.output and message in result.output
    assert files_under(media_dir(app)) == [] and asset_count(app) == 0


# -- the job runner ---------------------------------------------------------------------------


def test_a_transcode_started_twice_runs_once(app, clips):
    """Two workers handed the same job: the first claim wins, the second does nothing."""
    from webapp.media import assets, storage
    from webapp.media.assets import AssetRecord
    from webapp.media.pipeline import transcode_work

    title_id = add_film(app)
    with app.app_context():
        asset_id = assets.create(title_id, None, "clip.mp4").id
    outcomes = []

    def make_job():
        record = AssetRecord(asset_id)
        work = transcode_work(record, clips["video"])
        return record, lambda report: outcomes.append(work(report))

    for _ in range(2):
        jobs.start(app, f"transcode-{asset_id}", make_job)
    wait_for_jobs()
    assert len(outcomes) == 1
    with app.app_context():
        assert db.session.get(MediaAsset, asset_id).published
        assert [p.name for p in (storage.asset_dir(asset_id).parent).iterdir()] == [str(asset_id)]


def test_the_edit_page_shows_stage_and_percentage_while_transcoding(app):
    from webapp.media import assets

    title_id = add_film(app)
    with app.app_context():
        record = assets.AssetRecord(assets.create(title_id, None, "film.mp4").id)
        assert record.claim()
        record.progress("encoding 480p", 37)
    admin = AuthActions(app.test_client()).as_admin(ADMIN_EMAIL)
    page = admin.get(f"/admin/titles/{title_id}").get_data(as_text=True)
    assert "Transcoding: encoding 480p · 37%" in page
    assert "No video yet" not in page


def test_a_transcode_that_went_silent_shows_as_cut_off(app):
    from datetime import timedelta

    from webapp.media import assets
    from webapp.models.base import utcnow

    title_id = add_film(app)
    with app.app_context():
        record = assets.AssetRecord(assets.create(title_id, None, "film.mp4").id)
        assert record.claim()
        job = db.session.get(Job, record.name)
        job.stage = "encoding 480p"
        job.updated_at = utcnow() - timedelta(seconds=jobs.STALE_AFTER_SECONDS + 60)
        db.session.commit()
    admin = AuthActions(app.test_client()).as_admin(ADMIN_EMAIL)
    page = admin.get(f"/admin/titles/{title_id}").get_data(as_text=True)
    assert "The last upload failed: The transcode was cut off" in page
