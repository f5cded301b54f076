"""Import a MovieLens ml-latest-small style folder as catalog, viewers and interactions.

* movies.csv (movieId,title,genres) becomes films: the year is taken from
  "Name (1995)", a trailing ", The"/", A"/", An" moves to the front, genres
  are mapped to Marquee's vocabulary (Sci-Fi -> Science Fiction, Children ->
  Family, Film-Noir -> Crime plus the theme "film noir"; IMAX and
  "(no genres listed)" are dropped). source="movielens", external_id=movieId.
* tags.csv (optional) gives each film its most frequent tags as themes.
* MovieLens has no maturity ratings, so imported films are "NR" (not rated),
  which Marquee treats as adults-only: kids profiles never see them. Runtimes
  are unknown too; playback events use a nominal 100 minutes.
* Each userId becomes an account movielens-<id>@marquee.local that cannot sign
  in (no usable password) with one profile.
* Each rating becomes play_start + complete at the rating's timestamp (the
  data says when the rating was given, not when or where the film was
  watched, so local hour, device and session stay empty), a completed
  WatchState, and a thumbs rating where the stars are clear: >= 4.5 love (2),
  >= 3.5 up (1), <= 2 down (-1), in between none.

Importing the same folder twice adds nothing: titles are matched by
external_id, users by their email.
"""

import csv
import re
import secrets
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from tqdm import tqdm

from webapp.activity.vocabulary import COMPLETE, PLAY_START, RATE
from webapp.caching import send_catalog_changed
from webapp.catalog.service import Catalog, TitleSpec, slugify
from webapp.extensions import db
from webapp.models import Account, Event, Keyword, Profile, Rating, Title, WatchState
from webapp.seed.bulk import insert_rows
from webapp.seed.simulate import EVENT_KEYS

SOURCE = "movielens"
NOMINAL_RUNTIME = 100 * 60.0
KEYWORDS_PER_FILM = 5
GENRE_MAP = {
    "Action": ["Action"],
    "Adventure": ["Adventure"],
    "Animation": ["Animation"],
    "Children": ["Family"],
    "Comedy": ["Comedy"],
    "Crime": ["Crime"],
    "Documentary": ["Documentary"],
    "Drama": ["Drama"],
    "Fantasy": ["Fantasy"],
    "Film-Noir": ["Crime"],
    "Horror": ["Horror"],
    "IMAX": [],
    "Musical": ["Musical"],
    "Mystery": ["Mystery"],
    "Romance": ["Romance"],
    "Sci-Fi": ["Science Fiction"],
    "Thriller": ["Thriller"],
    "War": ["War"],
    "Western": ["Western"],
    "(no genres listed)": [],
}
MOODS = (
    ("Horror", "eerie"),
    ("Film-Noir", "dark"),
    ("Thriller", "tense"),
    ("Crime", "tense"),
    ("Romance", "romantic"),
    ("Animation", "whimsical"),
    ("Children", "whimsical"),
    ("Fantasy", "whimsical"),
    ("Comedy", "bright"),
    ("War", "epic"),
    ("Western", "epic"),
    ("Action", "epic"),
    ("Adventure", "epic"),
    ("Drama", "warm"),
)
REQUIRED = {
    "movies.csv": ("movieId", "title", "genres"),
    "ratings.csv": ("userId", "movieId", "rating", "timestamp"),
    "tags.csv": ("userId", "movieId", "tag", "timestamp"),
}
YEAR = re.compile(r"\s*\((\d{4})(?:[-\u2013]\d{0,4})?\)\s*$")
ARTICLE = re.compile(r"^(.*?), (The|A|An)(\s+\(.*\))?$")


class MovieLensError(ValueError):
    """The folder is not a usable MovieLens export; the message says why."""


@dataclass
class ImportSummary:
    titles_added: int = 0
    titles_existing: int = 0
    accounts_added: int = 0
    accounts_existing: int = 0
    ratings: int = 0
    thumbs: int = 0
    events: int = 0
    seconds: float = 0.0

    def describe(self) -> str:
        return (
            f"Imported {self.titles_added:,} films ({self.titles_existing:,} already present) and "
            f"{self.accounts_added:,} viewers ({self.accounts_existing:,} already present) with "
            f"{self.ratings:,} ratings as {self.events:,} events and {self.thumbs:,} thumbs "
            f"in {self.seconds:.1f} s."
        )


@dataclass
class Movie:
    movie_id: str
    name: str
    year: int | None
    genres: list[str]  # MovieLens names


