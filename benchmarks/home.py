"""Home page benchmark: in-process server time, then gunicorn under concurrent load.

1. Builds a throwaway SQLite instance with the default demo seed and a trained
   model, and gives one profile a history of 200 titles (plays, completions,
   ratings, list adds) through the current-state tables.
2. In-process: times GET / for that profile with the Flask test client
   (--requests, after a warm-up): median and p95 server time.
3. Under gunicorn (--workers, default 4): wrk with --connections concurrent
   clients (default 32) for --seconds (default 30) hitting the home pages of
   --profiles different signed-in profiles (each worker keeps each profile's
   rows until they change, so after the warm-up most requests are served from
   that cache), then the same against /healthz,
   a trivial endpoint of the same app served the same way, in the same run.

    .venv/bin/python -m benchmarks.home [--seconds 30] [--connections 32]

--profile N also prints, to stderr, where N fresh builds spend their time
(cProfile, by cumulative time), for finding what to speed up next.

Figures go to benchmarks/RESULTS.md, section "Home page".
"""

import argparse
import cProfile
import http.client
import json
import os
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.ingest import _free_port
from benchmarks.results_md import write_subsection

ROOT = Path(__file__).resolve().parent.parent
SECRET = "home-benchmark-secret"
PASSWORD = "marquee-demo"
HISTORY = 200


def _config(instance: Path, url: str):
    from webapp.config import Config

    return type(
        "BenchConfig",
        (Config,),
        {
            "INSTANCE_PATH": instance,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET,
            "MODEL_DIR": instance / "models",
        },
    )


