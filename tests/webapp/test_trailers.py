"""Trailer cuts: imported and uploaded into a short ladder, played as a muted preview through
signed URLs only for profiles that may see the title, and chosen among a title's cuts."""

import io

import pytest
from sqlalchemy import func, select

from tests.conftest import BACKENDS, AuthActions
from tests.webapp.admin.support import ADMIN_EMAIL
from tests.webapp.catalog_factory import make_account
from tests.webapp.test_media_support import (
    add_film,
    files_under,
    make_audio_only,
    make_clip,
    media_app,
)
from webapp import jobs
from webapp.extensions import db
from webapp.media import assets, storage
from webapp.models import MediaAsset, TrailerVariant


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("trailer_clips")
    return {
        "video": make_clip(folder / "trailer.mp4", size="1280x720", seconds=2),
        "audio": make_audio_only(folder / "song.m4a"),
    }


@pytest.fixture(params=BACKENDS)
def app(request, templates, tmp_path):
    app, close = media_app(templates, request.param, tmp_path / "instance")
    yield app
    close()


def import_trailer(app, path, title_id: int, name: str):
    return app.test_cli_runner().invoke(
        args=["media", "import", str(path), "--title", str(title_id), "--trailer", name]
    )


def trailer_rows(app) -> list[tuple[int, str, str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(
                TrailerVariant.title_id,
                TrailerVariant.name,
                MediaAsset.published,
                MediaAsset.renditions,
            )
            .join(MediaAsset, MediaAsset.id == TrailerVariant.asset_id)
            .order_by(TrailerVariant.id)
        )
        return [(t, n, "ready" if published else "not ready", r) for t, n, published, r in rows]


def viewer(app, email: str, **profile):
    with app.app_context():
        _, (profile_id,) = make_account(email, [{"name": "Viewer", **profile}])
    client = app.test_client()
    AuthActions(client).as_viewer(profile_id)
    return client, profile_id


def test_an_imported_trailer_gets_a_short_ladder_and_leaves_the_film_without_video(app, clips):
    film = add_film(app)
    result = import_trailer(app, clips["video"], film, "  Short   cut ")
    assert result.exit_code == 0, result.output
    # A 720p source: the film's ladder would have 3 rungs; a preview gets the lowest 2.
    assert trailer_rows(app) == [(film, "Short cut", "ready", "240p,480p")]
    with app.app_context():
        assert assets.ready_asset(film, None) is None  # the trailer is not what the film plays
        asset_id = db.session.scalar(select(TrailerVariant.asset_id))
        assert (storage.asset_dir(asset_id) / "480p" / "index.m3u8").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--trailer", " "], "Name the trailer"),
        (["--trailer", "x" * 41], "at most 40"),
        (["--trailer", "Cut", "--episode", "1"], "leave out --episode"),
        (["--trailer", "Short cut"], "already has a trailer named"),
    ],
)
def test_bad_trailer_imports_exit_2_saying_why_and_keep_nothing_new(app, clips, args, message):
    film = add_film(app)
    assert import_trailer(app, clips["video"], film, "Short cut").exit_code == 0
    before = trailer_rows(app)
    result = app.test_cli_runner().invoke(
        args=["media", "import", str(clips["video"]), "--title", str(film), *args]
    )
    assert result.exit_code == 2
    assert message in result.output
    assert trailer_rows(app) == before


def test_a_file_that_is_no_video_is_refused_as_a_trailer(app, clips):
    film = add_film(app)
    result = import_trailer(app, clips["audio"], film, "Teaser")
    assert result.exit_code == 2 and "Error:" in result.output
    assert trailer_rows(app) == []


def upload(client, title_id: int, data: bytes, name: str | None):
    form = {"file": (io.BytesIO(data), "teaser.mp4")}
    if name is not None:
        form["name"] = name
    return client.post(
        f"/admin/titles/{title_id}/trailers",
        data=form,
        content_type="multipart/form-data",
        buffered=True,
    )


def test_an_admin_uploads_a_trailer_and_sees_it_on_the_title_page(app, clips):
    film = add_film(app)
    admin = AuthActions(app.test_client()).as_admin(ADMIN_EMAIL)
    page = admin.get(f"/admin/titles/{film}").get_data(as_text=True)
    assert "No trailer yet" in page and f"/admin/titles/{film}/trailers" in page
    response = upload(admin, film, clips["video"].read_bytes(), "Cold open")
    assert response.status_code == 302
    for thread in jobs.active():
        thread.join()
    assert trailer_rows(app) == [(film, "Cold open", "ready", "240p,480p")]
    page = admin.get(f"/admin/titles/{film}").get_data(as_text=True)
    assert "Cold open" in page and "ready, 240p, 480p" in page
    # The upload folder is gone once transcoded.
    assert files_under(app.config["MEDIA_DIR"] / ".incoming") == []


