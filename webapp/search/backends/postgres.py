"""The search index in PostgreSQL: weighted tsvectors ranked by ts_rank, pg_trgm for typos.

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

# ts_rank weights for {D, C=body, B=people, A=name}.
POSTGRES_WEIGHTS = "'{0.001, 0.01, 0.1, 1.0}'"


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
        delete_in("search_titles", "title_id", ids)

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
        delete_in("search_people", "person_id", ids)

    def documents(self, ids) -> list[dict]:
        """The indexed text of these titles, as stored."""
        return stored_documents("title_id", ids)

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
        for chunk in chunks(sorted(terms)):
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
                suffix = (":*A" if short_group(group) else ":*AB") if groups.names_only else ":*"
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
                "starts": [first_letters(w) for w in words],
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
