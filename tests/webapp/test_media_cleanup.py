"""Deleting a film, series, season or episode in the admin removes its media files after the
commit; shared demo clips still played by other titles stay."""

import pytest
from sqlalchemy import select

from tests.conftest import BACKENDS, AuthActions
from tests.webapp.test_media_support import add_film, add_series, media_app
from webapp.extensions import db
from webapp.media import assets, storage
from webapp.media.assets import AssetRecord
from webapp.media.demo import SOURCE_PREFIX
from webapp.models import MediaAsset, MediaLink, Season

LADDER = ("master.m3u8", "720p/index.m3u8", "720p/seg_00000.ts", "poster.jpg", "sprite.jpg")


@pytest.fixture(params=BACKENDS)
def app(request, templates, tmp_path):
    app, close = media_app(templates, request.param, tmp_path / "instance")
    yield app
    close()


def _asset(title_id=None, episode_id=None, links=()) -> int:
    """A ready asset with a ladder's files on disk; `links` are (title, episode) that play it."""
    asset = MediaAsset(
        title_id=title_id,
        episode_id=episode_id,
        published=True,
        renditions="720p",
        source_name="own upload" if title_id else SOURCE_PREFIX + "Noir",
    )
    db.session.add(asset)
    db.session.flush()
    for t, e in links:
        db.session.add(MediaLink(title_id=t, episode_id=e, asset_id=asset.id))
    db.session.commit()
    for name in LADDER:
        path = storage.asset_dir(asset.id) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"media")
    return asset.id


def _on_disk(app, asset_id: int) -> bool:
    with app.app_context():
        return storage.asset_dir(asset_id).exists()


def _rows(app) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(MediaAsset.id)))


def test_deleting_a_film_removes_its_media_and_keeps_shared_clips_others_play(app):
    film, other = add_film(app, "Doomed"), add_film(app, "Kept")
    with app.app_context():
        own = _asset(film)
        shared = _asset(links=[(film, None), (other, None)])
        only_mine = _asset(links=[(film, None)])
        others_own = _asset(other)
        in_progress = storage.media_dir() / ".work" / f"{own}-abc123"
        in_progress.mkdir(parents=True)
        (in_progress / "partial.ts").write_bytes(b"half")
    admin = AuthActions(app.test_client()).as_admin()
    assert admin.post(f"/admin/titles/{film}/delete").status_code == 302
    assert not _on_disk(app, own) and not in_progress.exists()
    assert not _on_disk(app, only_mine)  # a shared clip nothing else plays goes, row and files
    assert _on_disk(app, shared) and _on_disk(app, others_own)
    assert _rows(app) == {shared, others_own}
    with app.app_context():
        assert db.session.scalars(select(MediaLink.title_id)).all() == [other]


def test_deleting_an_episode_then_its_season_removes_their_media(app):
    series, (first, second) = add_series(app)
    film = add_film(app)
    with app.app_context():
        first_own, second_own = _asset(series, first), _asset(series, second)
        both_episodes = _asset(links=[(series, first), (series, second)])
        with_a_film = _asset(links=[(series, second), (film, None)])
        season_id = db.session.scalar(select(Season.id).where(Season.title_id == series))
    admin = AuthActions(app.test_client()).as_admin()
    assert admin.post(f"/admin/episodes/{first}/delete").status_code == 302
    assert not _on_disk(app, first_own)
    assert all(_on_disk(app, a) for a in (second_own, both_episodes, with_a_film))
    assert admin.post(f"/admin/seasons/{season_id}/delete").status_code == 302
    assert not _on_disk(app, second_own) and not _on_disk(app, both_episodes)
    assert _on_disk(app, with_a_film)
    assert _rows(app) == {with_a_film}


def test_a_refused_delete_leaves_every_file(app):
    film = add_film(app)
    with app.app_context():
        own = _asset(film)
    admin = AuthActions(app.test_client()).as_admin()
    assert admin.get(f"/admin/titles/{film}/delete").status_code == 200  # the confirmation only
    assert _on_disk(app, own) and _rows(app) == {own}


def test_a_transcode_that_finishes_after_its_film_was_deleted_leaves_no_files(app):
    film = add_film(app)
    with app.app_context():
        record = AssetRecord(assets.create(film, None, "late.mp4").id)
        assert record.claim()
    admin = AuthActions(app.test_client()).as_admin()
    assert admin.post(f"/admin/titles/{film}/delete").status_code == 302
    with app.app_context():
        work = storage.media_dir() / ".work" / f"{record.asset_id}-late"
        work.mkdir(parents=True)
        (work / "master.m3u8").write_text("#EXTM3U\n")
        storage.publish(work, record.asset_id)  # the transcode had got this far already
        record.succeed()
    assert not _on_disk(app, record.asset_id) and _rows(app) == set()
