"""Reading and checking the demo catalog's JSON files (format: one JSON array per file).

Each record becomes a TitleSpec for webapp.catalog.service.Catalog. A record
that breaks the format stops the seed with a message naming the file, the
record and the field, so the data can be fixed rather than silently dropped.

A record made with AI says so: `ai_use` ("assisted" or "generated") with an
`ai_use_note` for viewers. A record without `ai_use` was made without AI.
"""

import json
from pathlib import Path

from webapp.catalog.ai_use import AI_USES, MAX_NOTE, NONE, needs_note
from webapp.catalog.maturity import RATING_AGE
from webapp.catalog.service import SeasonSpec, TitleSpec, cast_entry
from webapp.seed.episode_names import episode_texts
from webapp.seed.errors import SeedError

CATALOG_FILES = ("films_classic.json", "films_nineties.json", "films_modern.json", "series.json")

GENRES = (
    "Action",
    "Adventure",
    "Animation",
    "Biography",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Family",
    "Fantasy",
    "History",
    "Horror",
    "Music",
    "Musical",
    "Mystery",
    "Romance",
    "Science Fiction",
    "Sport",
    "Thriller",
    "War",
    "Western",
)
MOODS = ("dark", "tense", "bright", "warm", "cool", "whimsical", "epic", "romantic", "eerie")


def load_records(folder: Path) -> list[dict]:
    """All records of the catalog files in file order; a title listed twice is kept once."""
    folder = Path(folder)
    records, seen = [], set()
    for name in CATALOG_FILES:
        path = folder / name
        for index, record in enumerate(_read_file(path)):
            where = f"{name}, record {index + 1}"
            _check_record(record, where)
            key = (record["kind"], record["name"].strip().lower(), record["year"])
            if key in seen:
                continue
            seen.add(key)
            records.append(record)
    return records


