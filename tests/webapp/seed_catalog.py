"""A tiny demo catalog on disk and row digests, for the demo seed's tests."""

import hashlib
import json
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import make_config
from webapp import create_app
from webapp.extensions import db
from webapp.seed.catalog_files import CATALOG_FILES
from webapp.seed.demo import seed_demo

NOW = datetime(2026, 3, 1, 12, 0, 0)

GENRE_SETS = [
    ["Action", "Thriller"],
    ["Comedy", "Romance"],
    ["Drama", "History"],
    ["Horror", "Mystery"],
    ["Animation", "Family", "Adventure"],
    ["Science Fiction", "Action"],
    ["Documentary", "Music"],
    ["Crime", "Drama"],
    ["Fantasy", "Adventure"],
    ["Comedy", "Family"],
]
THEMES = [
    ["heist", "action-packed"],
    ["romantic", "feel-good"],
    ["historical", "thought-provoking"],
    ["scary", "haunted house"],
    ["kids", "animals", "whimsical"],
    ["space", "mind-bending"],
    ["music", "inspiring"],
    ["mafia", "gritty"],
    ["magic", "quest"],
    ["funny", "family"],
]
FILM_RATINGS = ["R", "PG-13", "PG", "R", "G", "PG-13", "NR", "R", "PG", "G"]


def write_tiny_catalog(folder: Path) -> Path:
    """A small made-up catalog in the demo format: 30 films and 4 series."""
    folder.mkdir(parents=True, exist_ok=True)
    films = {name: [] for name in CATALOG_FILES[:3]}
    for i in range(30):
        g = i % 10
        films[CATALOG_FILES[i % 3]].append(
            {
                "kind": "film",
                "name": f"Test Film {i}",
                "year": 1950 + 2 * i,
                "runtime": 80 + i,
                "maturity": FILM_RATINGS[g],
                "genres": GENRE_SETS[g],
                "directors": [f"Director {i % 7}"],
                "cast": [f"Actor {i % 11}", f"Actor {(i * 3) % 13}"],
                "keywords": THEMES[g],
                "mood": "dark",
                "synopsis": "A made-up film for tests.",
            }
        )
    series = []
    for j, rating in enumerate(["TV-MA", "TV-14", "TV-Y7", "TV-PG"]):
        series.append(
            {
                "kind": "series",
                "name": f"Test Series {j}",
                "year": 2000 + j,
                "end_year": None,
                "maturity": rating,
                "genres": GENRE_SETS[(j * 3) % 10],
                "creators": [f"Creator {j}"],
                "cast": [f"Actor {j}"],
                "keywords": THEMES[(j * 3) % 10],
                "mood": "tense",
                "synopsis": "A made-up series for tests.",
                "episode_runtime": 30 + 10 * j,
                "seasons": [
                    {"number": 1, "episodes": 4 + j, "episode_titles": ["Pilot", "Second"]},
                    {"number": 2, "episodes": 3, "episode_titles": []},
                ],
            }
        )
    for name, records in {**films, CATALOG_FILES[3]: series}.items():
        (folder / name).write_text(json.dumps(records, indent=2), encoding="utf-8")
    return folder


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def digest() -> str:
    """A hash of every row of every table, leaving out ids and salted password hashes."""
    skip = {"id", "password_hash", "pin_hash"}
    sha = hashlib.sha256()
    for table in sorted(db.metadata.tables.values(), key=lambda t: t.name):
        columns = [c for c in table.columns if c.name not in skip]
        rows = db.session.execute(sa.select(*columns)).all()
        for row in sorted(repr(tuple(row)) for row in rows):
            sha.update(row.encode())
    return sha.hexdigest()


def fresh_app(app, templates, tmp_path: Path, name: str):
    """Another empty migrated database on the same backend as `app`."""
    instance = tmp_path / name
    instance.mkdir()
    url, cleanup = templates.clone(app.config["TEST_BACKEND"], False, instance)
    return create_app(make_config(instance, url)), cleanup


def seeded_digest(app, catalog: Path, seed: int) -> str:
    with app.app_context():
        seed_demo(n_profiles=12, seed=seed, days=20, progress=False, now=NOW, catalog_dir=catalog)
        value = digest()
        db.session.remove()
        db.engine.dispose()
    return value
