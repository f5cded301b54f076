"""CPU instructions per home page request, counted by valgrind: a figure that load cannot move.

Requests per second under gunicorn swing with whatever else the machine runs, so
two versions a few per cent apart cannot be told apart by timing. Valgrind's
callgrind counts the instructions the server executes instead, and gives the
same count for the same code and data whatever else is running.

    .venv/bin/python -m benchmarks.request_cost prepare DIR    # seed, train, 200-title profile
    .venv/bin/python -m benchmarks.request_cost measure DIR    # instructions per request

`measure` runs the signed-in home page of that profile in-process under
callgrind twice, with few and with many requests after the same warm-up, so
start-up cancels out: (instructions(many) - instructions(few)) / (many - few).
It does this for pages served from the per-profile row cache (what repeat
visits get) and for pages built afresh, and counts SQL statements per request.
Figures go to benchmarks/RESULTS.md by hand, beside the code they compare.
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.home import PASSWORD, _config, prepare

FEW, MANY = 5, 25


def _serve(instance: Path, requests: int, fresh: bool) -> int:
    """Sign in, warm up, then GET / `requests` times; returns SQL statements per request."""
    from sqlalchemy import event

    from webapp import create_app
    from webapp.caching import app_caches
    from webapp.extensions import db
    from webapp.models import Profile

    setup = json.loads((instance / "request_cost.json").read_text())
    app = create_app(_config(instance, setup["url"]))
    app.config["WTF_CSRF_ENABLED"] = False
    cache = app_caches(app).pages
    client = app.test_client()
    with app.app_context():
        email = db.session.get(Profile, setup["profile_id"]).account.email
        engine = db.engine
    client.post("/auth/login", data={"email": email, "password": PASSWORD})
    client.post(f"/profiles/{setup['profile_id']}/choose")
    for _ in range(5):
        assert client.get("/").status_code == 200
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    for _ in range(requests):
        if fresh:
            cache.clear()
        assert client.get("/").status_code == 200
    return len(statements) // max(requests, 1)


def _instructions(instance: Path, requests: int, fresh: bool) -> int:
    """Instructions of a whole `_serve` run under callgrind."""
    out = Path(tempfile.mkdtemp(prefix="marquee-callgrind-")) / "callgrind.out"
    command = [sys.executable, "-m", "benchmarks.request_cost", "serve", str(instance)]
    command += ["--requests", str(requests)] + (["--fresh"] if fresh else [])
    subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command],
        check=True,
        capture_output=True,
    )
    total = re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.MULTILINE)
    shutil.rmtree(out.parent, ignore_errors=True)
    return int(total.group(1))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("prepare", "measure", "serve"))
    parser.add_argument("instance", type=Path)
    parser.add_argument("--requests", type=int, default=FEW)
    parser.add_argument("--fresh", action="store_true")
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
        print(json.dumps({"statements_per_request": _serve(instance, args.requests, args.fresh)}))
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is needed: apt-get install valgrind")
    for fresh in (False, True):
        few = _instructions(instance, FEW, fresh)
        many = _instructions(instance, MANY, fresh)
        statements = _serve(instance, FEW, fresh)
        per_request = (many - few) / (MANY - FEW)
        kind = "built afresh" if fresh else "from the row cache"
        print(f"home {kind}: {per_request / 1e6:.2f} M instructions, {statements} SQL statements")


if __name__ == "__main__":
    main()
