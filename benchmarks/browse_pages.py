"""CPU time, SQL statements and cards per request of the home and Films pages, cached and fresh.

Runs in-process on an instance made by `benchmarks.request_cost prepare` (the
seeded demo, a trained model, a profile with 200 titles in its history):
signs in, warms each page up, then times `--requests` GETs of each page with
the row cache kept and emptied before each request. Process CPU time moves
less with the machine's load than wall time, but still moves: compare
versions on the same instance, one after the other, and repeat.

    .venv/bin/python -m benchmarks.browse_pages DIR [--requests 15]

Figures go to benchmarks/RESULTS.md, section "Instructions per home request".
"""

import argparse
import json
import statistics
import time
from pathlib import Path

from benchmarks.home import PASSWORD, _config

PAGES = ("/", "/browse/film")


def main(argv=None) -> None:
    from sqlalchemy import event

    from webapp import create_app
    from webapp.caching import app_caches
    from webapp.extensions import db
    from webapp.models import Profile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", type=Path)
    parser.add_argument("--requests", type=int, default=15)
    args = parser.parse_args(argv)
    setup = json.loads((args.instance / "request_cost.json").read_text())
    app = create_app(_config(args.instance.resolve(), setup["url"]))
    app.config["WTF_CSRF_ENABLED"] = False
    cache = app_caches(app).pages
    client = app.test_client()
    with app.app_context():
        email = db.session.get(Profile, setup["profile_id"]).account.email
        engine = db.engine
    client.post("/auth/login", data={"email": email, "password": PASSWORD})
    client.post(f"/profiles/{setup['profile_id']}/choose")
    for url in PAGES:
        for fresh in (False, True):
            for _ in range(3):
                assert client.get(url).status_code == 200
            statements, cpu = [], []

            def listener(*a, seen=statements):
                seen.append(a[2])

            event.listen(engine, "before_cursor_execute", listener)
            for _ in range(args.requests):
                if fresh:
                    cache.clear()
                start = time.process_time()
                response = client.get(url)
                cpu.append(time.process_time() - start)
                assert response.status_code == 200
            event.remove(engine, "before_cursor_execute", listener)
            cards = response.data.count(b'<article class="card')
            print(
                f"{url} {'built afresh' if fresh else 'from the row cache'}: "
                f"median CPU {statistics.median(cpu) * 1000:.1f} ms, "
                f"{len(statements) // args.requests} SQL statements, {cards} cards"
            )


if __name__ == "__main__":
    main()
