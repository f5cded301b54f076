"""Search benchmark: suggestion latency on a synthetic 10,000-title catalog, in-process.

Builds the catalog through the catalog service (so the search index is kept by
the same hook as in production), then times `webapp.search.service.suggest`
(titles, people and genres, as the header box asks) over a mix of queries:
prefixes as typed, whole titles, people, genres, typos and kids profiles.

    .venv/bin/python -m benchmarks.search [--titles 10000] [--queries 600] [--only sqlite] [--keep]

With `--keep` the catalog databases (PostgreSQL database `marquee_bench_search2`,
SQLite file under the system temp folder) are kept and reused by the next run
with `--keep` when they hold the same catalog; the migrations are applied to
them first, then the search index is rebuilt, so a change to the index is measured.

Figures go to benchmarks/RESULTS.md, section "Event log and search".
"""

import argparse
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from benchmarks.databases import PG_ADMIN, postgres_url

SECRET = "search-benchmark-secret"
PG_DB = "marquee_bench_search2"
KEPT_SQLITE = Path(tempfile.gettempdir()) / "marquee-bench-search2" / "marquee.db"
GENRES = [
    "Action",
    "Adventure",
    "Animation",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Family",
    "Fantasy",
    "History",
    "Horror",
    "Music",
    "Mystery",
    "Romance",
    "Science Fiction",
    "Thriller",
    "War",
    "Western",
]
RATINGS = ["G", "PG", "PG-13", "R", "NC-17"]
FIRST = [
    "Ana",
    "Bruno",
    "Chloé",
    "Dmitri",
    "Eva",
    "Farid",
    "Greta",
    "Hiro",
    "Inés",
    "Jonas",
    "Kaito",
    "Lena",
    "Marco",
    "Nadia",
    "Omar",
    "Paula",
    "Quentin",
    "Rosa",
    "Sven",
    "Tomás",
    "Uma",
    "Viktor",
    "Wen",
    "Xavier",
    "Yara",
    "Zoë",
]
SYLLABLES = [
    "ka",
    "ro",
    "mi",
    "lan",
    "tor",
    "vel",
    "sa",
    "din",
    "mor",
    "qui",
    "bel",
    "zan",
    "fer",
    "gol",
    "har",
    "ist",
    "jun",
    "ley",
    "nov",
    "pra",
    "ros",
    "tam",
    "ul",
    "wes",
]


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts))


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words = set()
    while len(words) < size:
        words.add(_word(rng, rng.randint(2, 4)))
    return sorted(words)


def catalog_specs(n_titles: int, seed: int = 7) -> tuple[list, dict]:
    """Synthetic titles (names from a made-up vocabulary), 3,000 people, 18 genres.

    The same seed always gives the same catalog, so a kept database can be reused.
    """
    from webapp.catalog.service import TitleSpec

    rng = random.Random(seed)
    vocab = _vocabulary(rng, 4000)
    surnames = _vocabulary(rng, 1500)
    people = sorted({f"{rng.choice(FIRST)} {s.capitalize()}" for s in surnames})[:3000]
    specs, names, cast_of = [], [], []
    for _ in range(n_titles):
        name = " ".join(w.capitalize() for w in rng.sample(vocab, rng.choice((1, 2, 2, 3, 3, 4))))
        if rng.random() < 0.3:
            name = "The " + name
        cast = rng.sample(people, 5)
        specs.append(
            TitleSpec(
                kind="film",
                name=name,
                year=rng.randint(1950, 2025),
                runtime_minutes=rng.randint(80, 180),
                maturity_rating=rng.choice(RATINGS),
                genres=rng.sample(GENRES, rng.randint(1, 3)),
                directors=[rng.choice(people)],
                cast=cast,
                synopsis=" ".join(rng.choice(vocab) for _ in range(rng.randint(15, 40))) + ".",
            )
        )
        names.append(name)
        cast_of.append(cast)
    return specs, {"names": names, "people": people, "cast": cast_of}


def build_catalog(specs: list) -> None:
    """Create the titles through the catalog service, committing each thousand."""
    from webapp.catalog.service import Catalog
    from webapp.extensions import db

    catalog = Catalog()
    for i, spec in enumerate(specs):
        catalog.create_title(spec)
        if (i + 1) % 1000 == 0:
            db.session.commit()  # the ORM hook indexes each thousand as it commits
    db.session.commit()


