"""Where media files live under MEDIA_DIR, and publishing a finished asset in one rename.

    media/
      assets/<id>/          published assets: complete ladders only
      .work/<id>-<random>/  an asset being written (ignored by everything else)
      .incoming/<random>/   an upload waiting for its transcode

A transcode writes into `.work/`, flushes every file to disk, then renames
the folder into `assets/` (atomic on POSIX, like model versions in
recommender/artifacts.py): a crash or a failure leaves either no asset or a
whole one, and a failure removes its work folder.
"""

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

CAPTIONS = "captions.vtt"  # optional: WebVTT captions published beside the ladder


def media_dir() -> Path:
    return Path(current_app.config["MEDIA_DIR"])


def asset_dir(asset_id: int) -> Path:
    return media_dir() / "assets" / str(asset_id)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def workspace(asset_id: int) -> Iterator[Path]:
    """A fresh work folder for an asset, removed on the way out unless it was published."""
    parent = media_dir() / ".work"
    parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f"{asset_id}-", dir=parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def publish(work: Path, asset_id: int) -> Path:
    """Flush the work folder's files and rename it into place as the asset's folder."""
    for root, _dirs, files in os.walk(work):
        for name in files:
            with open(Path(root) / name, "rb+") as fh:
                os.fsync(fh.fileno())
        _fsync(Path(root))
    target = asset_dir(asset_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.rename(work, target)
    _fsync(target.parent)
    return target


def remove_asset(asset_id: int) -> None:
    shutil.rmtree(asset_dir(asset_id), ignore_errors=True)


def remove_assets(asset_ids: Iterable[int]) -> None:
    """Remove the published folders of these assets and any transcode of theirs in progress."""
    work = media_dir() / ".work"
    for asset_id in asset_ids:
        remove_asset(asset_id)
        for folder in work.glob(f"{int(asset_id)}-*"):
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def incoming() -> Iterator[Path]:
    """A folder for one upload; removed if the block fails, else the transcode job discards it."""
    parent = media_dir() / ".incoming"
    parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(dir=parent))
    try:
        yield path
    except BaseException:
        discard(path)
        raise


def discard(path: Path) -> None:
    """Remove an upload's folder (its parent stays: another upload may be using it)."""
    shutil.rmtree(path, ignore_errors=True)
