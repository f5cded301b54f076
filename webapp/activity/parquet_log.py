"""The event log as Parquet files, one folder per day, for engines that read files (Spark).

Layout under the export directory::

    dt=YYYY-MM-DD/part-00000.parquet   events of that UTC day (more parts as it grows)
    manifest.json                      files, rows, SHA-256 checksums, high-water marks

An export is incremental: rows above the manifest's `last_event_id` are added
to their day (a new part file, or a new day folder). Deleted history leaves
the export too: each day's row count and id sum at or below that mark are
compared with the manifest, and a day that lost rows (a viewer erased history,
a profile or a title was deleted) is written again from the database. Months
dropped from PostgreSQL after export (`archive_month`, webapp.activity.partitions)
are listed as archived: their days stay as exported. New
files and folders are written under temporary names and renamed when complete,
and the manifest is replaced last, so a reader never sees half a day.
"""

import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Float, Integer, SmallInteger, String, Text, case, func, select

from webapp.extensions import db
from webapp.models import Event

MANIFEST = "manifest.json"
FORMAT = 1
CHUNK = 50_000


class ExportError(ValueError):
    """The export directory cannot be used; the message says why."""


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
_OCCURRED = [c.key for c in COLUMNS].index("occurred_at")
_ID = [c.key for c in COLUMNS].index("id")


@dataclass
class ExportSummary:
    rows_added: int = 0
    rows_total: int = 0
    days_new: list[str] = field(default_factory=list)
    days_appended: list[str] = field(default_factory=list)
    days_rewritten: list[str] = field(default_factory=list)
    days_removed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.days_new or self.days_appended or self.days_rewritten or self.days_removed)

    def describe(self, root: Path) -> str:
        if not self.changed:
            return f"Export at {root} is up to date: {self.rows_total:,} events."
        return (
            f"Exported to {root} in {self.seconds:.1f} s: {self.rows_added:,} new events, "
            f"{len(self.days_new)} new days, {len(self.days_appended)} days extended, "
            f"{len(self.days_rewritten)} days rewritten after deletions, "
            f"{len(self.days_removed)} days removed; {self.rows_total:,} events in all."
        )


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


def _month_key(day: str) -> str:
    return day[:7]


def month_exported(manifest: dict, month: str, rows: int, top_id: int) -> bool:
    """True when the export holds all `rows` events of `month` (YYYY-MM), ids up to `top_id`."""
    held = sum(d["rows"] for day, d in manifest["days"].items() if _month_key(day) == month)
    return held == rows and int(manifest["last_event_id"]) >= top_id


def archive_month(root: Path, month: str) -> None:
    """Record that `month` (YYYY-MM) left the database: exports keep its days as they are."""
    root = Path(root)
    manifest = read_manifest(root)
    manifest["archived_months"] = sorted({*manifest.get("archived_months", []), month})
    _write_manifest(root, manifest)


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


def _day_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _stamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(sep=" ", timespec="microseconds")


def _day_fingerprints(mark: int, top: int) -> dict[str, tuple[tuple, int]]:
    """{day: ((rows, id sum, latest time) at or below mark, rows above it)}, ids up to top.

    The latest time catches SQLite handing the ids of deleted newest rows to
    new ones: the same ids come back, but later.
    """
    old = Event.id <= mark
    day = func.date(Event.occurred_at)
    query = (
        select(
            day,
            func.sum(case((old, 1), else_=0)),
            func.sum(case((old, Event.id), else_=0)),
            func.max(case((old, Event.occurred_at), else_=None)),
            func.sum(case((old, 0), else_=1)),
        )
        .where(Event.id <= top)
        .group_by(day)
    )
    out = {}
    for d, n_old, id_sum, last_at, n_new in db.session.execute(query):
        if isinstance(last_at, str):  # SQLite's max() of a CASE loses the column type
            last_at = datetime.fromisoformat(last_at)
        out[str(d)[:10]] = (
            (int(n_old), int(id_sum), _stamp(last_at) if n_old else None),
            int(n_new),
        )
    return out


def _fingerprint(entry: dict) -> tuple:
    return (entry["rows"], entry["id_sum"], entry["last_at"])


def _batches(query, chunk: int):
    """Lists of at most `chunk` rows of a streamed query."""
    result = db.session.execute(query.execution_options(yield_per=chunk))
    yield from result.partitions(chunk)


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
        latest = max(r[_OCCURRED] for r in rows)
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
    entry["last_at"] = max(filter(None, (entry["last_at"], _stamp(part.last_at))))
    return entry


def _new_day_entry() -> dict:
    return {"rows": 0, "id_sum": 0, "max_id": 0, "last_at": None, "files": []}


