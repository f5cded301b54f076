"""The search index in each database's own full-text engine.

SQLite keeps it in FTS5 tables (bm25 ranking, a trigram table for typo
tolerance); PostgreSQL in weighted tsvectors (ts_rank) with pg_trgm. Both
index the same normalised words (see webapp.search.text), so a query means the
same thing on either.

The results page ranks by relevance over the whole text: column weights make a
title-name match outrank a cast match, which outranks a synopsis match.
Suggestions, asked for at every keystroke, rank in tiers instead: titles whose
name matches, then titles whose cast matches, each tier shortest name first.
That order needs no score per matching row, so a two-letter prefix that
matches a third of the catalog costs a few index steps, not a ranking of
thousands of rows.

The vocabulary (`search_terms`) holds every word of the indexed titles, for
typo correction; words no title uses any more are pruned as titles change.
"""

import sqlalchemy as sa
from sqlalchemy import Select, select

from webapp.extensions import db
from webapp.models import Person, Title
from webapp.search.text import edit_distance, max_edits

# bm25 weights for (name, people, body); ts_rank weights for {D, C=body, B=people, A=name}.
SQLITE_WEIGHTS = (100.0, 10.0, 1.0)
POSTGRES_WEIGHTS = "'{0.001, 0.01, 0.1, 1.0}'"
FUZZY_CANDIDATES = 40  # close spellings looked at per unknown word before the best are kept
# Known words sharing an unknown word's first letters, looked at besides its trigram matches:
# a slip in a short word leaves no trigram intact ("awy" shares none with "away").
PREFIX_CANDIDATES = 200
LONG_WORD = 8  # letters from which SQLite looks for typos by four-letter runs first

TITLE_TIER = "title"  # suggestion tier: every word in the title's name
CAST_TIER = "cast"  # suggestion tier: the rest, with words in the cast's names


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

    @property
    def cast_tier_possible(self) -> bool:
        """Whether any word may match a cast name (a lone short prefix looks in titles only)."""
        return len(self) > 1 or not _short(self[-1])


def backend():
    """The index implementation for the current database."""
    return SQLITE if db.engine.dialect.name == "sqlite" else POSTGRES