def import_movielens(path: Path | str, progress: bool = True) -> ImportSummary:
    """Load the folder into the database (committed); see the module docstring."""
    began = time.perf_counter()
    folder = check_folder(Path(path))
    movies = read_movies(folder / "movies.csv")
    ratings = read_ratings(folder / "ratings.csv", {m.movie_id for m in movies})
    tags = read_tags(folder / "tags.csv") if (folder / "tags.csv").is_file() else {}
    summary = ImportSummary()
    try:
        title_ids = add_titles(movies, tags, summary, progress)
        add_viewers(ratings, title_ids, summary, progress)
        send_catalog_changed()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    summary.seconds = time.perf_counter() - began
    return summary


# -- reading -----------------------------------------------------------------------------


def check_folder(folder: Path) -> Path:
    if not folder.is_dir():
        raise MovieLensError(
            f"{folder} is not a folder. Give the path of an ml-latest-small folder."
        )
    missing = [name for name in ("movies.csv", "ratings.csv") if not (folder / name).is_file()]
    if missing:
        raise MovieLensError(
            f"{folder} has no {' or '.join(missing)}; a MovieLens folder needs movies.csv and "
            "ratings.csv (tags.csv is optional)."
        )
    return folder


def _rows(path: Path):
    """Rows of a CSV file as dicts, after checking its header; yields (line number, row)."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED[path.name] if c not in (reader.fieldnames or [])]
            if missing:
                raise MovieLensError(
                    f"{path.name} lacks the column(s) {', '.join(missing)}; expected a header "
                    f"{','.join(REQUIRED[path.name])}."
                )
            yield from enumerate(reader, start=2)
    except UnicodeDecodeError as exc:
        raise MovieLensError(f"{path.name} is not UTF-8 text.") from exc
    except csv.Error as exc:
        raise MovieLensError(f"{path.name} is not a readable CSV file: {exc}") from exc


def parse_title(raw: str) -> tuple[str, int | None]:
    """'American President, The (1995)' -> ('The American President', 1995)."""
    text = raw.strip()
    year = None
    found = YEAR.search(text)
    if found:
        year = int(found.group(1))
        text = text[: found.start()].strip()
    moved = ARTICLE.match(text)
    if moved:
        text = f"{moved.group(2)} {moved.group(1)}{moved.group(3) or ''}"
    return (text or raw.strip() or "Untitled")[:200], year


def read_movies(path: Path) -> list[Movie]:
    movies, seen = [], set()
    for line, row in _rows(path):
        movie_id = (row["movieId"] or "").strip()
        if not movie_id.isdigit():
            raise MovieLensError(f"movies.csv line {line}: movieId {movie_id!r} is not a number.")
        if movie_id in seen:
            continue
        seen.add(movie_id)
        name, year = parse_title(row["title"] or "")
        genres = [g for g in (row["genres"] or "").split("|") if g]
        movies.append(Movie(movie_id, name, year, genres))
    return movies


def read_ratings(path: Path, movie_ids: set[str]) -> dict[str, dict[str, tuple[float, int]]]:
    """user -> movie -> (stars, unix time); the latest rating of a pair wins."""
    ratings: dict[str, dict[str, tuple[float, int]]] = defaultdict(dict)
    for line, row in _rows(path):
        try:
            user, movie = row["userId"].strip(), row["movieId"].strip()
            stars, stamp = float(row["rating"]), int(float(row["timestamp"]))
        except (AttributeError, ValueError) as exc:
            raise MovieLensError(f"ratings.csv line {line}: expected numbers, got {row}.") from exc
        if not user.isdigit() or not 0 <= stars <= 5:
            raise MovieLensError(f"ratings.csv line {line}: userId or rating out of range.")
        if movie not in movie_ids:
            raise MovieLensError(f"ratings.csv line {line}: movieId {movie} is not in movies.csv.")
        previous = ratings[user].get(movie)
        if previous is None or previous[1] <= stamp:
            ratings[user][movie] = (stars, stamp)
    return ratings


def read_tags(path: Path) -> dict[str, Counter]:
    """movie -> Counter of lowercased tags."""
    tags: dict[str, Counter] = defaultdict(Counter)
    for _, row in _rows(path):
        tag = " ".join((row["tag"] or "").lower().split())
        if 2 <= len(tag) <= 40 and slugify(tag) != "untitled":
            tags[(row["movieId"] or "").strip()][tag] += 1
    return tags


def thumbs(stars: float) -> int | None:
    if stars >= 4.5:
        return 2
    if stars >= 3.5:
        return 1
    if stars <= 2.0:
        return -1
    return None


# -- writing -----------------------------------------------------------------------------


def add_titles(
    movies: list[Movie], tags: dict[str, Counter], summary: ImportSummary, progress: bool
) -> dict[str, int]:
    """Create the films not yet imported; returns movieId -> title id for all of them."""
    existing = dict(
        db.session.execute(select(Title.external_id, Title.id).where(Title.source == SOURCE)).all()
    )
    # One keyword name per slug, so "sci-fi" and "sci fi" do not collide on the unique slug.
    names_by_slug = {slugify(name): name for name in db.session.scalars(select(Keyword.name))}
    catalog, created = Catalog(), []
    with db.session.no_autoflush:
        for movie in tqdm(movies, desc="Films", unit="film", disable=not progress):
            if movie.movie_id in existing:
                summary.titles_existing += 1
                continue
            keywords = _keywords(movie, tags.get(movie.movie_id, Counter()), names_by_slug)
            genres = list(
                dict.fromkeys(g for name in movie.genres for g in GENRE_MAP.get(name, []))
            )
            mood = next((m for g, m in MOODS if g in movie.genres), "cool")
            spec = TitleSpec(
                kind="film",
                name=movie.name,
                year=movie.year,
                maturity_rating="NR",
                genres=genres,
                keywords=keywords,
                mood=mood,
                source=SOURCE,
                external_id=movie.movie_id,
            )
            created.append((movie.movie_id, catalog.create_title(spec)))
    db.session.flush()
    summary.titles_added = len(created)
    existing.update({movie_id: title.id for movie_id, title in created})
    return existing


def _keywords(movie: Movie, counts: Counter, names_by_slug: dict[str, str]) -> list[str]:
    chosen = ["film noir"] if "Film-Noir" in movie.genres else []
    for tag, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if len(chosen) >= KEYWORDS_PER_FILM:
            break
        chosen.append(tag)
    names = []
    for tag in chosen:
        name = names_by_slug.setdefault(slugify(tag), tag)
        if name not in names:
            names.append(name)
    return names


def add_viewers(
    ratings: dict, title_ids: dict[str, int], summary: ImportSummary, progress: bool
) -> None:
    """Accounts, profiles and the events and state rows of their ratings."""
    existing = set(
        db.session.scalars(
            select(Account.email).where(Account.email.like("movielens-%@marquee.local"))
        )
    )
    users = sorted((u for u in ratings if f"movielens-{u}@marquee.local" not in existing), key=int)
    summary.accounts_existing = len(ratings) - len(users)
    profiles = []
    for user in users:
        first = min(stamp for _, stamp in ratings[user].values())
        account = Account(
            email=f"movielens-{user}@marquee.local",
            password_hash="!",
            session_token=secrets.token_hex(8),
            created_at=_utc(first),
        )
        profile = Profile(name=f"MovieLens {user}", onboarded=True, created_at=_utc(first))
        account.profiles.append(profile)
        db.session.add(account)
        profiles.append(profile)
    db.session.flush()
    summary.accounts_added = len(users)
    events, states, thumb_rows = [], [], []
    for user, profile in zip(users, profiles, strict=True):
        for movie, (stars, stamp) in sorted(
            ratings[user].items(), key=lambda kv: (kv[1][1], int(kv[0]))
        ):
            title_id, at = title_ids[movie], _utc(stamp)
            for kind, value in ((PLAY_START, 0.0), (COMPLETE, NOMINAL_RUNTIME)):
                events.append(_event(profile.id, title_id, kind, value, at, NOMINAL_RUNTIME))
            states.append(
                {
                    "profile_id": profile.id,
                    "title_id": title_id,
                    "episode_id": None,
                    "position": NOMINAL_RUNTIME,
                    "duration": NOMINAL_RUNTIME,
                    "completed": True,
                    "times_completed": 1,
                    "hidden": False,
                    "started_at": at,
                    "updated_at": at,
                }
            )
            value = thumbs(stars)
            if value is not None:
                events.append(_event(profile.id, title_id, RATE, float(value), at, None))
                thumb_rows.append(
                    {
                        "profile_id": profile.id,
                        "title_id": title_id,
                        "value": value,
                        "updated_at": at,
                    }
                )
            summary.ratings += 1
    events.sort(key=lambda e: e["occurred_at"])
    summary.events, summary.thumbs = len(events), len(thumb_rows)
    total = len(events) + len(states) + len(thumb_rows)
    with tqdm(total=total, desc="Interactions", unit="row", disable=not progress) as bar:
        insert_rows(Event, events, bar)
        insert_rows(WatchState, states, bar)
        insert_rows(Rating, thumb_rows, bar)


def _utc(stamp: int) -> datetime:
    return datetime.fromtimestamp(stamp, UTC).replace(tzinfo=None)


def _event(
    profile_id: int, title_id: int, kind: str, value: float, at: datetime, duration: float | None
) -> dict:
    event = dict.fromkeys(EVENT_KEYS)
    event.update(
        profile_id=profile_id,
        title_id=title_id,
        type=kind,
        value=value,
        occurred_at=at,
        duration=duration,
    )
    return event