def _read_file(path: Path) -> list:
    if not path.is_file():
        raise SeedError(
            f"Demo catalog file missing: {path}. The seed needs all of {', '.join(CATALOG_FILES)}."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise SeedError(f"{path.name} is not UTF-8 text: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise SeedError(f"{path.name} is not valid JSON (line {exc.lineno}: {exc.msg}).") from exc
    if not isinstance(data, list):
        raise SeedError(f"{path.name} must hold a JSON array of title records.")
    return data


def _check_record(record: object, where: str) -> None:
    """Raise SeedError naming the first field that breaks the catalog format."""
    if not isinstance(record, dict):
        raise SeedError(f"{where}: expected an object, got {type(record).__name__}.")
    name = record.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SeedError(f"{where}: 'name' must be a non-empty string.")
    where = f"{where} ({name})"
    kind = record.get("kind")
    if kind not in ("film", "series"):
        raise SeedError(f'{where}: \'kind\' must be "film" or "series".')
    if not _is_int(record.get("year"), 1880, 2030):
        raise SeedError(f"{where}: 'year' must be a year such as 1995.")
    rating = record.get("maturity")
    if not isinstance(rating, str) or rating.strip().upper() not in RATING_AGE:
        raise SeedError(f"{where}: 'maturity' {rating!r} is not one of {', '.join(RATING_AGE)}.")
    genres = record.get("genres")
    if not _is_str_list(genres) or not genres:
        raise SeedError(f"{where}: 'genres' must be a non-empty list of genre names.")
    unknown = [g for g in genres if g not in GENRES]
    if unknown:
        raise SeedError(f"{where}: unknown genre(s) {unknown}; use only {', '.join(GENRES)}.")
    for key in ("keywords", "cast", "directors", "creators"):
        if key in record and not _is_str_list(record[key]):
            raise SeedError(f"{where}: '{key}' must be a list of strings.")
    if "mood" in record and record["mood"] not in MOODS:
        raise SeedError(f"{where}: 'mood' must be one of {', '.join(MOODS)}.")
    if not isinstance(record.get("synopsis", ""), str):
        raise SeedError(f"{where}: 'synopsis' must be a string.")
    _check_ai_use(record, where)
    if kind == "film":
        if not _is_int(record.get("runtime"), 1, 1000):
            raise SeedError(f"{where}: 'runtime' must be the running time in minutes.")
    else:
        _check_series(record, where)


def _check_ai_use(record: dict, where: str) -> None:
    ai_use = record.get("ai_use", NONE)
    if ai_use not in AI_USES:
        raise SeedError(f"{where}: 'ai_use' must be one of {', '.join(AI_USES)}.")
    note = record.get("ai_use_note", "")
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise SeedError(
            f"{where}: 'ai_use_note' must be a sentence of at most {MAX_NOTE} characters."
        )
    if needs_note(ai_use) and not note.strip():
        raise SeedError(f"{where}: 'ai_use_note' must tell viewers what AI did.")


def _check_series(record: dict, where: str) -> None:
    if not _is_int(record.get("episode_runtime"), 1, 300):
        raise SeedError(
            f"{where}: 'episode_runtime' must be the typical episode length in minutes."
        )
    end_year = record.get("end_year")
    if end_year is not None and not _is_int(end_year, 1880, 2030):
        raise SeedError(f"{where}: 'end_year' must be a year or null.")
    seasons = record.get("seasons")
    if not isinstance(seasons, list) or not seasons:
        raise SeedError(f"{where}: 'seasons' must be a non-empty list.")
    numbers = []
    for season in seasons:
        if not isinstance(season, dict) or not _is_int(season.get("number"), 0, 500):
            raise SeedError(f"{where}: every season needs a 'number'.")
        if not _is_int(season.get("episodes"), 1, 2000):
            raise SeedError(f"{where}: season {season['number']} needs an 'episodes' count.")
        if not _is_str_list(season.get("episode_titles", [])):
            raise SeedError(
                f"{where}: season {season['number']}: 'episode_titles' must be a list of strings."
            )
        numbers.append(season["number"])
    if len(set(numbers)) != len(numbers):
        raise SeedError(f"{where}: season numbers repeat.")


def _is_int(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def title_spec(record: dict) -> TitleSpec:
    """The catalog service's description of one checked record."""
    spec = TitleSpec(
        kind=record["kind"],
        name=record["name"].strip(),
        year=record["year"],
        maturity_rating=record["maturity"].strip().upper(),
        genres=list(record["genres"]),
        keywords=[k.strip().lower() for k in record.get("keywords", []) if k.strip()],
        directors=list(record.get("directors", [])),
        creators=list(record.get("creators", [])),
        cast=[cast_entry(c)[0] for c in record.get("cast", [])],
        characters={
            name: character
            for name, character in map(cast_entry, record.get("cast", []))
            if character
        },
        synopsis=record.get("synopsis", ""),
        mood=record.get("mood", "cool"),
        ai_use=record.get("ai_use", NONE),
        ai_use_note=record.get("ai_use_note", ""),
        source="demo",
    )
    if spec.kind == "film":
        spec.runtime_minutes = record["runtime"]
    else:
        spec.end_year = record.get("end_year")
        spec.seasons = _season_specs(record)
    return spec


def _season_specs(record: dict) -> list[SeasonSpec]:
    """Episodes named from episode_titles where given, else made up; each with a synopsis line."""
    seasons = sorted(record["seasons"], key=lambda s: s["number"])
    texts = episode_texts(
        record["name"].strip(),
        record.get("mood", "cool"),
        [
            (s["number"], s["episodes"], [n.strip() for n in s.get("episode_titles", [])])
            for s in seasons
        ],
    )
    runtime = record["episode_runtime"]
    return [
        SeasonSpec(
            number=season["number"],
            episodes=[(name, runtime) for name, _ in episodes],
            synopses=[line for _, line in episodes],
        )
        for season, episodes in zip(seasons, texts, strict=True)
    ]