class SqliteIndex:
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
        _delete_in("search_titles", "rowid", ids)

    def put_people(self, rows: list[dict]) -> None:
        if not rows:
            return
        self.delete_people([r["id"] for r in rows])
        db.session.execute(
            sa.text("INSERT INTO search_people(rowid, name) VALUES (:id, :name)"), rows
        )

    def delete_people(self, ids) -> None:
        _delete_in("search_people", "rowid", ids)

    def documents(self, ids) -> list[dict]:
        """The indexed text of these titles, as stored."""
        return _documents("rowid", ids)

    def add_terms(self, terms) -> None:
        rows = [{"term": t} for t in sorted(terms)]
        if rows:
            db.session.execute(
                sa.text("INSERT OR IGNORE INTO search_terms(term) VALUES (:term)"), rows
            )

    def prune_terms(self, terms) -> None:
        """Drop those of these words that no indexed title contains any more."""
        for chunk in _chunks(sorted(terms)):
            db.session.execute(
                sa.text(
                    "DELETE FROM search_terms WHERE term IN :terms AND NOT EXISTS ("
                    " SELECT 1 FROM search_titles"
                    " WHERE search_titles MATCH '\"' || search_terms.term || '\"')"
                ).bindparams(sa.bindparam("terms", expanding=True)),
                {"terms": chunk},
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

    def _match(self, expression: str):
        return sa.literal_column("search_titles").op("MATCH")(expression)

    def title_query(self, groups: Groups) -> Select:
        score = sa.func.bm25(sa.literal_column("search_titles"), *SQLITE_WEIGHTS)
        return (
            select(Title.id)
            .join(self.titles, self.titles.c.rowid == Title.id)
            .where(self._match(self.render(groups)))
            .order_by(score, Title.name)
        )

    def suggestion_query(self, groups: Groups, tier: str) -> Select:
        in_name = "{name}: (" + self.render(groups.with_names_only(False)) + ")"
        if tier == TITLE_TIER:
            expression = in_name
        else:
            expression = f"({self.render(groups.with_names_only(True))}) NOT {in_name}"
        # Sorting by the titles table's own name: reading each FTS5 row's text costs more.
        return (
            select(Title)
            .join(self.titles, self.titles.c.rowid == Title.id)
            .where(self._match(expression))
            .order_by(sa.func.length(Title.name), Title.name, Title.id)
        )

    def person_query(self, groups: Groups) -> Select:
        match = sa.literal_column("search_people").op("MATCH")(
            self.render(groups.with_names_only(False))  # a person is all name
        )
        return (
            select(Person)
            .join(self.people, self.people.c.rowid == Person.id)
            .where(match)
            .order_by(sa.func.length(Person.name), Person.name, Person.id)
        )

    def corrections(self, words: dict[str, bool]) -> dict[str, list[str]]:
        """For each word the vocabulary has never seen, known words that may be its spelling.

        `words` maps each word to whether it may be a prefix (the last word, still
        being typed): "godf" is known, since "godfather" starts with it. The
        candidates are unranked: webapp.search.service decides which are close.
        """
        known = _known(words)
        return {w: self._candidates(w) for w in words if w not in known}

    def _candidates(self, word: str) -> list[str]:
        """Known words sharing a run of letters with this one, or its first letters.

        A long word is looked up by its four-letter runs first (one slip leaves at
        least one intact, and they match far fewer words than three-letter runs, all
        of which bm25 would rank), then by three-letter runs if none was close.
        """
        found = set()
        sizes = (4, 3) if len(word) >= LONG_WORD else (3,)
        for size in sizes:
            grams = {word[i : i + size] for i in range(len(word) - size + 1)}
            if not grams:
                continue
            match = " OR ".join(f'"{g}"' for g in sorted(grams))
            found.update(
                db.session.scalars(
                    sa.text(
                        "SELECT term FROM search_terms_trigram"
                        " WHERE search_terms_trigram MATCH :q ORDER BY rank LIMIT :n"
                    ),
                    {"q": match, "n": FUZZY_CANDIDATES},
                )
            )
            if any(edit_distance(word, t) <= max_edits(word) for t in found):
                break  # the three-letter runs would only add words further away
        start = _start(word)
        found.update(
            db.session.scalars(
                sa.text(
                    "SELECT term FROM search_terms WHERE term >= :lo AND term < :hi"
                    " AND length(term) BETWEEN :short AND :long LIMIT :n"
                ),
                {
                    "lo": start,
                    "hi": start + "{",
                    "short": len(word) - 2,
                    "long": len(word) + 2,
                    "n": PREFIX_CANDIDATES,
                },
            )
        )
        return sorted(found)


class PostgresIndex:
    titles = sa.table(
        "search_titles",
        sa.column("title_id"),
        sa.column("name"),
        sa.column("document"),
        sa.column("names"),
        sa.column("title_words"),
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
        _delete_in("search_titles", "title_id", ids)

    def put_people(self, rows: list[dict]) -> None:
        if rows:
            db.session.execute(
                sa.text(
                    "INSERT INTO search_people(person_id, name) VALUES (:id, :name) "
                    "ON CONFLICT (person_id) DO UPDATE SET name = excluded.name"
                ),
                rows,
            )

    def delete_people(self, ids) -> None:
        _delete_in("search_people", "person_id", ids)

    def documents(self, ids) -> list[dict]:
        """The indexed text of these titles, as stored."""
        return _documents("title_id", ids)

    def add_terms(self, terms) -> None:
        rows = [{"term": t} for t in sorted(terms)]
        if rows:
            db.session.execute(
                sa.text(
                    "INSERT INTO search_terms(term) VALUES (:term) ON CONFLICT (term) DO NOTHING"
                ),
                rows,
            )

    def prune_terms(self, terms) -> None:
        """Drop those of these words that no indexed title contains any more."""
        for chunk in _chunks(sorted(terms)):
            db.session.execute(
                sa.text(
                    "DELETE FROM search_terms WHERE term IN :terms AND NOT EXISTS ("
                    " SELECT 1 FROM search_titles"
                    " WHERE document @@ to_tsquery('simple', search_terms.term))"
                ).bindparams(sa.bindparam("terms", expanding=True)),
                {"terms": chunk},
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

    def _tsquery(self, groups: Groups, name: str = "tsq"):
        """The query's tsquery, written into the statement rather than bound.

        Planned for its actual words: a bound value lets psycopg prepare the
        statement, and PostgreSQL may then reuse a generic plan that cannot tell a
        rare word from a common one, walking the whole catalog in name order for a
        word two titles contain, or ranking thousands of rows for "th". The text
        is safe to inline: normalised words are lowercase letters and digits.
        """
        return sa.func.to_tsquery(
            sa.literal_column("'simple'"),
            sa.bindparam(name, self.render(groups), type_=sa.String, literal_execute=True),
        )

    def title_query(self, groups: Groups) -> Select:
        query = self._tsquery(groups)
        vector = self.titles.c.document
        score = sa.func.ts_rank(sa.literal_column(POSTGRES_WEIGHTS), vector, query, 1)
        return (
            select(Title.id)
            .join(self.titles, self.titles.c.title_id == Title.id)
            .where(vector.op("@@")(query))
            .order_by(score.desc(), Title.name)
        )

    def suggestion_query(self, groups: Groups, tier: str) -> Select:
        in_name = self.titles.c.title_words.op("@@")(
            self._tsquery(groups.with_names_only(False), "in_name")
        )
        stmt = select(Title).join(self.titles, self.titles.c.title_id == Title.id)
        if tier == TITLE_TIER:
            # The order of ix_search_titles_shortest (the normalised name, as long as the
            # name in all but odd cases): for a common prefix PostgreSQL walks it and stops
            # at the first few visible matches; for a rare one it sorts the few hits.
            return stmt.where(in_name).order_by(
                sa.func.length(self.titles.c.name), self.titles.c.name, self.titles.c.title_id
            )
        names = self._tsquery(groups.with_names_only(True), "in_names")
        # Sorted after the fact: walking the name order in search of cast matches, which
        # PostgreSQL cannot tell from title matches in advance, could cross the catalog.
        return stmt.where(self.titles.c.names.op("@@")(names), sa.not_(in_name)).order_by(
            sa.func.length(Title.name), Title.name, Title.id
        )

    def person_query(self, groups: Groups) -> Select:
        query = self._tsquery(groups.with_names_only(False))  # a person is all name
        return (
            select(Person)
            .join(self.people, self.people.c.person_id == Person.id)
            .where(self.people.c.document.op("@@")(query))
            .order_by(sa.func.length(Person.name), Person.name, Person.id)
        )

    def corrections(self, words: dict[str, bool]) -> dict[str, list[str]]:
        """For each word the vocabulary has never seen, known words that may be its spelling.

        `words` maps each word to whether it may be a prefix (the last word, still
        being typed): "godf" is known, since "godfather" starts with it. One
        statement for all words. The word comes from the outer row, so PostgreSQL
        cannot estimate `%` for a constant and plans the trigram index (for a
        literal word it would prefer computing the similarity of every term in
        turn); the prefix tests are range scans of ix_search_terms_prefix. `%`
        uses pg_trgm.similarity_threshold; a slip in a short word can leave no
        trigram in common, so words sharing its first letters are candidates too.
        The candidates are unranked: webapp.search.service decides which are close.
        """
        rows = db.session.execute(
            sa.text(
                "SELECT w.word, t.term"
                " FROM unnest(CAST(:words AS text[]), CAST(:prefix AS boolean[]),"
                "  CAST(:starts AS text[])) AS w(word, prefix, start)"
                " LEFT JOIN LATERAL ("
                "  (SELECT term FROM search_terms WHERE term % w.word"
                "   ORDER BY similarity(term, w.word) DESC, term LIMIT :n)"
                "  UNION"
                '  (SELECT term FROM search_terms WHERE term COLLATE "C" >= w.start'
                "   AND term COLLATE \"C\" < w.start || '{'"
                "   AND length(term) BETWEEN length(w.word) - 2 AND length(w.word) + 2"
                "   LIMIT :m)) AS t ON true"
                " WHERE NOT EXISTS (SELECT 1 FROM search_terms k"
                '  WHERE k.term COLLATE "C" >= w.word AND k.term COLLATE "C" <= w.word'
                "   || CASE WHEN w.prefix THEN '{' ELSE '' END)"  # '{' sorts after z and 9
            ),
            {
                "words": list(words),
                "prefix": list(words.values()),
                "starts": [_start(w) for w in words],
                "n": FUZZY_CANDIDATES,
                "m": PREFIX_CANDIDATES,
            },
        )
        found: dict[str, list[str]] = {}
        for word, term in rows:
            found.setdefault(word, [])
            if term is not None:
                found[word].append(term)
        return found


def _start(word: str) -> str:
    """The first letters a misspelt word most likely shares with its spelling."""
    return word[:2] if len(word) <= 5 else word[:3]


def _short(group: list[str]) -> bool:
    """One or two letters typed: too common a prefix to look for beyond titles' names."""
    return max(len(w) for w in group) <= 2


def _known(words: dict[str, bool]) -> set[str]:
    """Which of these words the vocabulary holds (for a prefix: a word starting with it)."""
    if not words:
        return set()
    # Terms are lowercase letters and digits, and "{" sorts after all of them.
    ranges = " UNION ALL ".join(
        f"SELECT :w{i} AS word WHERE EXISTS (SELECT 1 FROM search_terms"
        f" WHERE term >= :w{i} AND term <= :u{i})"
        for i in range(len(words))
    )
    params = {}
    for i, (word, prefix) in enumerate(words.items()):
        params[f"w{i}"], params[f"u{i}"] = word, word + "{" if prefix else word
    return set(db.session.scalars(sa.text(ranges), params))


def _documents(key: str, ids) -> list[dict]:
    docs = []
    for chunk in _chunks(sorted(set(ids))):
        rows = db.session.execute(
            sa.text(f"SELECT name, people, body FROM search_titles WHERE {key} IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": chunk},
        )
        docs.extend(dict(r._mapping) for r in rows)
    return docs


def _delete_in(table: str, key: str, ids) -> None:
    for chunk in _chunks(sorted(set(ids))):
        db.session.execute(
            sa.text(f"DELETE FROM {table} WHERE {key} IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": chunk},
        )


def _chunks(items: list, size: int = 500):
    for begin in range(0, len(items), size):
        yield items[begin : begin + size]


SQLITE = SqliteIndex()
POSTGRES = PostgresIndex()
