"""CPU instructions per request, counted by valgrind: a figure that load cannot move.

Requests per second under gunicorn swing with whatever else the machine runs, so
two versions a few per cent apart cannot be told apart by timing. Valgrind's
callgrind counts the instructions the server executes instead, and gives the
same count for the same code and data whatever else is running.

    .venv/bin/python -m benchmarks.request_cost prepare DIR    # seed, train, 200-title profile
    .venv/bin/python -m benchmarks.request_cost measure DIR    # instructions per request

`measure` runs each request of one signed-in profile (the 200-title one)
in-process under callgrind, with instrumentation off until start-up, sign-in
and a warm-up are done: valgrind counts only the measured requests (a client
request compiled into a small helper with the C compiler and valgrind's
callgrind.h turns it on and off), so the start-up costs neither instructions
nor the many minutes that counting it takes on a busy machine. The requests:
the home page served from the per-profile row cache (what repeat visits get)
and built afresh; one batch POST to the events API as a home page sends it
(twelve impressions and a click); a search results page; and the header
box's suggestions. It counts SQL statements per request too, in a run of its
own. `--only NAME` measures one of them, `--requests N` sets how many. Every
run has the same hash seed (PYTHONHASHSEED=0), so dict and set order, and
with it the count, repeats. The script also runs against code from before
the caches moved to webapp.caching (the row cache was then
webapp.home.page_cache), so one copy of it compares two versions.
Figures go to benchmarks/RESULTS.md by hand, beside the code they compare.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.home import PASSWORD, _config, prepare

REQUESTS = 5
WARM_UP = 3
SEARCH_QUERY = "star"
SUGGEST_QUERY = "the godfa"
# Titles the events batch names: the first films of the catalog, which every adult profile sees.
BATCH_TITLES = 12


def _row_cache(app):
    """The per-profile home row cache, wherever this version of the code keeps it."""
    try:
        from webapp.caching import app_caches
    except ImportError:  # before webapp.caching: one cache per worker in webapp.home.page_cache
        from webapp.home.page_cache import cache

        return cache
    return app_caches(app).pages


def _batch(title_ids: list[int]) -> dict:
    """What a home page posts after it was seen: impressions of a row, then a click."""
    events = [
        {"type": "impression", "title_id": t, "page": "home", "row_key": "trending",
         "row_pos": 1, "col_pos": n}
        for n, t in enumerate(title_ids)
    ]  # fmt: skip
    events.append(
        {"type": "click", "title_id": title_ids[0], "page": "home", "row_key": "trending",
         "row_pos": 1, "col_pos": 0}
    )  # fmt: skip
    return {"events": events}


def _requests(app, client, kind: str):
    """The one request that `kind` measures, as a function of no arguments."""
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import Title

    if kind in ("home", "home-fresh"):
        cache = _row_cache(app)

        def home():
            if kind == "home-fresh":
                cache.clear()
            return client.get("/")

        return home
    if kind == "events":
        with app.app_context():
            films = select(Title.id).where(Title.kind == "film").order_by(Title.id)
            batch = _batch(list(db.session.scalars(films.limit(BATCH_TITLES))))
        return lambda: client.post("/api/events", json=batch)
    if kind == "search":
        return lambda: client.get("/search", query_string={"q": SEARCH_QUERY})
    if kind == "suggest":
        return lambda: client.get("/api/search/suggest", query_string={"q": SUGGEST_QUERY})
    raise ValueError(f"unknown request {kind!r}: choose from {', '.join(KINDS)}")


KINDS = ("home", "home-fresh", "events", "search", "suggest")
DESCRIPTIONS = {
    "home": "home from the row cache",
    "home-fresh": "home built afresh",
    "events": "events API, one batch of 13",
    "search": f"search results for {SEARCH_QUERY!r}",
    "suggest": f"suggestions for {SUGGEST_QUERY!r}",
}


TOGGLE_C = """#include <valgrind/callgrind.h>
void marquee_count_on(void) { CALLGRIND_START_INSTRUMENTATION; }
void marquee_count_off(void) { CALLGRIND_STOP_INSTRUMENTATION; }
"""
TOGGLE_ENV = "MARQUEE_CALLGRIND_TOGGLE"


def _toggle_library(folder: Path) -> Path:
    """Compile the helper that turns callgrind's counting on and off; its path."""
    source, library = folder / "toggle.c", folder / "toggle.so"
    source.write_text(TOGGLE_C)
    subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-o", str(library), str(source)], check=True)
    return library


