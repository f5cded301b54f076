"""Bringing a Parquet export up to date with the events table: new, rewritten and removed days.

Rows above the manifest's `last_event_id` are appended to their day; a day
whose rows at or below that mark changed (history erased, a profile or title
deleted) is written again; days of archived months stay as exported, except
that erasures noted since the last run are applied to their files (erase.py).
"""

import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import case, func, select

from webapp.activity.parquet_log import erase
from webapp.activity.parquet_log.manifest import (
    MANIFEST,
    month_key,
    prepare_directory,
    read_manifest,
    write_manifest,
)
from webapp.activity.parquet_log.parts import (
    COLUMNS,
    OCCURRED,
    append_part,
    drop_strays,
    stamp,
    write_day,
)
from webapp.extensions import db
from webapp.models import Event

CHUNK = 50_000


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


def _day_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


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
            (int(n_old), int(id_sum), stamp(last_at) if n_old else None),
            int(n_new),
        )
    return out


def _fingerprint(entry: dict) -> tuple:
    return (entry["rows"], entry["id_sum"], entry["last_at"])


def _batches(query, chunk: int):
    """Lists of at most `chunk` rows of a streamed query."""
    result = db.session.execute(query.execution_options(yield_per=chunk))
    yield from result.partitions(chunk)


def _day_bounds(day: str) -> tuple[datetime, datetime]:
    start = datetime.combine(date.fromisoformat(day), datetime.min.time())
    return start, start + timedelta(days=1)


def export_events(root: str | os.PathLike, chunk: int = CHUNK) -> ExportSummary:
    """Bring the Parquet export at `root` up to date with the events table."""
    started = time.perf_counter()
    root = prepare_directory(Path(root))
    manifest = read_manifest(root)
    drop_strays(root, manifest)
    summary = ExportSummary()
    days: dict = manifest["days"]
    mark = int(manifest["last_event_id"])
    # Rows added while this runs wait for the next export: every query stops at `top`.
    top = db.session.execute(select(func.max(Event.id))).scalar() or 0
    prints = _day_fingerprints(mark, top)
    archived = set(manifest.get("archived_months", []))

    # Files the new manifest no longer lists: deleted once it has replaced the old one.
    retired: list[Path] = []
    for day in sorted(d for d in set(days) - set(prints) if month_key(d) not in archived):
        retired.append(root / f"dt={day}")
        del days[day]
        summary.days_removed.append(day)
    rewrite = sorted(
        d
        for d, (old, _) in prints.items()
        if d in days and month_key(d) not in archived and old != _fingerprint(days[d])
    )
    columns = [getattr(Event, c.key) for c in COLUMNS]
    for day in rewrite:
        start, end = _day_bounds(day)
        query = (
            select(*columns)
            .where(Event.occurred_at >= start, Event.occurred_at < end, Event.id <= top)
            .order_by(Event.id)
        )
        entry = write_day(root, day, _batches(query, chunk))
        if entry is None:
            retired.append(root / f"dt={day}")
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
                days[day] = append_part(root, day, days[day], batches)
                summary.days_appended.append(day)
            else:
                days[day] = write_day(root, day, batches)
                summary.days_new.append(day)
            summary.rows_added += days[day]["files"][-1]["rows"]

    # Months dropped from the database: erasures reach them through their own files.
    erasures = erase.pending()
    rewritten, removed, old_files = erase.apply(root, manifest, erasures)
    summary.days_rewritten += rewritten
    summary.days_removed += removed
    retired += old_files

    manifest["last_event_id"] = max(mark, top)
    manifest["rows"] = sum(d["rows"] for d in days.values())
    summary.rows_total = manifest["rows"]
    if summary.changed or not (root / MANIFEST).exists() or mark != manifest["last_event_id"]:
        write_manifest(root, manifest)
    for path in retired:
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    erase.forget(manifest, erasures)
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
            while cut < len(pending) and _day_of(pending[cut][OCCURRED]) == day:
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
        day = _day_of(pending[0][OCCURRED])
        yield day, rows_of(day)