def prepare(instance: Path) -> tuple[str, int]:
    """Seed, train, and build the 200-title profile; returns (db url, profile id)."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from webapp import create_app
    from webapp.extensions import db
    from webapp.models import ListItem, Profile, Rating, Title, WatchState
    from webapp.models.base import utcnow
    from webapp.recommendations.training import train_model
    from webapp.seed.demo import seed_demo

    url = f"sqlite:///{instance / 'marquee.db'}"
    app = create_app(_config(instance, url))
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        seed_demo(progress=False)
        print(f"seeded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        profile = db.session.scalars(
            select(Profile)
            .join(Profile.account)
            .where(Profile.is_kids.is_(False), Profile.name == "Alex")
        ).first()
        rng = random.Random(42)
        taken = set(
            db.session.scalars(
                select(WatchState.title_id).where(WatchState.profile_id == profile.id)
            )
        )
        films = [
            t
            for t in db.session.scalars(select(Title.id).where(Title.kind == "film"))
            if t not in taken
        ]
        rng.shuffle(films)
        now = utcnow()
        for n, title_id in enumerate(films[: HISTORY - len(taken)]):
            done = rng.random() < 0.7
            db.session.add(
                WatchState(
                    profile_id=profile.id,
                    title_id=title_id,
                    position=6000.0 if done else 1500.0,
                    duration=6000.0,
                    completed=done,
                    times_completed=int(done),
                    updated_at=now - timedelta(hours=n * 7),
                )
            )
            if rng.random() < 0.3:
                db.session.add(
                    Rating(
                        profile_id=profile.id,
                        title_id=title_id,
                        value=rng.choice((-1, 1, 1, 2)),
                        updated_at=now - timedelta(hours=n * 7),
                    )
                )
            if rng.random() < 0.1:
                db.session.add(ListItem(profile_id=profile.id, title_id=title_id))
        db.session.commit()
        count = len(
            list(
                db.session.scalars(
                    select(WatchState.title_id).where(WatchState.profile_id == profile.id)
                )
            )
        )
        print(f"profile {profile.id} has {count} titles in its history", file=sys.stderr)
        result = train_model(app.config["MODEL_DIR"], evaluate=False)
        print(result.describe(), file=sys.stderr)
        return url, profile.id


def in_process(instance: Path, url: str, profile_id: int, n: int, profile: int = 0) -> dict:
    from webapp import create_app
    from webapp.extensions import db
    from webapp.models import Profile

    app = create_app(_config(instance, url))
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    with app.app_context():
        email = db.session.get(Profile, profile_id).account.email
    client.post("/auth/login", data={"email": email, "password": PASSWORD})
    client.post(f"/profiles/{profile_id}/choose")
    for _ in range(20):
        assert client.get("/").status_code == 200
    from webapp.caching import app_caches

    cache = app_caches(app).pages

    def series(fresh: bool) -> list[float]:
        times = []
        for _ in range(n):
            if fresh:
                cache.clear()
            started = time.perf_counter()
            response = client.get("/")
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        return sorted(times)

    built = series(fresh=True)
    times = series(fresh=False)
    if profile:
        _profile_fresh(client, cache, profile)
    response = client.get("/")
    body = response.get_data(as_text=True)
    return {
        "requests": n,
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * len(times)) - 1], 2),
        "built_median_ms": round(statistics.median(built), 2),
        "built_p95_ms": round(built[int(0.95 * len(built)) - 1], 2),
        "rows": body.count('<section class="row"'),
        "cards": body.count('<article class="card'),
        "bytes": len(response.data),
    }


def _profile_fresh(client, cache, n: int) -> None:
    """cProfile of n fresh builds, top functions by cumulative time, to stderr."""
    profiler = cProfile.Profile()
    for _ in range(n):
        cache.clear()
        profiler.enable()
        client.get("/")
        profiler.disable()
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)


def _sign_in(port: int, email: str, profile_id: int) -> str:
    """A session cookie for email with profile_id chosen, through the real forms and CSRF."""

    def request(method, path, body=None, cookie=""):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": cookie} if cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(
            method, path, body=urlencode(body) if body is not None else None, headers=headers
        )
        response = conn.getresponse()
        data = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                cookie = value.split(";", 1)[0]
        return data, cookie

    page, cookie = request("GET", "/auth/login")
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page
    )
    token = token.group(1) or token.group(2)
    _, cookie = request(
        "POST", "/auth/login", {"email": email, "password": PASSWORD, "csrf_token": token}, cookie
    )
    page, cookie = request("GET", "/profiles/", cookie=cookie)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    _, cookie = request("POST", f"/profiles/{profile_id}/choose", {"csrf_token": token}, cookie)
    return cookie


LUA = """
local cookies = %s
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "%s", {["Cookie"] = cookies[(n %% #cookies) + 1]})
end
done = function(summary, latency, requests)
  io.write(string.format('RESULT {"requests": %%d, "seconds": %%.3f, "errors_status": %%d, "errors_socket": %%d, "p50_ms": %%.2f, "p95_ms": %%.2f, "p99_ms": %%.2f}\\n',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def wrk(port: int, path: str, cookies: list[str], seconds: int, connections: int) -> dict:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(LUA % ("{" + ",".join(json.dumps(c) for c in cookies) + "}", path))
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    script.unlink()
    result = json.loads(out.split("RESULT ", 1)[1].splitlines()[0])
    result["rps"] = round(result["requests"] / result["seconds"], 1)
    return result


def under_gunicorn(
    instance: Path, url: str, workers: int, seconds: int, connections: int, n_profiles: int
) -> dict:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT p.id, a.email FROM profiles p JOIN accounts a ON a.id = p.account_id "
                "WHERE a.email LIKE 'simulated-%' AND p.is_kids = 0 AND p.onboarded = 1 ORDER BY p.id"
            )
        ).all()
    engine.dispose()
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=url,
        MARQUEE_INSTANCE_PATH=str(instance),
        SECRET_KEY=SECRET,
        MARQUEE_MODEL_DIR=str(instance / "models"),
        # 64 sign-ins from one address in a few seconds: lift the sign-in limit for the setup.
        MARQUEE_LOGIN_LIMIT="10000/minute",
    )
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
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
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        cookies = [_sign_in(port, email, pid) for pid, email in rows[:n_profiles]]
        # Warm every worker's caches and model before measuring.
        wrk(port, "/", cookies, 3, connections)
        home = wrk(port, "/", cookies, seconds, connections)
        trivial = wrk(port, "/healthz", cookies, seconds, connections)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"home": home, "trivial": trivial, "profiles": len(cookies)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--profiles", type=int, default=64)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="print a cProfile of N fresh builds to stderr",
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed for the load part: apt-get install wrk")
    instance = Path(tempfile.mkdtemp(prefix="marquee-home-bench-"))
    try:
        url, profile_id = prepare(instance)
        local = in_process(instance, url, profile_id, args.requests, args.profile)
        print("in-process", local, file=sys.stderr)
        load = under_gunicorn(
            instance, url, args.workers, args.seconds, args.connections, args.profiles
        )
        print("gunicorn", load, file=sys.stderr)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    home, trivial = load["home"], load["trivial"]
    command = "`.venv/bin/python -m benchmarks.home" + (
        f" --seconds {args.seconds} --connections {args.connections}`"
    )
    stamp = time.strftime("%Y-%m-%d %H:%M")
    body = f"""{command} ({stamp}, {os.cpu_count()} CPUs, SQLite, default demo seed, trained model).

In-process (Flask test client, profile with {HISTORY} titles of history, {local["requests"]} requests after warm-up; targets: median 25 ms, p95 50 ms):

| home page | median ms | p95 ms |
|---|---:|---:|
| rows built on every request (per-profile cache emptied before each) | {local["built_median_ms"]} | {local["built_p95_ms"]} |
| rows from the per-profile cache (what repeat visits get) | {local["median_ms"]} | {local["p95_ms"]} |

The page had {local["rows"]} rows, {local["cards"]} cards, {local["bytes"] // 1024} KiB.

Under gunicorn ({args.workers} workers), wrk with {args.connections} connections for {args.seconds} s over {load["profiles"]} signed-in profiles:

| endpoint | requests/s | p50 ms | p95 ms | p99 ms | non-2xx | socket errors |
|---|---:|---:|---:|---:|---:|---:|
| home `/` | {home["rps"]} | {home["p50_ms"]} | {home["p95_ms"]} | {home["p99_ms"]} | {home["errors_status"]} | {home["errors_socket"]} |
| trivial `/healthz` | {trivial["rps"]} | {trivial["p50_ms"]} | {trivial["p95_ms"]} | {trivial["p99_ms"]} | {trivial["errors_status"]} | {trivial["errors_socket"]} |

Home throughput is {home["rps"] / trivial["rps"]:.2f} of the trivial endpoint's (target p95 < 150 ms, no errors).
"""
    write_subsection("Home page", "Home page speed", body)
    print(body)


if __name__ == "__main__":
    main()
