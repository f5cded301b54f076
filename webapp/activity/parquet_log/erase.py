"""Erasures reaching the days of months dropped from the database: their own files, filtered.

A day the database still holds is written again from it when it lost rows
(export.py). A month dropped from PostgreSQL has no rows left to write from,
so each erasure is noted (webapp.models.erasures) and an export applies the
pending notes to the days of its archived months: a day whose files hold a
matching row is written again from its own files without those rows (pyarrow)
as one new part file, the manifest lists it (rows, id sum, checksum) in place
of the old parts, and the old parts are deleted only after the manifest is
replaced: a reader never meets a listed file that is missing or changed. The notes are then deleted
by the export that holds the archived months; an export without any leaves
them for the one that does.
"""

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import delete, select

from webapp.activity.parquet_log.manifest import month_key
from webapp.activity.parquet_log.parts import replace_day
from webapp.activity.vocabulary import PLAYBACK
from webapp.extensions import db
from webapp.models import EventErasure

_KEYS = ["profile_id", "title_id", "episode_id", "type"]


def pending() -> list[EventErasure]:
    """The erasures noted and not yet applied, oldest first."""
    return list(db.session.scalars(select(EventErasure).order_by(EventErasure.id)))


_IDS = ("profile_id", "title_id", "episode_id")


def erased_rows(table: pa.Table, erasures: list[EventErasure]) -> pa.ChunkedArray:
    """True for each row of `table` that one of `erasures` names (the database's own rules).

    A note naming one id alone (a whole profile; a title or episode deleted
    from the catalog) joins that column's set, one lookup per column however
    many notes a deleted series left; the others are matched one by one.
    """
    alone: dict[str, list[int]] = {column: [] for column in _IDS}
    each = []
    for e in erasures:
        named = {column: getattr(e, column) for column in _IDS if getattr(e, column) is not None}
        if len(named) == 1 and not e.playback_only:
            ((column, value),) = named.items()
            alone[column].append(value)
        elif named:  # a note naming nothing erases nothing
            each.append((named, e.playback_only))
    mask = pc.is_in(table["profile_id"], value_set=pa.array(alone["profile_id"], pa.int64()))
    for column in ("title_id", "episode_id"):
        if alone[column]:
            found = pc.is_in(table[column], value_set=pa.array(alone[column], pa.int64()))
            mask = pc.or_(mask, found)
    playback = pa.array(sorted(PLAYBACK), pa.string())
    for named, playback_only in each:
        match = None
        for column, value in named.items():
            equal = pc.equal(table[column], value)
            match = equal if match is None else pc.and_(match, equal)
        if playback_only:
            match = pc.and_(match, pc.is_in(table["type"], value_set=playback))
        mask = pc.or_(mask, pc.fill_null(match, False))
    return pc.fill_null(mask, False)


def _files(root: Path, entry: dict) -> list[Path]:
    return [root / f["path"] for f in entry["files"]]


def _touched(root: Path, entry: dict, erasures: list[EventErasure]) -> bool:
    """Does any file of the day hold a row to erase? (Reads four columns only.)"""
    for path in _files(root, entry):
        keys = pq.read_table(path, columns=_KEYS)
        if pc.any(erased_rows(keys, erasures)).as_py():
            return True
    return False


def _kept(root: Path, entry: dict, erasures: list[EventErasure]):
    """The day's rows that stay, file by file, as Arrow tables."""
    for path in _files(root, entry):
        table = pq.read_table(path)
        yield table.filter(pc.invert(erased_rows(table, erasures)))


def apply(root: Path, manifest: dict, erasures: list[EventErasure]) -> tuple[list, list, list]:
    """Filter the archived days by `erasures`, updating the manifest.

    Returns (days rewritten, days removed, files and folders to delete once
    the manifest is written).
    """
    archived = set(manifest.get("archived_months", []))
    days: dict = manifest["days"]
    rewritten, removed, retired = [], [], []
    if not erasures:
        return rewritten, removed, retired
    for day in sorted(d for d in days if month_key(d) in archived):
        if not _touched(root, days[day], erasures):
            continue
        entry, old = replace_day(root, day, days[day], _kept(root, days[day], erasures))
        retired += old
        if entry is None:
            del days[day]
            removed.append(day)
        else:
            days[day] = entry
            rewritten.append(day)
    return rewritten, removed, retired


def forget(manifest: dict, erasures: list[EventErasure]) -> None:
    """Delete the applied notes, when this export holds the archived months they were for."""
    if erasures and manifest.get("archived_months"):
        ids = [e.id for e in erasures]
        db.session.execute(delete(EventErasure).where(EventErasure.id.in_(ids)))
        db.session.commit()