def _write_day(root: Path, day: str, batches) -> dict | None:
    """All of a day's rows as a fresh folder, swapped in for any previous one."""
    final = root / f"dt={day}"
    staging = root / f".tmp-dt={day}-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    part = _PartWriter(final / "part-00000.parquet", staging / "part-00000.parquet")
    try:
        for rows in batches:
            part.write(rows)
    except BaseException:
        part.abort()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    part.close()
    if not part.rows:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(final, ignore_errors=True)
        return None
    retired = root / f".old-dt={day}-{uuid.uuid4().hex[:8]}"
    if final.exists():
        final.rename(retired)
    staging.rename(final)
    shutil.rmtree(retired, ignore_errors=True)
    return _add_to_day(_new_day_entry(), part, _file_entry(root, part))


def _append_part(root: Path, day: str, entry: dict, rows_batches) -> dict:
    """New rows of a day already exported, as its next part file."""
    folder = root / f"dt={day}"
    name = f"part-{len(entry['files']):05d}.parquet"
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


def _drop_strays(root: Path, manifest: dict) -> None:
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


def _write_manifest(root: Path, manifest: dict) -> None:
    temporary = root / f".tmp-{uuid.uuid4().hex[:8]}-{MANIFEST}"
    temporary.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    os.replace(temporary, root / MANIFEST)


def _day_bounds(day: str) -> tuple[datetime, datetime]:
    start = datetime.combine(date.fromisoformat(day), datetime.min.time())
    return start, start + timedelta(days=1)


def export_events(root: str | os.PathLike, chunk: int = CHUNK) -> ExportSummary:
    """Bring the Parquet export at `root` up to date with the events table."""
    started = time.perf_counter()
    root = prepare_directory(Path(root))
    manifest = read_manifest(root)
    _drop_strays(root, manifest)
    summary = ExportSummary()
    days: dict = manifest["days"]
    mark = int(manifest["last_event_id"])
    # Rows added while this runs wait for the next export: every query stops at `top`.
    top = db.session.execute(select(func.max(Event.id))).scalar() or 0
    prints = _day_fingerprints(mark, top)
    archived = set(manifest.get("archived_months", []))

    for day in sorted(d for d in set(days) - set(prints) if _month_key(d) not in archived):
        shutil.rmtree(root / f"dt={day}", ignore_errors=True)
        del days[day]
        summary.days_removed.append(day)
    rewrite = sorted(
        d
        for d, (old, _) in prints.items()
        if d in days and _month_key(d) not in archived and old != _fingerprint(days[d])
    )
    columns = [getattr(Event, c.key) for c in COLUMNS]
    for day in rewrite:
        start, end = _day_bounds(day)
        query = (
            select(*columns)
            .where(Event.occurred_at >= start, Event.occurred_at < end, Event.id <= top)
            .order_by(Event.id)
        )
        entry = _write_day(root, day, _batches(query, chunk))
        if entry is None:
            del days[day]
            summary.days_removed.append(day)
        else:
            summary.rows_added += max(0, entry["rows"] - prints[day][0][0])
            days[day] = entry
            summary.days_rewritten.append(day)

    # New rows in day order, so that one day's files are open at a time.
    skip = set(rewrite)
    if any(n_new for d, (_, n_new) in prints.items() if d not in skip):
        query = (
            select(*columns)
            .where(Event.id > mark, Event.id <= top)
            .order_by(Event.occurred_at, Event.id)
        )
        for day, batches in _by_day(_batches(query, chunk)):
            if day in skip:
                for _ in batches:
                    pass
                continue
            if day in days:
                days[day] = _append_part(root, day, days[day], batches)
                summary.days_appended.append(day)
            else:
                days[day] = _write_day(root, day, batches)
                summary.days_new.append(day)
            summary.rows_added += days[day]["files"][-1]["rows"]

    manifest["last_event_id"] = max(mark, top)
    manifest["rows"] = sum(d["rows"] for d in days.values())
    summary.rows_total = manifest["rows"]
    if summary.changed or not (root / MANIFEST).exists() or mark != manifest["last_event_id"]:
        _write_manifest(root, manifest)
    summary.seconds = time.perf_counter() - started
    return summary


def _by_day(batches):
    """(day, iterator of row lists of that day) from row lists sorted by time.

    Each day's iterator must be consumed before the next pair is taken.
    """
    pending: list | None = None
    source = iter(batches)

    def rows_of(day: str):
        nonlocal pending
        while True:
            if pending is None:
                pending = next(source, None)
                if pending is None:
                    return
            cut = 0
            while cut < len(pending) and _day_of(pending[cut][_OCCURRED]) == day:
                cut += 1
            if cut:
                yield pending[:cut]
            if cut < len(pending):
                pending = pending[cut:]
                return
            pending = None

    while True:
        if pending is None:
            pending = next(source, None)
            if pending is None:
                return
        day = _day_of(pending[0][_OCCURRED])
        yield day, rows_of(day)
