"""The Parquet files of one day: the events table's schema in Arrow, and the part writers.

A day is written whole into a staging folder and swapped in, or extended by a
next part file; each file is written under a temporary name and renamed when
complete, so a reader never sees half a day.
"""

import os
import shutil
import uuid
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import Float, Integer, SmallInteger, String, Text

from webapp.activity.parquet_log.manifest import sha256
from webapp.models import Event


def _arrow_type(column) -> pa.DataType:
    kind = column.type
    if isinstance(kind, SmallInteger):
        return pa.int16()
    if isinstance(kind, Integer):  # BigInteger is an Integer too
        return pa.int64()
    if isinstance(kind, Float):
        return pa.float64()
    if isinstance(kind, String | Text):
        return pa.string()
    return pa.timestamp("us", tz="UTC")  # occurred_at: naive UTC in the database


COLUMNS = list(Event.__table__.columns)
SCHEMA = pa.schema([pa.field(c.key, _arrow_type(c), nullable=c.key != "id") for c in COLUMNS])
OCCURRED = [c.key for c in COLUMNS].index("occurred_at")
_ID = [c.key for c in COLUMNS].index("id")


def stamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(sep=" ", timespec="microseconds")


def _to_table(rows: list) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in COLUMNS]
    return pa.Table.from_arrays(
        [pa.array(col, type=f.type) for col, f in zip(columns, SCHEMA, strict=True)], schema=SCHEMA
    )


class _PartWriter:
    """One Parquet file written under a temporary name, renamed into place on close."""

    def __init__(self, final: Path, temporary: Path):
        self.final, self.temporary = final, temporary
        self.writer = pq.ParquetWriter(temporary, SCHEMA, compression="zstd")
        self.rows, self.min_id, self.max_id, self.id_sum = 0, None, 0, 0
        self.last_at: datetime | None = None

    def write(self, rows: list) -> None:
        self.writer.write_table(_to_table(rows))
        ids = [r[_ID] for r in rows]
        self.rows += len(rows)
        self.id_sum += sum(ids)
        self.min_id = min(ids) if self.min_id is None else min(self.min_id, min(ids))
        self.max_id = max(self.max_id, max(ids))
        latest = max(r[OCCURRED] for r in rows)
        self.last_at = latest if self.last_at is None else max(self.last_at, latest)

    def write_table(self, table: pa.Table) -> None:
        """Rows already in Arrow form (read back from an export's own files)."""
        if not table.num_rows:
            return
        self.writer.write_table(table.cast(SCHEMA))
        ids = table["id"]
        self.rows += table.num_rows
        self.id_sum += pc.sum(ids).as_py()
        low, high = pc.min(ids).as_py(), pc.max(ids).as_py()
        self.min_id = low if self.min_id is None else min(self.min_id, low)
        self.max_id = max(self.max_id, high)
        latest = pc.max(table["occurred_at"]).as_py().replace(tzinfo=None)  # naive UTC, as stored
        self.last_at = latest if self.last_at is None else max(self.last_at, latest)

    def close(self) -> None:
        self.writer.close()

    def abort(self) -> None:
        self.writer.close()
        self.temporary.unlink(missing_ok=True)


def _file_entry(root: Path, part: _PartWriter) -> dict:
    return {
        "path": part.final.relative_to(root).as_posix(),
        "rows": part.rows,
        "bytes": part.final.stat().st_size,
        "sha256": sha256(part.final),
        "min_id": part.min_id,
        "max_id": part.max_id,
    }


def _add_to_day(entry: dict, part: _PartWriter, file_entry: dict) -> dict:
    entry["files"].append(file_entry)
    entry["rows"] += part.rows
    entry["id_sum"] += part.id_sum
    entry["max_id"] = max(entry["max_id"], part.max_id)
    entry["last_at"] = max(filter(None, (entry["last_at"], stamp(part.last_at))))
    return entry


def _new_day_entry() -> dict:
    return {"rows": 0, "id_sum": 0, "max_id": 0, "last_at": None, "files": []}


def write_day(root: Path, day: str, batches) -> dict | None:
    """All of a day's rows (lists of row tuples) as a fresh folder, swapped in for any previous one."""

    def feed(part: _PartWriter) -> None:
        for rows in batches:
            part.write(rows)

    return _stage_day(root, day, feed)


def replace_day(root: Path, day: str, entry: dict, tables) -> tuple[dict | None, list[Path]]:
    """A day written again from Arrow tables (its own files, filtered) as one new part beside them.

    Returns the day's new manifest entry (None when no row is left) and its
    old files: the caller deletes those once the manifest no longer lists
    them, so a reader of either manifest finds every file it lists, and an
    export cut off before the manifest leaves only an unlisted file behind
    (`drop_strays` removes it).
    """
    old = [root / f["path"] for f in entry["files"]]
    folder = root / f"dt={day}"
    name = f"part-{_next_index(entry):05d}.parquet"
    part = _PartWriter(folder / name, folder / f".tmp-{uuid.uuid4().hex[:8]}-{name}")
    try:
        for table in tables:
            part.write_table(table)
    except BaseException:
        part.abort()
        raise
    part.close()
    if not part.rows:
        part.temporary.unlink()
        return None, [folder]
    os.replace(part.temporary, part.final)
    return _add_to_day(_new_day_entry(), part, _file_entry(root, part)), old


def _next_index(entry: dict) -> int:
    """The number after the day's highest part file (names stay unique when parts are replaced)."""
    numbers = [int(Path(f["path"]).stem.rsplit("-", 1)[1]) for f in entry["files"]]
    return max(numbers, default=-1) + 1


def _stage_day(root: Path, day: str, feed) -> dict | None:
    """A day's one part written by `feed` into a staging folder, then swapped in; None when empty."""
    final = root / f"dt={day}"
    staging = root / f".tmp-dt={day}-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    part = _PartWriter(final / "part-00000.parquet", staging / "part-00000.parquet")
    try:
        feed(part)
    except BaseException:
        part.abort()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    part.close()
    if not part.rows:
        # The old folder stays until the manifest no longer lists it (the caller removes it).
        shutil.rmtree(staging, ignore_errors=True)
        return None
    retired = root / f".old-dt={day}-{uuid.uuid4().hex[:8]}"
    if final.exists():
        final.rename(retired)
    staging.rename(final)
    shutil.rmtree(retired, ignore_errors=True)
    return _add_to_day(_new_day_entry(), part, _file_entry(root, part))


def append_part(root: Path, day: str, entry: dict, rows_batches) -> dict:
    """New rows of a day already exported, as its next part file."""
    folder = root / f"dt={day}"
    name = f"part-{_next_index(entry):05d}.parquet"
    part = _PartWriter(folder / name, folder / f".tmp-{uuid.uuid4().hex[:8]}-{name}")
    try:
        for rows in rows_batches:
            part.write(rows)
    except BaseException:
        part.abort()
        raise
    part.close()
    os.replace(part.temporary, part.final)
    return _add_to_day(entry, part, _file_entry(root, part))


def drop_strays(root: Path, manifest: dict) -> None:
    """Remove what an interrupted export left: temporary names, days and parts not listed."""
    listed = {f["path"] for d in manifest["days"].values() for f in d["files"]}
    for child in root.iterdir():
        if child.name.startswith((".tmp-", ".old-")):
            shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink()
        elif child.is_dir() and child.name.startswith("dt="):
            if child.name[3:] not in manifest["days"]:
                shutil.rmtree(child, ignore_errors=True)
                continue
            for part in child.iterdir():
                if f"{child.name}/{part.name}" not in listed:
                    part.unlink()
