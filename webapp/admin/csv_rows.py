"""One CSV row checked and turned into a TitleSpec, or into the errors that say why not.

Apart from webapp.admin.csv_import, which reads the file as a whole (size,
encoding, header, row limits): here are the rules for each cell, and the
check against titles already in the catalog.
"""

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils
from sqlalchemy import func, select

from webapp.admin import fields as f
from webapp.admin.names import canonical_keywords, genre_names_by_slug
from webapp.catalog.ai_use import AI_USES, MAX_NOTE, needs_note
from webapp.catalog.maturity import FILM_RATINGS, SERIES_RATINGS
from webapp.catalog.service import SeasonSpec, TitleSpec, cast_entry, slugify
from webapp.extensions import db
from webapp.models import Title

MAX_GENRES = 8
MAX_PEOPLE = 50
MAX_SEASONS = 100
DEFAULT_EPISODE_RUNTIME = 30
SEPARATOR = "|"
# How alike (0-100, RapidFuzz WRatio) a known genre must be to be offered for an unknown one.
GENRE_MATCH_CUTOFF = 70


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportPlan:
    """What a file would add, or why it cannot."""

    specs: list[TitleSpec] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0

    @property
    def failed_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})


def unknown_genre_message(name: str, known: list[str]) -> str:
    """Why a genre is refused, with the closest known spellings to choose from.

    A typo must not quietly become a new genre: genres are made on the Genres page.
    """
    shown = f"“{name[:40]}” is not a genre of this catalog"
    close = [
        match
        for match, _, _ in process.extract(
            name,
            known,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=3,
            score_cutoff=GENRE_MATCH_CUTOFF,
        )
    ]
    if close:
        return f"{shown}. Did you mean {' or '.join(close)}?"
    if not known:
        return f"{shown}: there are no genres yet. Add them on the Genres page first."
    return f"{shown}. Use a genre from the Genres page, or add this one there first."