def _typo(rng: random.Random, word: str) -> str:
    """One slip: a dropped, doubled, swapped or wrong letter (never the first two)."""
    if len(word) < 5:
        return word
    i = rng.randrange(2, len(word) - 1)
    kind = rng.choice(("drop", "double", "swap", "replace"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("aeioutnrs") + word[i + 1 :]


def make_queries(data: dict, n: int, seed: int = 3) -> list[tuple[str, str]]:
    """(kind, query) pairs in fixed proportions."""
    rng = random.Random(seed)
    queries = []
    for k in range(n):
        name = rng.choice(data["names"])
        kind = ("prefix", "title", "person", "genre", "typo", "two-words")[k % 6]
        if kind == "prefix":
            q = name[: rng.randint(2, max(2, min(len(name), 9)))]
        elif kind == "title":
            q = name
        elif kind == "person":
            q = rng.choice(data["people"]).split()[-1]
        elif kind == "genre":
            q = rng.choice(GENRES)[: rng.randint(3, 7)]
        elif kind == "typo":
            longest = max(name.split(), key=len)
            q = _typo(rng, longest.lower())
        else:
            words = name.split()
            q = " ".join(words[-2:]) if len(words) > 1 else name[:4]
        queries.append((kind, q))
    return queries


def time_queries(queries, profiles) -> dict:
    from webapp.extensions import db
    from webapp.search.service import suggest

    for _, q in queries[:50]:  # warm the caches as a running server would be
        suggest(q, profiles[0])
    timings: dict[str, list[float]] = {}
    found = 0
    for i, (kind, q) in enumerate(queries):
        profile = profiles[i % len(profiles)]
        began = time.perf_counter()
        results = suggest(q, profile)
        elapsed = (time.perf_counter() - began) * 1000
        db.session.rollback()  # end the read transaction, as each request does
        timings.setdefault(kind, []).append(elapsed)
        timings.setdefault("all", []).append(elapsed)
        found += bool(results.titles or results.people or results.genres)
    summary = {
        kind: {
            "n": len(v),
            "median_ms": round(statistics.median(v), 2),
            "p95_ms": round(sorted(v)[int(len(v) * 0.95) - 1], 2),
            "max_ms": round(max(v), 2),
        }
        for kind, v in timings.items()
    }
    summary["all"]["answered"] = found
    return summary


def _database_url(backend: str, instance: Path, keep: bool) -> str:
    """The benchmark database: a fresh one, or with `keep` the kept one (made if missing)."""
    if backend == "sqlite":
        if not keep:
            return f"sqlite:///{instance / 'marquee.db'}"
        KEPT_SQLITE.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{KEPT_SQLITE}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": PG_DB}
        )
        if not keep:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
        if not (keep and exists):
            conn.execute(sa.text(f'CREATE DATABASE "{PG_DB}"'))
    admin.dispose()
    return postgres_url(PG_DB)


def _load_catalog(specs: list, keep: bool) -> tuple[float | None, float | None]:
    """Build the catalog, or reuse a kept one and rebuild its index: (build s, rebuild s)."""
    from webapp.extensions import db
    from webapp.models import Title
    from webapp.search import rebuild_index

    present = db.session.scalar(sa.select(sa.func.count(Title.id)))
    if keep and present == len(specs):
        began = time.perf_counter()
        rebuild_index()
        db.session.commit()
        return None, time.perf_counter() - began
    if present:
        raise SystemExit(
            f"The kept benchmark database holds {present} titles, not {len(specs)}: "
            "run once without --keep to start afresh."
        )
    began = time.perf_counter()
    build_catalog(specs)
    return time.perf_counter() - began, None


def run(backend: str, n_titles: int, n_queries: int, keep: bool = False) -> dict:
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.config import Config
    from webapp.extensions import db
    from webapp.models import Profile

    instance = Path(tempfile.mkdtemp(prefix=f"marquee-search-{backend}-"))
    url = _database_url(backend, instance, keep)
    config = type(
        "BenchConfig",
        (Config,),
        {
            "INSTANCE_PATH": instance,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET,
        },
    )
    app = create_app(config)
    specs, data = catalog_specs(n_titles)
    try:
        with app.app_context():
            upgrade()
            build_s, rebuild_s = _load_catalog(specs, keep)
            if backend == "postgresql":
                with db.engine.connect() as conn:
                    conn.execute(sa.text("ANALYZE"))
                    conn.commit()
            profiles = [
                Profile(name="Adult", maturity_limit=18),
                Profile(name="Kid", maturity_limit=7),
            ]
            summary = time_queries(make_queries(data, n_queries), profiles)
            db.session.remove()
            db.engine.dispose()
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    return {
        "backend": backend,
        "titles": n_titles,
        "build_s": None if build_s is None else round(build_s, 1),
        "rebuild_s": None if rebuild_s is None else round(rebuild_s, 1),
        "latency": summary,
    }


def _build_note(result: dict) -> str:
    if result["build_s"] is not None:
        return f"{result['backend']} {result['build_s']} s"
    return (
        f"{result['backend']} kept from an earlier run (index rebuilt in {result['rebuild_s']} s)"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave RESULTS.md alone"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the catalog databases and reuse them on the next --keep run",
    )
    args = parser.parse_args(argv)
    backends = [args.only] if args.only else ["sqlite", "postgresql"]
    results = []
    for backend in backends:
        result = run(backend, args.titles, args.queries, args.keep)
        print(json.dumps(result))
        results.append(result)
    load = os.getloadavg()[0]
    note = (
        f"`.venv/bin/python -m benchmarks.search --titles {args.titles} --queries {args.queries}`"
        f" ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, load average {load:.1f} at the"
        " end): `suggest()` in-process (titles, people and genres, visibility applied; half the"
        " queries as a kids profile) on a synthetic catalog built through the catalog service."
        " Query mix: prefixes as typed, whole titles, surnames, genre prefixes, one-letter typos,"
        " two-word phrases. Target: p95 < 20 ms."
    )
    lines = [
        note,
        "",
        "| database | query kind | n | median ms | p95 ms | max ms |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        for kind, s in r["latency"].items():
            label = f"**{kind}**" if kind == "all" else kind
            lines.append(
                f"| {r['backend']} | {label} | {s['n']} | {s['median_ms']} | {s['p95_ms']} | {s['max_ms']} |"
            )
    lines.append("")
    lines.append(
        "Queries that got any suggestion (the rest: kids profiles typing titles they may not"
        " see, and the like): "
        + ", ".join(f"{r['backend']} {r['latency']['all']['answered']}" for r in results)
        + f" of {args.queries}."
    )
    lines.append("")
    lines.append(
        f"Catalog build time ({args.titles:,} titles through the catalog service, index kept by"
        " the commit hook): " + ", ".join(_build_note(r) for r in results) + "."
    )
    if not args.no_write:
        from benchmarks.results_md import write_subsection

        print(
            "written to",
            write_subsection("Event log and search", "Search suggestions", "\n".join(lines)),
        )


if __name__ == "__main__":
    main()
