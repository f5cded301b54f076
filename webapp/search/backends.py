"""The search index in each database's own full-text engine.

SQLite keeps it in FTS5 tables (bm25 ranking, a trigram table for typo
tolerance); PostgreSQL in weighted tsvectors (ts_rank) with pg_trgm. Both
index the same normalised words (see webapp.search.text), so a query means the
same thing on either. Column weights make a title-name match outrank a cast
match, which outranks a synopsis match.
"""

import sqlalchemy as sa
from sqlalchemy import Select, select

from webapp.extensions import db
from webapp.models import Title
from webapp.search.text import similarity

# bm25 weights for (name, people, body); ts_rank weights for {D, C=body, B=people, A=name}.
SQLITE_WEIGHTS = (100.0, 10.0, 1.0)
POSTGRES_WEIGHTS = "'{0.001, 0.01, 0.1, 1.0}'"
MIN_SIMILARITY = 0.3  # pg_trgm's default threshold
FUZZY_CANDIDATES = 40  # trigram hits SQLite ranks before the exact similarity is computed


class Groups(list):
    """A parsed query: a list of word groups; any word of a group may match, every group must.

    The last group is matched as a prefix (the viewer may still be typing). With
    `names_only`, that prefix is looked for in titles' names and people only: as
    the viewer types two letters, "th" should find "The ..." and "Thurman", not
    every synopsis with "the" in it (which would also be slow to rank).
    """

    names_only = False

    def with_names_only(self, value: bool) -> "Groups":
        copy = Groups(self)
        copy.names_only = value
        return copy


def backend():
    """The index implementation for the current database."""
    return SQLITE if db.engine.dialect.name == "sqlite" else POSTGRES


class SqliteIndex:
    def before_search(self) -> None:
        """Nothing to tune: SQLite plans each statement as it comes."""

    titles = sa.table("search_titles", sa.column("rowid"))
    people = sa.table("search_people", sa.column("rowid"))

    def put_titles(self, rows: list[dict]) -> None:
        if not rows:
            return
        self.delete_titles([r["id"] for r in rows])
        db.session.execute(
            sa.text(
                "INSERT INTO search_titles(rowid, name, people, body) "
                "VALUES (:id, :name, :people, :body)"
            ),
            rows,
        )

    def delete_titles(self, ids) -> None:
        for chunk in _chunks(list(ids)):
            db.session.execute(
                sa.text("DELETE FROM search_titles WHERE rowid IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)
                ),
                {"ids": chunk},
            )

    def put_people(self, rows: list[dict]) -> None:
        if not rows:
            return
        for chunk in _chunks([r["id"] for r in rows]):
            db.session.execute(
                sa.text("DELETE FROM search_people WHERE rowid IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)
                ),
                {"ids": chunk},
            )
        db.session.execute(
            sa.text("INSERT INTO search_people(rowid, name) VALUES (:id, :name)"), rows
        )

    def add_terms(self, terms) -> None:
        rows = [{"term": t} for t in sorted(terms)]
        if rows:
            db.session.execute(
                sa.text("INSERT OR IGNORE INTO search_terms(term) VALUES (:term)"), rows
            )

    def clear(self) -> None:
        for table in ("search_titles", "search_people", "search_terms"):
            db.session.execute(sa.text(f"DELETE FROM {table}"))

    @staticmethod
    def render(groups: Groups) -> str:
        parts = []
        for i, group in enumerate(groups):
            last = i == len(groups) - 1
            words = [f'"{w}"*' if last else f'"{w}"' for w in group]
            part = "(" + " OR ".join(words) + ")"
            if last and groups.names_only:
                part = ("{name}: " if _short(group) else "{name people}: ") + part
            parts.append(part)
        return " AND ".join(parts)

    def title_query(self, groups: Groups) -> Select:
        fts = sa.literal_column("search_titles")
        score = sa.func.bm25(fts, *SQLITE_WEIGHTS)
        return (
            select(Title.id)
            .join(self.titles, self.titles.c.rowid == Title.id)
            .where(fts.op("MATCH")(self.render(groups)))
            .order_by(score, Title.name)
        )

    def person_ids(self, groups: Groups, limit: int) -> list[int]:
        rows = db.session.execute(
            sa.text(
                "SELECT rowid FROM search_people WHERE search_people MATCH :q ORDER BY rank LIMIT :n"
            ),
            {"q": self.render(groups.with_names_only(False)), "n": limit},
        )
        return [r[0] for r in rows]

    def similar_terms(self, word: str, limit: int) -> list[str]:
        grams = {word[i : i + 3] for i in range(len(word) - 2)}
        if not grams:
            return []
        match = " OR ".join(f'"{g}"' for g in sorted(grams))
        found = db.session.scalars(
            sa.text(
                "SELECT term FROM search_terms_trigram WHERE search_terms_trigram MATCH :q "
                "ORDER BY rank LIMIT :n"
            ),
            {"q": match, "n": FUZZY_CANDIDATES},
        )
        return _closest(word, found, limit)


