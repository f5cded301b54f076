"""The export's manifest and directory: what files it holds, their checksums, archived months.

Readers (Spark, the month-dropping command) trust the manifest alone, so it is
replaced whole and last, after every file it lists is in place.
"""

import hashlib
import json
import os
import uuid
from pathlib import Path

MANIFEST = "manifest.json"
FORMAT = 1


class ExportError(ValueError):
    """The export directory cannot be used; the message says why."""


def _empty_manifest() -> dict:
    return {"format": FORMAT, "table": "events", "last_event_id": 0, "rows": 0, "days": {}}


def prepare_directory(root: Path) -> Path:
    """The export directory, created if missing; ExportError when it cannot hold an export."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise ExportError(f"{root} is a file, not a directory; give a directory for the export.")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create {root}: {exc.strerror or exc}.") from exc
    if not os.access(root, os.W_OK | os.X_OK):
        raise ExportError(f"{root} is not writable; fix its permissions or choose another one.")
    return root


def read_manifest(root: Path) -> dict:
    """The manifest of an export (an empty one for a new directory)."""
    path = Path(root) / MANIFEST
    if not path.exists():
        return _empty_manifest()
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ExportError(
            f"{path} is not a readable manifest ({exc}); move the directory aside and export anew."
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ExportError(f"{path} is not a Marquee event export of format {FORMAT}.")
    return manifest


def month_key(day: str) -> str:
    return day[:7]


def month_exported(manifest: dict, month: str, rows: int, top_id: int) -> bool:
    """True when the export holds all `rows` events of `month` (YYYY-MM), ids up to `top_id`."""
    held = sum(d["rows"] for day, d in manifest["days"].items() if month_key(day) == month)
    return held == rows and int(manifest["last_event_id"]) >= top_id


def archive_month(root: Path, month: str) -> None:
    """Record that `month` (YYYY-MM) left the database: exports keep its days as they are."""
    root = Path(root)
    manifest = read_manifest(root)
    manifest["archived_months"] = sorted({*manifest.get("archived_months", []), month})
    write_manifest(root, manifest)


def manifest_files(root: Path, manifest: dict) -> list[Path]:
    """Every Parquet file the manifest lists, oldest day first."""
    return [
        Path(root) / f["path"]
        for day in sorted(manifest["days"])
        for f in manifest["days"][day]["files"]
    ]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(root: Path, manifest: dict) -> None:
    temporary = root / f".tmp-{uuid.uuid4().hex[:8]}-{MANIFEST}"
    temporary.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    os.replace(temporary, root / MANIFEST)
