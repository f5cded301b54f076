"""Drawn artwork kept on disk, keyed by everything that is drawn."""

import os
import tempfile
from pathlib import Path

from webapp.artwork.svg import ArtSpec, draw


def cached_svg(cache_dir: Path, spec: ArtSpec, shape: str) -> tuple[bytes, str]:
    """The SVG bytes and their key, drawn once and then read from disk.

    Files are written to a temporary name and renamed, so a concurrent reader
    (another gunicorn worker) sees the old file or the whole new one.
    """
    key = spec.cache_key(shape)
    folder = Path(cache_dir) / str(spec.title_id)
    path = folder / f"{spec.variant}-{shape}-{key}.svg"
    try:
        return path.read_bytes(), key
    except OSError:
        pass
    data = draw(spec, shape).encode("utf-8")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".svg")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        # A read-only or full disk only costs a redraw next time.
        pass
    return data, key
