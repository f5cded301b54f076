"""Chunked bulk inserts with an optional progress bar."""

from collections.abc import Sequence

from sqlalchemy import insert
from tqdm import tqdm

from webapp.extensions import db

CHUNK = 5000


def insert_rows(model, rows: Sequence[dict], bar: tqdm | None = None, chunk: int = CHUNK) -> int:
    """Insert plain dicts (all with the same keys) in chunks; returns the row count."""
    # The table, not the ORM entity: the ORM drops None values and splits a batch
    # wherever the set of non-None keys changes, which turns it into row-by-row inserts.
    table = getattr(model, "__table__", model)
    for begin in range(0, len(rows), chunk):
        part = rows[begin : begin + chunk]
        db.session.execute(insert(table), list(part))
        if bar is not None:
            bar.update(len(part))
    return len(rows)
