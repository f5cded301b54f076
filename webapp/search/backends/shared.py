"""Statements both indexes share: stored documents, deletes by id, candidate limits.

The two engines differ in how they match and rank; reading and deleting the
stored rows by key, in chunks that keep each IN list short, is the same SQL.
"""

import sqlalchemy as sa

from webapp.extensions import db

FUZZY_CANDIDATES = 40  # close spellings looked at per unknown word before the best are kept
# Known words sharing an unknown word's first letters, looked at besides its trigram matches:
# a slip in a short word leaves no trigram intact ("awy" shares none with "away").
PREFIX_CANDIDATES = 200


def first_letters(word: str) -> str:
    """The first letters a misspelt word most likely shares with its spelling."""
    return word[:2] if len(word) <= 5 else word[:3]


def stored_documents(key: str, ids) -> list[dict]:
    docs = []
    for chunk in chunks(sorted(set(ids))):
        rows = db.session.execute(
            sa.text(f"SELECT name, people, body FROM search_titles WHERE {key} IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": chunk},
        )
        docs.extend(dict(r._mapping) for r in rows)
    return docs


def delete_in(table: str, key: str, ids) -> None:
    for chunk in chunks(sorted(set(ids))):
        db.session.execute(
            sa.text(f"DELETE FROM {table} WHERE {key} IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": chunk},
        )


def chunks(items: list, size: int = 500):
    for begin in range(0, len(items), size):
        yield items[begin : begin + size]
