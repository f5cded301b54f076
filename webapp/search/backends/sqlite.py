"""The search index in SQLite: FTS5 tables ranked by bm25, a trigram table for typos.

Column weights make a title-name match outrank a cast match, which outranks a
synopsis match; suggestions rank in tiers, shortest name first.
"""

import sqlalchemy as sa
from sqlalchemy import Select, select

from webapp.extensions import db
from webapp.models import Person, Title
from webapp.search.backends.groups import TITLE_TIER, Groups, short_group
from webapp.search.backends.shared import (
    FUZZY_CANDIDATES,
    PREFIX_CANDIDATES,
    chunks,
    delete_in,
    first_letters,
    stored_documents,
)
from webapp.search.text import edit_distance, max_edits

# bm25 weights for (name, people, body).
SQLITE_WEIGHTS = (100.0, 10.0, 1.0)
LONG_WORD = 8  # letters from which SQLite looks for typos by four-letter runs first


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
        delete_in("search_titles", "rowid", ids)

    def put_people(self, rows: list[dict]) -> None:
        if not rows:
            return
        self.delete_people([r["id"] for r in rows])
        db.session.execute(
            sa.text("INSERT INTO search_people(rowid, name) VALUES (:id, :name)"), rows
        )

    def delete_people(self, ids) -> None:
        delete_in("search_people", "rowid", ids)

    def documents(self, ids) -> list[dict]:
        """The indexed text of these titles, as stored."""
        return stored_documents("rowid", ids)

    def add_terms(self, terms) -> None:
        rows = [{"term": t} for t in sorted(terms)]
        if rows:
            db.session.execute(
                sa.text("INSERT OR IGNORE INTO search_terms(term) VALUES (:term)"), rows
            )

    def prune_terms(self, terms) -> None:
        """Drop those of these words that no indexed title contains any more."""
        for chunk in chunks(sorted(terms)):
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
                part = ("{name}: " if short_group(group) else "{name people}: ") + part
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
        known = known_words(words)
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
        start = first_letters(word)
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


def known_words(words: dict[str, bool]) -> set[str]:
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
