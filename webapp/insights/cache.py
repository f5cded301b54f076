"""The report cache: computed reports kept on disk, shared by every worker.

Reports are JSON files (arrays as .npz) in the instance folder's `insights/`
directory, written atomically. Pages only read them; `webapp.insights.refresh`
writes them (on demand from the admin pages, or on a schedule with
`flask admin insights-refresh`). Readers keep a parsed copy in their app's
report cache (webapp.caching) until the file changes.
"""

import dataclasses
import json
import math
import os
import tempfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
from flask import current_app

from webapp.caching import app_caches, memo_file


def cache_dir() -> Path:
    folder = Path(
        current_app.config["INSIGHTS_CACHE_DIR"] or Path(current_app.instance_path) / "insights"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _plain(value):
    """JSON-ready copy of dataclasses, numpy values and dates."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _write_atomically(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store(name: str, report) -> dict:
    """Keep a report (a dataclass or dict) under `name`; returns its JSON form."""
    payload = _plain(report)
    data = json.dumps(payload, separators=(",", ":")).encode()
    _write_atomically(cache_dir() / f"{name}.json", lambda h: h.write(data))
    return payload


def load(name: str) -> dict | None:
    """The cached report `name`, or None if it was never computed."""
    path = cache_dir() / f"{name}.json"
    return memo_file(path, lambda: json.loads(path.read_bytes()))


def store_arrays(name: str, **arrays: np.ndarray) -> None:
    _write_atomically(cache_dir() / f"{name}.npz", lambda h: np.savez(h, **arrays))


def load_arrays(name: str) -> dict[str, np.ndarray] | None:
    path = cache_dir() / f"{name}.npz"

    def read():
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}

    return memo_file(path, read)


def clear() -> None:
    """Forget every cached report (files and memory)."""
    app_caches().reports.clear()
    for path in cache_dir().glob("*"):
        if path.suffix in (".json", ".npz"):
            path.unlink(missing_ok=True)