def _serve(instance: Path, requests: int, kind: str) -> int:
    """Sign in, warm up, then make the `kind` request `requests` times; SQL statements per request.

    Under callgrind (the helper's path in MARQUEE_CALLGRIND_TOGGLE) only the
    measured requests are counted, and statements are not.
    """
    import ctypes

    from sqlalchemy import event

    from webapp import create_app
    from webapp.extensions import db
    from webapp.models import Profile

    setup = json.loads((instance / "request_cost.json").read_text())
    app = create_app(_config(instance, setup["url"]))
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    with app.app_context():
        email = db.session.get(Profile, setup["profile_id"]).account.email
        engine = db.engine
    client.post("/auth/login", data={"email": email, "password": PASSWORD})
    client.post(f"/profiles/{setup['profile_id']}/choose")
    request = _requests(app, client, kind)
    assert client.get("/").status_code == 200
    for _ in range(WARM_UP):
        assert request().status_code == 200
    statements = []
    toggle = ctypes.CDLL(os.environ[TOGGLE_ENV]) if os.environ.get(TOGGLE_ENV) else None
    if toggle is None:
        event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    else:
        toggle.marquee_count_on()
    for _ in range(requests):
        response = request()
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
    if toggle is not None:
        toggle.marquee_count_off()
    return len(statements) // max(requests, 1)


def _instructions(instance: Path, requests: int, kind: str, library: Path) -> int:
    """Instructions of `requests` requests of `kind`, counted by callgrind."""
    out = Path(tempfile.mkdtemp(prefix="marquee-callgrind-")) / "callgrind.out"
    command = [sys.executable, "-m", "benchmarks.request_cost", "serve", str(instance)]
    command += ["--requests", str(requests), "--only", kind]
    subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}"]
        + command,
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONHASHSEED": "0", TOGGLE_ENV: str(library)},
    )
    # "summary:" counts from the start; "totals:" what was counted while instrumentation was on.
    total = re.search(r"^totals: (\d+)", out.read_text(), re.MULTILINE)
    shutil.rmtree(out.parent, ignore_errors=True)
    return int(total.group(1))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("prepare", "measure", "serve"))
    parser.add_argument("instance", type=Path)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--only", choices=KINDS, help="measure this request alone")
    args = parser.parse_args(argv)
    instance = args.instance.resolve()
    if args.step == "prepare":
        instance.mkdir(parents=True, exist_ok=True)
        url, profile_id = prepare(instance)
        (instance / "request_cost.json").write_text(
            json.dumps({"url": url, "profile_id": profile_id})
        )
        return
    if args.step == "serve":
        statements = _serve(instance, args.requests, args.only or "home")
        print(json.dumps({"statements_per_request": statements}))
        return
    if shutil.which("valgrind") is None or shutil.which("cc") is None:
        sys.exit("valgrind and a C compiler are needed: apt-get install valgrind gcc")
    library = _toggle_library(Path(tempfile.mkdtemp(prefix="marquee-toggle-")))
    for kind in (args.only,) if args.only else KINDS:
        counted = _instructions(instance, args.requests, kind, library)
        statements = _serve(instance, args.requests, kind)
        per_request = counted / args.requests
        print(
            f"{DESCRIPTIONS[kind]}: {per_request / 1e6:.2f} M instructions,"
            f" {statements} SQL statements",
            flush=True,
        )


if __name__ == "__main__":
    main()
