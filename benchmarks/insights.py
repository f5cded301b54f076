"""Insights benchmark: refresh time and warm admin page times on a large synthetic event log.

Generates a bounded synthetic log straight into a throwaway database (SQLite
file in a temporary folder, or the PostgreSQL database marquee_bench_insights):
a catalog of --titles films in 18 genres with 4 artwork variants each,
--profiles profiles, and home-page visits over 90 days until --events events
exist. A visit is 12 impressions (titles drawn by a Zipf-like popularity, a
uniformly random artwork variant), in half of them one play of a shown title
(play_start, heartbeats every 10 minutes, complete or abandon), and now and
then a search. Then it times:

- the refresh (every report recomputed from the log, cold), per step;
- each admin insights page and one CSV, signed in as an admin, warm
  (median and max of --repeats views after a first view);
- choose_variants for 40 titles and segment_for (what the home page calls).

    .venv/bin/python -m benchmarks.insights [--events 1000000] [--only sqlite] [--keep]
    .venv/bin/python -m benchmarks.insights --write-from run1.log run2.log   (RESULTS.md from saved runs)

Figures go to benchmarks/RESULTS.md, section "Insights".
"""

import argparse
import json
import math
import shutil
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from benchmarks.databases import drop_postgres, fresh_postgres
from webapp.activity import vocabulary as ev

SECRET = "insights-benchmark-secret"
PG_DB = "marquee_bench_insights"
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
STYLES = ["typographic", "portrait", "landscape", "emblem"]
DEVICES = np.array(["tv", "desktop", "mobile", "tablet"])
DAYS = 90
CARDS = 12
EVENT_COLUMNS = (
    "profile_id",
    "title_id",
    "type",
    "value",
    "text",
    "duration",
    "page",
    "row_key",
    "row_pos",
    "col_pos",
    "artwork_variant",
    "occurred_at",
    "local_hour",
    "local_weekday",
    "device",
    "session_id",
)
PAGES = (
    "",
    "demand",
    "supply",
    "segments",
    "artwork",
    "engagement",
    "churn",
    "experiments",
    "exposure",
)


def build_catalog(conn, n_titles: int, rng: np.random.Generator, now) -> None:
    """Genres, titles (2 % AI-generated), 4 artwork variants each, accounts and profiles' catalog side."""
    conn.execute(
        sa.text("INSERT INTO genres (id, name, slug) VALUES (:id, :name, :slug)"),
        [
            {"id": i + 1, "name": g, "slug": g.lower().replace(" ", "-")}
            for i, g in enumerate(GENRES)
        ],
    )
    titles, links, art = [], [], []
    for t in range(1, n_titles + 1):
        titles.append(
            {
                "id": t,
                "kind": "film",
                "name": f"Film {t}",
                "slug": f"film-{t}",
                "year": int(rng.integers(1950, 2026)),
                "runtime": int(rng.integers(80, 150)),
                "ai": "generated" if rng.random() < 0.02 else "none",
                "added": now,
            }
        )
        for g in rng.choice(len(GENRES), size=int(rng.integers(1, 4)), replace=False):
            links.append({"t": t, "g": int(g) + 1})
        for v, style in enumerate(STYLES):
            art.append({"t": t, "v": v, "s": style, "created": now})
    conn.execute(
        sa.text(
            "INSERT INTO titles (id, kind, name, slug, year, runtime_minutes, maturity_rating, maturity_age, "
            "synopsis, mood, ai_use, ai_use_note, source, added_at) VALUES (:id, :kind, :name, :slug, :year, "
            ":runtime, 'PG', 0, '', 'cool', :ai, '', 'demo', :added)"
        ),
        titles,
    )
    conn.execute(sa.text("INSERT INTO title_genres (title_id, genre_id) VALUES (:t, :g)"), links)
    conn.execute(
        sa.text(
            "INSERT INTO artworks (title_id, variant, style, palette, label, created_at) "
            "VALUES (:t, :v, :s, '#111111,#eeeeee', '', :created)"
        ),
        art,
    )


