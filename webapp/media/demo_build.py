"""The demo's clips, encoded ahead of the rows that own them, so that `make demo` encodes while it seeds.

`flask media build-demo` runs beside the seed: it writes each missing clip's
whole ladder into MEDIA_DIR/.demo/<clip>/ and never writes to the database
(the seed holds it). `media seed-demo` then adopts each built folder as a
shared asset, one rename with its job recorded as any transcode's, and builds
first whatever is not built yet. A lock file keeps the two commands from
building the same clip: the one that comes second waits for the first.
"""

import fcntl
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from flask import current_app

from webapp import jobs
from webapp.extensions import db
from webapp.media import assets as asset_rows
from webapp.media import storage
from webapp.media.assets import AssetRecord
from webapp.media.pipeline import build_ladder, check_source
from webapp.models import MediaAsset

# Synthetic patterns compress well at any preset; the fastest keeps `make demo` quick.
DEMO_PRESET = "ultrafast"
BUILT = "built.json"  # written last: a folder without it is not built
T = TypeVar("T")


@dataclass(frozen=True)
class DemoClip:
    key: str  # the shared asset's source name
    make_source: Callable[[Path], Path]  # writes the clip's source video to the path given
    seconds: float
    captions: str | None = None  # WebVTT published beside the ladder
    max_rungs: int | None = None

    @property
    def folder_name(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.key.lower()).strip("-") + f"-{self.seconds:g}s"


def built_root() -> Path:
    return storage.media_dir() / ".demo"


def built_folder(clip: DemoClip) -> Path:
    return built_root() / clip.folder_name


def is_built(clip: DemoClip) -> bool:
    return (built_folder(clip) / BUILT).is_file()


@contextmanager
def _build_lock() -> Iterator[None]:
    """Hold the demo build lock, waiting while another command builds."""
    root = built_root()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def side_by_side(items: Sequence[T], build: Callable[[T], None]) -> None:
    """`build(item)` for each item, as many at once as there are cores.

    A demo clip is small: ffmpeg's generators, filters, audio encoder and the
    encoder's lookahead at these sizes keep about one core busy, so one clip's
    clip-then-ladder after another leaves the other cores idle. Each build runs
    in a thread with an app context of its own.
    """
    app = current_app._get_current_object()

    def one(item: T) -> None:
        with app.app_context():
            build(item)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(one, items))


def build_all(clips: Sequence[DemoClip], echo: Callable[[str], None] = lambda _: None) -> None:
    """Encode each clip that is not built yet (RuntimeError naming the first that fails)."""
    with _build_lock():
        for partial in built_root().glob(".partial-*"):
            shutil.rmtree(partial, ignore_errors=True)  # left by a build that was killed
        todo = [clip for clip in clips if not is_built(clip)]
        if not todo:
            return
        echo(f"Encoding {len(todo)} demo clips and their ladders")

        def build(clip: DemoClip) -> None:
            _build(clip)
            echo(f"  {clip.key}")

        side_by_side(todo, build)


def _build(clip: DemoClip) -> None:
    began = time.time()
    scratch = Path(tempfile.mkdtemp(prefix=".partial-", dir=built_root()))
    try:
        source = clip.make_source(scratch / "source.mp4")
        info = check_source(source)
        ladder = scratch / "ladder"
        ladder.mkdir()
        renditions = build_ladder(
            source,
            info,
            ladder,
            lambda _stage, _fraction: None,
            DEMO_PRESET,
            captions=clip.captions,
            max_rungs=clip.max_rungs,
        )
        built = {
            "duration_seconds": info.duration,
            "width": info.width,
            "height": info.height,
            "renditions": ",".join(r.name for r in renditions),
            "began": began,
            "ended": time.time(),
        }
        (ladder / BUILT).write_text(json.dumps(built))
        target = built_folder(clip)
        shutil.rmtree(target, ignore_errors=True)  # a folder without BUILT is half a build
        os.rename(ladder, target)
    except Exception as error:
        raise RuntimeError(f"The demo clip {clip.key!r} did not encode: {error}") from error
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def adopt(clip: DemoClip) -> MediaAsset:
    """Publish a built clip as a new shared asset (RuntimeError if that fails)."""
    folder = built_folder(clip)
    built = json.loads((folder / BUILT).read_text())
    asset_id = asset_rows.create(None, None, clip.key).id
    record = AssetRecord(asset_id)

    def work(report: jobs.Report) -> None:
        report("publishing", 0.99)
        record.describe(
            duration_seconds=built["duration_seconds"],
            width=built["width"],
            height=built["height"],
        )
        published = storage.publish(folder, asset_id)
        (published / BUILT).unlink()
        record.describe(renditions=built["renditions"])

    failure = jobs.run(record, work)
    if failure:
        raise RuntimeError(f"The demo clip {clip.key!r} was not published: {failure}")
    return db.session.get(MediaAsset, asset_id)


def build_and_adopt(clips: Sequence[DemoClip], echo: Callable[[str], None]) -> list[MediaAsset]:
    """Each clip as a published shared asset, encoding those not built in the background."""
    build_all(clips, echo)
    return [adopt(clip) for clip in clips]
