"""`make demo` encodes its clips beside the seed: `media build-demo`, then `media seed-demo`."""

import json
import os
import threading
from itertools import combinations

import pytest
from sqlalchemy import func, select

from tests.conftest import BACKENDS
from tests.webapp.catalog_factory import build_catalog
from tests.webapp.test_media_support import media_app
from webapp.extensions import db
from webapp.media import demo, demo_build, demo_trailers, storage
from webapp.models import Job, MediaAsset, MediaLink

SECONDS = "1.5"


@pytest.fixture(params=BACKENDS)
def app(request, templates, tmp_path):
    app, close = media_app(templates, request.param, tmp_path / "site")
    with app.app_context():
        build_catalog(n_kid=1)
    yield app
    close()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _built() -> dict[str, dict]:
    root = demo_build.built_root()
    return {path.parent.name: json.loads(path.read_text()) for path in root.glob("*/built.json")}


def test_clips_built_beside_the_seed_are_published_without_encoding_again(app):
    runner = app.test_cli_runner()
    with app.app_context():
        result = runner.invoke(args=["media", "build-demo", "--seconds", SECONDS])
        assert result.exit_code == 0, result.output
        # The seed holds the database meanwhile: the build wrote no row.
        assert _count(MediaAsset) == 0 and _count(Job) == 0
        built = _built()
        assert len(built) == len(demo.MOODS) + len(demo_trailers.CUTS)
        files = {
            name: (demo_build.built_root() / name / "progressive.mp4").stat().st_ino
            for name in built
        }

        result = runner.invoke(args=["media", "seed-demo", "--seconds", SECONDS])
        assert result.exit_code == 0, result.output
        assets = db.session.scalars(select(MediaAsset)).all()
        assert len(assets) == len(built) and all(asset.published for asset in assets)
        assert all(asset.duration_seconds and asset.rendition_names for asset in assets)
        # Each asset's video is the built file itself, moved into place.
        folders = [storage.asset_dir(asset.id) for asset in assets]
        moved = {(folder / "progressive.mp4").stat().st_ino for folder in folders}
        assert moved == set(files.values())
        assert not any((folder / demo_build.BUILT).exists() for folder in folders)
        assert not _built()
        jobs = db.session.scalars(select(Job.state)).all()
        assert jobs == ["done"] * len(assets)
        assert _count(MediaLink) > 0


def test_the_clips_are_encoded_side_by_side(app):
    """With two cores or more, two clips encode at once: `make demo` waits less."""
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: the clips are made one after another")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["media", "build-demo", "--seconds", SECONDS])
        assert result.exit_code == 0, result.output
        spans = [(b["began"], b["ended"]) for b in _built().values()]
    assert any(a[0] < b[1] and b[0] < a[1] for a, b in combinations(spans, 2))


def test_seed_demo_waits_for_a_build_in_progress_instead_of_encoding_twice(app):
    clips = [demo.mood_clip(demo.MOODS[0], 1.5)]
    finished = threading.Event()

    def foreground() -> None:
        with app.app_context():
            demo_build.build_all(clips)
        finished.set()

    with app.app_context(), demo_build._build_lock():
        waiting = threading.Thread(target=foreground)
        waiting.start()
        assert not finished.wait(6.0)
        assert not demo_build.is_built(clips[0])
    waiting.join(timeout=120)
    with app.app_context():
        assert finished.is_set() and demo_build.is_built(clips[0])