def build_profiles(conn, n_profiles: int, now, rng) -> None:
    accounts = [
        {"id": a, "email": f"bench{a}@example.com", "admin": a == 1, "created": now}
        for a in range(1, n_profiles // 3 + 2)
    ]
    conn.execute(
        sa.text(
            "INSERT INTO accounts (id, email, password_hash, is_admin, created_at, session_token) "
            "VALUES (:id, :email, '!', :admin, :created, 'bench')"
        ),
        accounts,
    )
    # Most profiles exist before the log starts; a quarter join during it (weekly cohorts).
    offsets = np.where(
        rng.random(n_profiles) < 0.75,
        rng.uniform(-120, 0, n_profiles),
        rng.uniform(0, DAYS, n_profiles),
    )
    created = [now + timedelta(days=float(x)) for x in offsets]
    profiles = [
        {"id": p, "account": (p - 1) // 3 + 1, "name": f"P{p}", "created": created[p - 1]}
        for p in range(1, n_profiles + 1)
    ]
    conn.execute(
        sa.text(
            "INSERT INTO profiles (id, account_id, name, avatar_color, maturity_limit, is_kids, history_paused, "
            "onboarded, created_at) VALUES (:id, :account, :name, '#e50914', 18, false, false, true, :created)"
        ),
        profiles,
    )


def visit_events(
    rng, n_visits: int, n_profiles: int, n_titles: int, start: np.datetime64, first_session: int
):
    """Columns of the events of `n_visits` home-page visits (numpy arrays, one entry per event)."""
    profile = rng.integers(1, n_profiles + 1, n_visits)
    at = start + (rng.uniform(0, DAYS * 86400, n_visits) * 1e6).astype("timedelta64[us]")
    hour = rng.integers(0, 24, n_visits)
    device = DEVICES[rng.integers(0, 4, n_visits)]
    session = np.arange(first_session, first_session + n_visits)
    popularity = 1.0 / np.arange(1, n_titles + 1) ** 0.9
    popularity /= popularity.sum()
    shown = rng.choice(n_titles, size=(n_visits, CARDS), p=popularity) + 1
    cols: dict[str, list] = {c: [] for c in EVENT_COLUMNS}

    def add(
        mask_index,
        kind,
        title,
        when,
        value=None,
        text=None,
        duration=None,
        page="home",
        variant=None,
        col=None,
    ):
        n = len(mask_index)
        cols["profile_id"].append(profile[mask_index])
        cols["title_id"].append(title)
        cols["type"].append(np.full(n, kind, dtype=object))
        cols["value"].append(np.full(n, np.nan) if value is None else value)
        cols["text"].append(np.full(n, None, dtype=object) if text is None else text)
        cols["duration"].append(np.full(n, np.nan) if duration is None else duration)
        cols["page"].append(np.full(n, page, dtype=object))
        cols["row_key"].append(
            np.full(n, "top-picks" if kind == ev.IMPRESSION else None, dtype=object)
        )
        cols["row_pos"].append(np.full(n, 0 if kind == ev.IMPRESSION else -1))
        cols["col_pos"].append(np.full(n, -1) if col is None else col)
        cols["artwork_variant"].append(np.full(n, -1) if variant is None else variant)
        cols["occurred_at"].append(when)
        cols["local_hour"].append(hour[mask_index])
        cols["local_weekday"].append((when.astype("datetime64[D]").astype(np.int64) + 3) % 7)
        cols["device"].append(device[mask_index])
        cols["session_id"].append(session[mask_index].astype(str))

    index = np.repeat(np.arange(n_visits), CARDS)
    add(
        index,
        ev.IMPRESSION,
        shown.ravel(),
        np.repeat(at, CARDS),
        variant=rng.integers(0, 4, n_visits * CARDS),
        col=np.tile(np.arange(CARDS), n_visits),
    )
    plays = np.flatnonzero(rng.random(n_visits) < 0.5)
    title = shown[plays, rng.integers(0, CARDS, plays.size)]
    length = rng.integers(80, 150, plays.size) * 60.0
    watched = np.minimum(rng.uniform(0.05, 1.1, plays.size) * length, length)
    began = at[plays] + np.timedelta64(90, "s")
    add(
        plays,
        ev.PLAY_START,
        title,
        began,
        value=np.zeros(plays.size),
        duration=length,
        page="watch",
    )
    for beat in (600.0, 1200.0):
        has = watched > beat
        add(
            plays[has],
            ev.HEARTBEAT,
            title[has],
            began[has] + np.timedelta64(int(beat), "s"),
            value=np.full(has.sum(), beat),
            duration=length[has],
            page="watch",
        )
    done = watched >= 0.9 * length
    end = began + (watched * 1e6).astype("timedelta64[us]")
    for kind, mask in ((ev.COMPLETE, done), (ev.ABANDON, ~done)):
        add(
            plays[mask],
            kind,
            title[mask],
            end[mask],
            value=watched[mask],
            duration=length[mask],
            page="watch",
        )
    searches = np.flatnonzero(rng.random(n_visits) < 0.05)
    found = rng.integers(0, 4, searches.size).astype(float)
    add(
        searches,
        ev.SEARCH,
        np.full(searches.size, None, dtype=object),
        at[searches] + np.timedelta64(30, "s"),
        value=found,
        text=np.array([f"query {q}" for q in rng.integers(0, 200, searches.size)], dtype=object),
        page="search",
    )
    return {k: np.concatenate(v) for k, v in cols.items()}


def _rows(cols: dict, n: int):
    """Tuples for the DB-API, with NULLs where the generator used sentinels."""
    stamps = np.char.replace(np.datetime_as_string(cols["occurred_at"], unit="us"), "T", " ")

    def nul(a, bad):
        return [None if x == bad else x for x in a.tolist()]

    value = [None if math.isnan(v) else v for v in cols["value"].tolist()]
    duration = [None if math.isnan(v) else v for v in cols["duration"].tolist()]
    title = [None if t is None else int(t) for t in cols["title_id"].tolist()]
    return list(
        zip(
            cols["profile_id"].tolist(),
            title,
            cols["type"].tolist(),
            value,
            cols["text"].tolist(),
            duration,
            cols["page"].tolist(),
            cols["row_key"].tolist(),
            nul(cols["row_pos"], -1),
            nul(cols["col_pos"], -1),
            nul(cols["artwork_variant"], -1),
            stamps.tolist(),
            cols["local_hour"].tolist(),
            cols["local_weekday"].tolist(),
            cols["device"].tolist(),
            cols["session_id"].tolist(),
            strict=True,
        )
    )


def write_events(
    engine, backend: str, n_events: int, n_profiles: int, n_titles: int, seed: int
) -> int:
    """Generate visits in chunks until n_events are written; returns the number written."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-08-01T00:00:00", "us")
    written, session = 0, 0
    per_visit = CARDS + 0.5 * 3.5 + 0.05
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        while written < n_events:
            visits = max(1, min(40_000, int((n_events - written) / per_visit) + 1))
            cols = visit_events(rng, visits, n_profiles, n_titles, start, session)
            session += visits
            n = min(len(cols["type"]), n_events - written)
            cols = {k: v[:n] for k, v in cols.items()}
            rows = _rows(cols, n)
            if backend == "sqlite":
                marks = ", ".join("?" for _ in EVENT_COLUMNS)
                cursor.executemany(
                    f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({marks})", rows
                )
            else:
                with cursor.copy(f"COPY events ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            raw.commit()
            written += n
            print(f"  {written:,} events", flush=True)
    finally:
        raw.close()
    return written


def _timed(fn, repeats: int) -> dict:
    fn()  # first view warms the cache memo and templates
    samples = []
    for _ in range(repeats):
        began = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - began)
    return {
        "median_ms": round(statistics.median(samples) * 1000, 1),
        "max_ms": round(max(samples) * 1000, 1),
    }


def run(
    backend: str, n_events: int, n_profiles: int, n_titles: int, repeats: int, keep: bool
) -> dict:
    from datetime import datetime

    from flask_migrate import upgrade

    import webapp.admin.insights_routes  # noqa: F401  (until webapp.admin imports it)
    from webapp import create_app
    from webapp.auth.sessions import start_session
    from webapp.config import Config
    from webapp.extensions import db
    from webapp.insights.refresh import refresh_all
    from webapp.personalization import choose_variants, segment_for

    instance = Path(tempfile.mkdtemp(prefix=f"marquee-insights-{backend}-"))
    if backend == "sqlite":
        url = f"sqlite:///{instance / 'marquee.db'}"
    else:
        url = fresh_postgres(PG_DB)
    config = type(
        "BenchConfig",
        (Config,),
        {
            "INSTANCE_PATH": instance,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET,
            "WTF_CSRF_ENABLED": False,
        },
    )
    app = create_app(config)
    result: dict = {
        "backend": backend,
        "events": n_events,
        "profiles": n_profiles,
        "titles": n_titles,
    }
    try:
        with app.app_context():
            upgrade()
            rng = np.random.default_rng(1)
            now = datetime(2026, 8, 1)
            with db.engine.begin() as conn:
                build_catalog(conn, n_titles, rng, now)
                build_profiles(conn, n_profiles, now, rng)
            began = time.perf_counter()
            result["events"] = write_events(
                db.engine, backend, n_events, n_profiles, n_titles, seed=2
            )
            result["generate_s"] = round(time.perf_counter() - began, 1)
            with db.engine.connect() as conn:
                conn.execute(sa.text("ANALYZE"))
                conn.commit()
            began = time.perf_counter()
            summary = refresh_all(db.session)
            result["refresh_s"] = round(time.perf_counter() - began, 1)
            result["refresh_steps_s"] = summary.seconds
            db.session.remove()
        client = app.test_client()
        with app.app_context():
            account = db.session.get(__import__("webapp.models", fromlist=["Account"]).Account, 1)
            user_id = start_session(account, None).id
        with client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True
        pages = {}
        for page in PAGES:
            path = f"/admin/insights/{page}"
            assert client.get(path).status_code == 200, path
            pages[page or "overview"] = _timed(lambda p=path: client.get(p), repeats)
        pages["artwork/<title>"] = _timed(lambda: client.get("/admin/insights/artwork/1"), repeats)
        pages["churn/at-risk.csv"] = _timed(
            lambda: client.get("/admin/insights/churn/at-risk.csv"), repeats
        )
        result["pages_warm"] = pages
        with app.test_request_context():
            titles = list(range(1, 41))
            generator = np.random.default_rng(0)
            result["choose_variants_40_titles"] = _timed(
                lambda: choose_variants(7, titles, rng=generator), 50
            )
            result["segment_for"] = _timed(lambda: segment_for(7), 200)
            db.session.remove()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        if keep:
            print(f"kept {instance}")
        else:
            shutil.rmtree(instance, ignore_errors=True)
            if backend == "postgresql":
                drop_postgres(PG_DB)
    return result


INTRO = (
    "Synthetic log straight into a throwaway database (benchmarks/insights.py): films in 18 genres "
    "with 4 artwork variants, home visits over 90 days (12 impressions each, a play in half, a "
    "search in 5 %), reports over the 56 days up to the newest event. Pages timed in-process with "
    "the Flask test client, signed in as an admin, after a first view; the refresh is cold (every "
    "report recomputed from the log). Machine: 2 CPUs, shared with other test and benchmark runs "
    "at the time, so the refresh times are pessimistic."
)


def _markdown(results: list[dict]) -> str:
    lines = [
        INTRO,
        "",
        "| backend | events | profiles | titles | generate | refresh (cold) | slowest warm page (median / max) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        slowest = max(r["pages_warm"].items(), key=lambda kv: kv[1]["max_ms"])
        lines.append(
            f"| {r['backend']} | {r['events']:,} | {r['profiles']:,} | {r['titles']:,} | "
            f"{r['generate_s']} s | {r['refresh_s']} s | {slowest[0]}: {slowest[1]['median_ms']} / "
            f"{slowest[1]['max_ms']} ms |"
        )
    worst = max(v["max_ms"] for r in results for v in r["pages_warm"].values())
    lines += [
        "",
        (
            f"Target, every admin page under 1 s warm: {'met' if worst < 1000 else 'NOT met'} "
            f"(slowest single view {worst} ms). The refresh never runs on a page view: it runs from the "
            "Refresh button (inline below 200,000 events, else in a background thread) or on a schedule "
            "with `flask --app wsgi admin insights-refresh`. Run with "
            "`.venv/bin/python -m benchmarks.insights --events 1000000` (and `--events 10000000`); "
            "`--only sqlite|postgresql`."
        ),
    ]
    for r in results:
        lines += [
            "",
            f"{r['backend']}, {r['events']:,} events: warm page median / max (ms): "
            + ", ".join(f"{k} {v['median_ms']}/{v['max_ms']}" for k, v in r["pages_warm"].items())
            + "; "
            f"choose_variants (40 titles) {r['choose_variants_40_titles']['median_ms']} ms, "
            f"segment_for {r['segment_for']['median_ms']} ms; refresh steps (s): "
            + ", ".join(f"{k} {v}" for k, v in r["refresh_steps_s"].items())
            + ".",
        ]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--profiles", type=int, default=None, help="default: events / 200")
    parser.add_argument("--titles", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave RESULTS.md alone"
    )
    parser.add_argument(
        "--write-from",
        nargs="+",
        metavar="LOG",
        help="write RESULTS.md from the JSON lines of earlier runs' output; run nothing",
    )
    args = parser.parse_args(argv)
    if args.write_from:
        lines = [line for name in args.write_from for line in Path(name).read_text().splitlines()]
        results = [json.loads(line) for line in lines if line.startswith("{")]
    else:
        profiles = args.profiles or max(100, args.events // 200)
        results = []
        for backend in [args.only] if args.only else ["sqlite", "postgresql"]:
            result = run(backend, args.events, profiles, args.titles, args.repeats, args.keep)
            print(json.dumps(result))
            results.append(result)
    if not args.no_write:
        from benchmarks.results_md import write_subsection

        write_subsection("Insights", "Refresh and warm page times", _markdown(results))


if __name__ == "__main__":
    main()
