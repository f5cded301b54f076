"""Personalization's own store: what the insights refresh learnt, as arrays every worker reads.

Segment assignments and bandit posteriors are .npz files in the instance
folder's `personalization/` directory, written atomically (a rename) by the
refresh and read on each page through the per-app file memo of
webapp.caching, so a worker parses a file once per version. Personalization
reads nothing of the insights package; the insights refresh writes here.
"""

import os
import tempfile
from pathlib import Path

import numpy as np
from flask import current_app

from webapp.caching import memo_file


def store_dir() -> Path:
    folder = Path(current_app.instance_path) / "personalization"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def path_of(name: str) -> Path:
    return store_dir() / f"{name}.npz"


def store_arrays(name: str, **arrays: np.ndarray) -> None:
    """Replace the arrays kept under `name` (readers see the old file or the new one)."""
    target = path_of(name)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_arrays(name: str) -> dict[str, np.ndarray] | None:
    """The arrays kept under `name`, or None before the first refresh."""
    path = path_of(name)

    def read():
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}

    return memo_file(path, read)


def memo(name: str, build):
    """A value built from the arrays of `name` (None if missing), rebuilt when the file changes."""
    return memo_file(path_of(name), build)


def clear() -> None:
    """Forget every stored choice (the pages fall back to uniform choices)."""
    for path in store_dir().glob("*.npz"):
        path.unlink(missing_ok=True)