class PostgresIndex:
    def before_search(self) -> None:
        """Plan search statements for their actual words.

        psycopg prepares statements it sees often, and PostgreSQL then may use a
        generic plan that cannot tell a rare word from a common one, and scans
        every row instead of using the full-text index. For this transaction only.
        """
        db.session.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))

    titles = sa.table(
        "search_titles", sa.column("title_id"), sa.column("document"), sa.column("names")
    )
    people = sa.table("search_people", sa.column("person_id"), sa.column("document"))

    def put_titles(self, rows: list[dict]) -> None:
        if rows:
            db.session.execute(
                sa.text(
                    "INSERT INTO search_titles(title_id, name, people, body) "
                    "VALUES (:id, :name, :people, :body) ON CONFLICT (title_id) DO UPDATE SET "
                    "name = excluded.name, people = excluded.people, body = excluded.body"
                ),
                rows,
            )

    def delete_titles(self, ids) -> None:
        for chunk in _chunks(list(ids)):
            db.session.execute(
                sa.text("DELETE FROM search_titles WHERE title_id IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)
                ),
                {"ids": chunk},
            )

    def put_people(self, rows: list[dict]) -> None:
        if rows:
            db.session.execute(
                sa.text(
                    "INSERT INTO search_people(person_id, name) VALUES (:id, :name) "
                    "ON CONFLICT (person_id) DO UPDATE SET name = excluded.name"
                ),
                rows,
            )

    def add_terms(self, terms) -> None:
        rows = [{"term": t} for t in sorted(terms)]
        if rows:
            db.session.execute(
                sa.text(
                    "INSERT INTO search_terms(term) VALUES (:term) ON CONFLICT (term) DO NOTHING"
                ),
                rows,
            )

    def clear(self) -> None:
        db.session.execute(sa.text("TRUNCATE search_titles, search_people, search_terms"))

    @staticmethod
    def render(groups: Groups) -> str:
        parts = []
        for i, group in enumerate(groups):
            last = i == len(groups) - 1
            # Weights A (name) and B (people) only, as the SQLite column filter does.
            suffix = ""
            if last:
                suffix = (":*A" if _short(group) else ":*AB") if groups.names_only else ":*"
            words = [f"{w}{suffix}" for w in group]
            parts.append("(" + " | ".join(words) + ")")
        return " & ".join(parts)

    def _tsquery(self, groups: Groups):
        return sa.func.to_tsquery(
            sa.literal_column("'simple'"), sa.bindparam("tsq", self.render(groups))
        )

    def title_query(self, groups: Groups) -> Select:
        query = self._tsquery(groups)
        # Names-only queries use the smaller names vector and its own index.
        vector = self.titles.c.names if groups.names_only else self.titles.c.document
        score = sa.func.ts_rank(sa.literal_column(POSTGRES_WEIGHTS), vector, query, 1)
        return (
            select(Title.id)
            .join(self.titles, self.titles.c.title_id == Title.id)
            .where(vector.op("@@")(query))
            .order_by(score.desc(), Title.name)
        )

    def person_ids(self, groups: Groups, limit: int) -> list[int]:
        query = self._tsquery(groups.with_names_only(False))  # a person is all name
        score = sa.func.ts_rank(self.people.c.document, query, 1)
        stmt = (
            select(self.people.c.person_id)
            .where(self.people.c.document.op("@@")(query))
            .order_by(score.desc())
            .limit(limit)
        )
        return list(db.session.scalars(stmt))

    def similar_terms(self, word: str, limit: int) -> list[str]:
        found = db.session.scalars(
            sa.text(
                "SELECT term FROM search_terms WHERE term % :w "
                "ORDER BY similarity(term, :w) DESC, term LIMIT :n"
            ),
            {"w": word, "n": limit * 3},
        )
        return _closest(word, found, limit)


def _short(group: list[str]) -> bool:
    """One or two letters typed: too common a prefix to look for beyond titles' names."""
    return max(len(w) for w in group) <= 2


def known_terms(words: list[str]) -> set[str]:
    """Which of these words are in the index vocabulary."""
    if not words:
        return set()
    stmt = sa.text("SELECT term FROM search_terms WHERE term IN :words").bindparams(
        sa.bindparam("words", expanding=True)
    )
    return set(db.session.scalars(stmt, {"words": list(words)}))


def _closest(word: str, candidates, limit: int) -> list[str]:
    scored = sorted(
        ((similarity(word, c), c) for c in candidates if c != word), key=lambda p: (-p[0], p[1])
    )
    if not scored:
        return []
    # Only spellings nearly as close as the best one: a distant second brings noise.
    floor = max(MIN_SIMILARITY, scored[0][0] - 0.15)
    return [c for s, c in scored if s >= floor][:limit]


def _chunks(items: list, size: int = 500):
    for begin in range(0, len(items), size):
        yield items[begin : begin + size]


SQLITE = SqliteIndex()
POSTGRES = PostgresIndex()