@pytest.mark.parametrize(
    ("name", "kind", "status", "message"),
    [
        (None, "video", 400, "Name the trailer"),
        ("Cold open", "video", 400, "already has a trailer named"),
        ("Teaser", "audio", 400, "no video stream"),
        ("Teaser", "empty", 400, "The file is empty."),
    ],
)
def test_bad_trailer_uploads_are_refused_and_leave_nothing(app, clips, name, kind, status, message):
    film = add_film(app)
    with app.app_context():
        asset = MediaAsset(published=True, renditions="240p", source_name="trailer: x")
        db.session.add(asset)
        db.session.flush()
        db.session.add(TrailerVariant(title_id=film, name="Cold open", asset_id=asset.id))
        db.session.commit()
    before = trailer_rows(app)
    admin = AuthActions(app.test_client()).as_admin(ADMIN_EMAIL)
    data = {"video": clips["video"].read_bytes(), "audio": clips["audio"].read_bytes()}.get(
        kind, b""
    )
    response = upload(admin, film, data, name)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert trailer_rows(app) == before
    assert files_under(app.config["MEDIA_DIR"] / ".incoming") == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MediaAsset)) == 1


@pytest.fixture
def with_trailers(app, clips):
    """An R-rated film with two ready trailer cuts."""
    film = add_film(app)
    for name in ("Short cut", "Cold open"):
        assert import_trailer(app, clips["video"], film, name).exit_code == 0
    return app, film


def test_the_preview_gives_a_viewer_a_signed_playable_cut(with_trailers):
    app, film = with_trailers
    client, _ = viewer(app, "adult@example.com")
    seen = set()
    for _ in range(30):
        response = client.get(f"/media/preview/{film}")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
        seen.add(response.json["name"])
    # Before any refresh the cut is drawn at random: both are shown.
    assert seen == {"Short cut", "Cold open"}
    preview = response.json
    master = client.get(preview["master_url"])
    assert master.status_code == 200 and "480p/index.m3u8?" in master.get_data(as_text=True)
    assert client.get(preview["progressive_url"], buffered=True).status_code == 200
    assert client.get(preview["poster_url"], buffered=True).status_code == 200


def test_no_preview_for_a_kid_a_locked_profile_or_nobody(with_trailers):
    app, film = with_trailers
    adult, _ = viewer(app, "parent@example.com")
    teen, _ = viewer(app, "teen@example.com", maturity_limit=17)
    master_url = teen.get(f"/media/preview/{film}").json["master_url"]
    assert teen.get(master_url).status_code == 200
    kid, _ = viewer(app, "kid@example.com", is_kids=True, maturity_limit=7)
    assert kid.get(f"/media/preview/{film}").status_code == 204
    # Nobody signed in is sent to sign in, as from every page that needs a profile.
    assert app.test_client().get(f"/media/preview/{film}").status_code == 302
    assert adult.get("/media/preview/999999").status_code == 204
    assert adult.get(f"/media/preview/{2**40}").status_code in (204, 404)
    with app.app_context():
        _, (_, locked) = make_account(
            "pins@example.com", [{"name": "A"}, {"name": "L", "pin": "4321"}]
        )
    client = app.test_client()
    AuthActions(client).as_viewer(locked - 1)
    assert client.post(f"/profiles/{locked}/choose", data={"pin": "0000"}).status_code == 403
    assert client.get(f"/media/preview/{film}").status_code == 200  # still the unlocked profile
    # The film's rating rises above the teen's limit: even the URL already handed out stops.
    with app.app_context():
        from webapp.models import Title

        title = db.session.get(Title, film)
        title.maturity_rating, title.maturity_age = "NC-17", 18
        db.session.commit()
    assert teen.get(f"/media/preview/{film}").status_code == 204
    assert teen.get(master_url).status_code == 403
    assert adult.get(f"/media/preview/{film}").status_code == 200


def test_deleting_the_film_removes_its_own_trailer_files(with_trailers):
    app, film = with_trailers
    with app.app_context():
        asset_ids = db.session.scalars(select(TrailerVariant.asset_id)).all()
    admin = AuthActions(app.test_client()).as_admin(ADMIN_EMAIL)
    assert admin.post(f"/admin/titles/{film}/delete").status_code == 302
    with app.app_context():
        assert not any(storage.asset_dir(a).exists() for a in asset_ids)
        assert db.session.scalar(select(func.count()).select_from(MediaAsset)) == 0
