"""Ingest benchmark: events per second through POST /api/events under gunicorn.

For each database (SQLite file, PostgreSQL) it migrates a fresh database, adds
a small catalog and one signed-in profile per client, starts gunicorn with 4
workers, and lets client processes post batches of 20 events (impressions,
clicks, heartbeats, a search) for a fixed time, with the CSRF token in the
header as the page scripts send it. At the end it checks that every event the
server acknowledged is stored: acknowledged == rows in the events table.

    .venv/bin/python -m benchmarks.ingest [--seconds 20] [--clients 6] [--only sqlite]

Figures go to benchmarks/RESULTS.md, section "Event log and search".
"""

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from benchmarks.databases import fresh_postgres

ROOT = Path(__file__).resolve().parent.parent
SECRET = "ingest-benchmark-secret"
PG_DB = "marquee_bench_ingest"
N_FILMS = 120
BATCH = 20


def _config(instance: Path, url: str):
    from webapp.config import Config

    return type(
        "BenchConfig",
        (Config,),
        {
            "INSTANCE_PATH": instance,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET,
        },
    )


def _fresh_database(backend: str, instance: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{instance / 'marquee.db'}"
    return fresh_postgres(PG_DB)


def prepare(backend: str, instance: Path, clients: int) -> tuple[str, list[dict], list[int]]:
    """Migrate, add a catalog and one profile per client; returns (url, sessions, film ids)."""
    from flask import session
    from flask_migrate import upgrade
    from flask_wtf.csrf import generate_csrf

    from webapp import create_app
    from webapp.auth.sessions import start_session
    from webapp.catalog.service import Catalog, TitleSpec
    from webapp.extensions import db
    from webapp.models import Account, Profile

    url = _fresh_database(backend, instance)
    app = create_app(_config(instance, url))
    with app.app_context():
        upgrade()
        catalog = Catalog()
        films = [
            catalog.create_title(
                TitleSpec(
                    kind="film",
                    name=f"Bench Film {i}",
                    year=1980 + i % 40,
                    runtime_minutes=90 + i % 40,
                    maturity_rating="PG-13",
                    genres=["Drama"],
                    cast=[f"Actor {i % 30}"],
                    synopsis="A film made for measuring.",
                )
            )
            for i in range(N_FILMS)
        ]
        accounts = []
        for i in range(clients):
            account = Account(email=f"bench{i}@example.com", session_token=f"bench{i}")
            account.set_password("bench password 1")
            account.profiles.append(Profile(name="Bench"))
            db.session.add(account)
            accounts.append(account)
        db.session.commit()
        film_ids = [f.id for f in films]
        logins = [(start_session(a, None).id, a.profiles[0].id) for a in accounts]
        db.session.remove()
        db.engine.dispose()
    # A signed session cookie and CSRF token per client, as after signing in and choosing
    # the profile; each in its own request context (the token is cached per context).
    sessions = []
    serializer = app.session_interface.get_signing_serializer(app)
    for user_id, profile_id in logins:
        with app.test_request_context("/"):
            session["_user_id"] = user_id
            session["_fresh"] = True
            session["profile_id"] = profile_id
            token = generate_csrf()
            cookie = serializer.dumps(dict(session))
        sessions.append({"cookie": f"session={cookie}", "csrf": token})
    return url, sessions, film_ids


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, instance: Path, workers: int, port: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, MARQUEE_INSTANCE_PATH=str(instance), SECRET_KEY=SECRET)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [
            str(gunicorn),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    return wait_until_serving(proc, port, "/account/what-we-collect", seconds=30)


def wait_until_serving(
    proc: subprocess.Popen, port: int, path: str, seconds: float
) -> subprocess.Popen:
    """The started server once `path` answers 200; stopped, and an error, after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)  # the server is starting
    proc.terminate()
    raise RuntimeError("gunicorn did not start")


def _batch(rng: random.Random, films: list[int], step: int) -> dict:
    """20 events: what a home page and a player send in a few seconds."""
    film = films[step % len(films)]
    events = [
        {
            "type": "impression",
            "title_id": rng.choice(films),
            "page": "home",
            "row_key": "trending",
            "row_pos": rng.randrange(8),
            "col_pos": c,
            "artwork_variant": rng.randrange(3),
            "local_hour": 21,
            "local_weekday": 4,
            "session_id": "bench-session",
        }
        for c in range(15)
    ]
    events.append({"type": "click", "title_id": film, "page": "home", "row_key": "trending"})
    events += [
        {"type": "heartbeat", "title_id": film, "value": 10.0 * (step % 500) + k, "page": "player"}
        for k in range(3)
    ]
    events.append({"type": "search", "text": "bench", "value": 3, "page": "search"})
    return {"events": events}


def client(
    port: int, session: dict, films: list[int], seconds: float, seed: int, out: mp.Queue
) -> None:
    """Post batches back to back until time is up; report acknowledged events and latencies."""
    rng = random.Random(seed)
    acknowledged = errors = requests = 0
    latencies = []
    headers = {
        "Content-Type": "application/json",
        "X-CSRFToken": session["csrf"],
        "Cookie": session["cookie"],
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Bench",
    }
    stop = time.perf_counter() + seconds
    step = 0
    while time.perf_counter() < stop:
        body = json.dumps(_batch(rng, films, step))
        step += 1
        began = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", "/api/events", body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            conn.close()
        except OSError:
            errors += 1
            continue
        latencies.append(time.perf_counter() - began)
        requests += 1
        if response.status == 200:
            acknowledged += json.loads(data)["stored"]
        else:
            errors += 1
            if errors == 1:
                print("refused:", response.status, data[:200], file=sys.stderr)
    out.put(
        {
            "acknowledged": acknowledged,
            "errors": errors,
            "requests": requests,
            "latencies": latencies,
        }
    )


def stored_events(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(sa.text("SELECT count(*) FROM events")).scalar()
    engine.dispose()
    return count


def run(backend: str, seconds: float, clients: int, workers: int) -> dict:
    instance = Path(tempfile.mkdtemp(prefix=f"marquee-ingest-{backend}-"))
    try:
        url, sessions, films = prepare(backend, instance, clients)
        port = _free_port()
        server = start_gunicorn(url, instance, workers, port)
        try:
            out: mp.Queue = mp.Queue()
            procs = [
                mp.Process(target=client, args=(port, sessions[i], films, seconds, i, out))
                for i in range(clients)
            ]
            began = time.perf_counter()
            for p in procs:
                p.start()
            results = [out.get() for _ in procs]
            for p in procs:
                p.join()
            elapsed = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=30)
        stored = stored_events(url)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    latencies = sorted(x for r in results for x in r["latencies"])
    acknowledged = sum(r["acknowledged"] for r in results)
    return {
        "backend": backend,
        "seconds": round(elapsed, 1),
        "requests": sum(r["requests"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "acknowledged": acknowledged,
        "stored": stored,
        "lost": acknowledged - stored,
        "events_per_s": round(acknowledged / elapsed),
        "p50_ms": round(1000 * latencies[len(latencies) // 2], 1) if latencies else None,
        "p95_ms": round(1000 * latencies[int(len(latencies) * 0.95)], 1) if latencies else None,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave RESULTS.md alone"
    )
    args = parser.parse_args(argv)
    backends = [args.only] if args.only else ["sqlite", "postgresql"]
    rows = []
    for backend in backends:
        result = run(backend, args.seconds, args.clients, args.workers)
        print(json.dumps(result))
        rows.append(result)
    table = [
        "| database | events/s | batches | errors | acknowledged | stored | lost | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ] + [
        f"| {r['backend']} | {r['events_per_s']:,} | {r['requests']:,} | {r['errors']} | "
        f"{r['acknowledged']:,} | {r['stored']:,} | {r['lost']} | {r['p50_ms']} | {r['p95_ms']} |"
        for r in rows
    ]
    load = os.getloadavg()[0]
    note = (
        f"`.venv/bin/python -m benchmarks.ingest --seconds {args.seconds:g} --clients {args.clients}`"
        f" ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, load average {load:.1f} at the"
        f" end): gunicorn with {args.workers} sync workers, {args.clients} client processes posting"
        f" batches of {BATCH} events back to back (15 impressions, 1 click, 3 heartbeats that upsert"
        " the resume point, 1 search) with the CSRF token in the header."
        " Target: >= 2,000 events/s, zero lost."
    )
    body = "\n".join([note, "", *table])
    if not args.no_write:
        from benchmarks.results_md import write_subsection

        print(
            "written to",
            write_subsection("Event log and search", "Ingest through the HTTP API", body),
        )


if __name__ == "__main__":
    main()