class RowChecker:
    """Turns one row into a TitleSpec, adding a RowError per bad field."""

    def __init__(self) -> None:
        self.genres = genre_names_by_slug()
        self.seen: dict[tuple, int] = {}
        self.rows_of_spec: dict[int, int] = {}
        self.episodes = 0

    def check(self, row: int, values: dict[str, str], errors: list[RowError]) -> TitleSpec | None:
        found: list[RowError] = []

        def bad(column: str, message: str) -> None:
            found.append(RowError(row, column, message))

        for column, value in values.items():
            if f.has_control_chars(value):
                bad(column, "contains invisible control characters.")
        if found:
            errors.extend(found)
            return None

        kind = f.squash(values.get("kind", "")).lower()
        if kind not in ("film", "series"):
            bad("kind", "must be “film” or “series”." if kind else "is required (film or series).")
        name = f.squash(values.get("name", ""))
        if not name:
            bad("name", "is required.")
        elif len(name) > f.MAX_TITLE_NAME:
            bad("name", f"is longer than {f.MAX_TITLE_NAME} characters.")
        year = self._number(values, "year", f.MIN_YEAR, f.MAX_YEAR, bad)
        end_year = self._number(values, "end_year", f.MIN_YEAR, f.MAX_YEAR, bad)
        if year and end_year and end_year < year:
            bad("end_year", "comes before the year.")
        runtime = self._number(values, "runtime_minutes", 1, f.MAX_RUNTIME, bad)
        rating = f.squash(values.get("maturity_rating", "")).upper() or "NR"
        allowed = SERIES_RATINGS if kind == "series" else FILM_RATINGS
        if kind in ("film", "series") and rating not in allowed:
            bad(
                "maturity_rating", f"“{rating[:20]}” is not a {kind} rating ({', '.join(allowed)})."
            )
        genres = self._genres(values.get("genres", ""), bad)
        keywords = self._list(values, "keywords", f.MAX_KEYWORD, f.MAX_KEYWORDS, bad)
        people = {
            role: self._list(values, role, f.MAX_PERSON_NAME, MAX_PEOPLE, bad)
            for role in ("directors", "creators")
        }
        cast = [
            cast_entry(e)
            for e in self._list(
                values, "cast", f.MAX_PERSON_NAME + f.MAX_CHARACTER + 3, MAX_PEOPLE, bad
            )
        ]
        if any(len(n) > f.MAX_PERSON_NAME or len(c or "") > f.MAX_CHARACTER for n, c in cast):
            bad("cast", f"names and characters are at most {f.MAX_PERSON_NAME} characters each.")
        people["cast"] = [name for name, _ in cast]
        synopsis = (values.get("synopsis") or "").strip()
        if len(synopsis) > f.MAX_SYNOPSIS:
            bad("synopsis", f"is longer than {f.MAX_SYNOPSIS} characters.")
        mood = f.squash(values.get("mood", "")).lower() or "cool"
        if mood not in f.MOODS:
            bad("mood", f"must be one of {', '.join(f.MOODS)}.")
        ai_use, ai_use_note = self._ai_use(values, bad)
        seasons = self._seasons(values.get("seasons", ""), kind, runtime, bad)

        if name and kind in ("film", "series"):
            key = (kind, name.casefold(), year)
            if key in self.seen:
                bad("name", f"repeats the {kind} on row {self.seen[key]}.")
            else:
                self.seen[key] = row
        if found:
            errors.extend(found)
            return None
        spec = TitleSpec(
            kind=kind,
            name=name,
            year=year,
            end_year=end_year if kind == "series" else None,
            runtime_minutes=runtime if kind == "film" else None,
            maturity_rating=rating,
            genres=genres,
            keywords=canonical_keywords([k.lower() for k in keywords]),
            directors=people["directors"],
            creators=people["creators"],
            cast=people["cast"],
            characters={name: character for name, character in cast if character},
            synopsis=synopsis,
            mood=mood,
            ai_use=ai_use,
            ai_use_note=ai_use_note,
            source="csv",
            seasons=seasons,
        )
        self.rows_of_spec[id(spec)] = row
        return spec

    @staticmethod
    def _ai_use(values, bad) -> tuple[str | None, str]:
        """The title's use of AI, which every row must state, and its note for viewers."""
        answer = f.squash(values.get("ai_use", "")).lower()
        note = f.squash(values.get("ai_use_note", ""))
        accepted = ", ".join(AI_USES)
        if not answer:
            bad("ai_use", f"is required: say how AI was used ({accepted}).")
        elif answer not in AI_USES:
            bad("ai_use", f"“{answer[:20]}” is not one of {accepted}.")
        elif needs_note(answer) and not note:
            bad("ai_use_note", f"is required when ai_use is {answer}: tell viewers what AI did.")
        if len(note) > MAX_NOTE:
            bad("ai_use_note", f"is longer than {MAX_NOTE} characters.")
        return (answer if answer in AI_USES else None), note

    @staticmethod
    def _number(values, column, low, high, bad) -> int | None:
        raw = f.squash(values.get(column, ""))
        if not raw:
            return None
        if not raw.isdigit() or len(raw) > 6 or not low <= int(raw) <= high:
            bad(column, f"must be a whole number from {low} to {high} (got “{raw[:20]}”).")
            return None
        return int(raw)

    @staticmethod
    def _list(values, column, max_len, max_items, bad) -> list[str]:
        items = f.split_list(values.get(column, ""), SEPARATOR)
        if len(items) > max_items:
            bad(column, f"has more than {max_items} entries.")
        for item in items:
            if len(item) > max_len:
                bad(column, f"has an entry longer than {max_len} characters.")
                break
            problem = f.slug_problem(item)
            if problem:
                bad(column, problem)
                break
        return items

    def _genres(self, raw: str, bad) -> list[str]:
        """Known genres in their stored spelling; an unknown one is an error naming the closest."""
        names = self._list({"genres": raw}, "genres", f.MAX_GENRE_NAME, MAX_GENRES, bad)
        result = []
        for name in names:
            slug = slugify(name)
            if slug in self.genres:
                result.append(self.genres[slug])
            else:
                bad("genres", unknown_genre_message(name, list(self.genres.values())))
        return result

    def _seasons(self, raw: str, kind: str, runtime: int | None, bad) -> list[SeasonSpec]:
        parts = [p.strip() for p in (raw or "").split(SEPARATOR) if p.strip()]
        if not parts:
            return []
        if kind == "film":
            bad("seasons", "only series have seasons.")
            return []
        if len(parts) > MAX_SEASONS:
            bad("seasons", f"has more than {MAX_SEASONS} seasons.")
            return []
        counts = []
        for part in parts:
            if not part.isdigit() or len(part) > 4 or not 1 <= int(part) <= f.MAX_EPISODE:
                bad(
                    "seasons",
                    f"needs episode counts from 1 to {f.MAX_EPISODE} separated by “|” (got “{part[:20]}”).",
                )
                return []
            counts.append(int(part))
        self.episodes += sum(counts)
        minutes = runtime or DEFAULT_EPISODE_RUNTIME
        return [
            SeasonSpec(number, [(f"Episode {n}", minutes) for n in range(1, count + 1)])
            for number, count in enumerate(counts, start=1)
        ]

    def check_existing(self, plan: ImportPlan) -> None:
        """A row naming a title already in the catalog (same kind, name and year) is an error."""
        names = sorted({s.name.lower() for s in plan.specs})
        existing: set[tuple] = set()
        for begin in range(0, len(names), 500):
            rows = db.session.execute(
                select(Title.kind, Title.name, Title.year).where(
                    func.lower(Title.name).in_(names[begin : begin + 500])
                )
            ).all()
            existing.update((kind, name.casefold(), year) for kind, name, year in rows)
        for spec in plan.specs:
            if (spec.kind, spec.name.casefold(), spec.year) in existing:
                row = self.rows_of_spec[id(spec)]
                plan.errors.append(
                    RowError(
                        row,
                        "name",
                        f"“{spec.name}” ({spec.year or 'no year'}) is already in the catalog.",
                    )
                )
        plan.errors.sort(key=lambda e: e.row)
