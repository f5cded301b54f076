"""Fault benchmark: broken model files, a full model disk, the database going away.

For each database (SQLite file, PostgreSQL) it seeds a demo instance, trains a
model, mounts a tmpfs on the model directory (so that it can be filled), and
starts gunicorn (4 workers). A few client threads load signed-in home pages
back to back for the whole run and a poller reads /readyz twice a second,
while the script, step by step:

b. drops a newer, corrupt model version into the model directory;
c. takes the good version away (workers keep it in memory), reloads the
   workers (HUP: new workers see only the corrupt version and serve
   popularity rows), then puts the good version back;
d. fills the model directory and runs `flask --app wsgi recommender train`;
e. takes the database away: PostgreSQL through a TCP proxy in front of 5432
   that is cut and restored; SQLite by moving the database's folder away (the
   workers hold the file open, so a worker reload is what makes them reopen
   it) and back.

Each response is classified by status and by what the page serves (the model
version in `data-model-version`, "popularity", or the clear 503 page).
Recovery is the time from the repair to the last response that was not yet
repaired.

    .venv/bin/python -m benchmarks.faults [--only sqlite] [--step-seconds 15]

Figures go to benchmarks/RESULTS.md, section "Load and faults". Needs root for
the tmpfs mount (the full-disk step is skipped, and says so, without it).
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from benchmarks.databases import drop_postgres, fresh_postgres
from benchmarks.home import SECRET, _config, _sign_in
from benchmarks.ingest import _free_port
from benchmarks.results_md import write_subsection
from benchmarks.tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parent.parent
PG_DB = "marquee_bench_faults"
AWAY = "can't reach its database right now"
VERSION = re.compile(r'data-model-version="([^"]*)"')
TMPFS_SIZE = "128m"


@dataclass
class Sample:
    end: float
    status: int  # 0: no HTTP answer (connection refused or reset)
    page: str  # model version, "popularity", "database away" or "other"


@dataclass
class Site:
    backend: str
    instance: Path
    model_dir: Path
    env: dict
    port: int
    good: str = ""
    proxy: TcpProxy | None = None
    db_dir: Path | None = None
    server: subprocess.Popen | None = None
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- setup


def _database(backend: str, instance: Path) -> tuple[str, str, TcpProxy | None]:
    """(url to seed with, url the site uses, proxy) for a fresh database."""
    if backend == "sqlite":
        url = f"sqlite:///{instance / 'db' / 'marquee.db'}"
        return url, url, None
    direct = sa.engine.make_url(fresh_postgres(PG_DB))
    proxy = TcpProxy(direct.host, direct.port or 5432).start()
    proxied = direct.set(port=proxy.port)
    return (
        direct.render_as_string(hide_password=False),
        proxied.render_as_string(hide_password=False),
        proxy,
    )


def _mount_tmpfs(path: Path) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(path)],
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        print(f"tmpfs mount refused ({done.stderr.strip()}); no full-disk step", file=sys.stderr)
    return done.returncode == 0


def seed_and_train(backend: str, instance: Path, n_profiles: int, clients: int) -> tuple:
    """Migrate, seed, train; returns (site url, proxy, good version, [(profile id, email)])."""
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.extensions import db
    from webapp.models import Account, Profile
    from webapp.recommendations.training import train_model
    from webapp.seed.demo import seed_demo

    (instance / "db").mkdir(parents=True, exist_ok=True)
    seed_url, site_url, proxy = _database(backend, instance)
    app = create_app(_config(instance, seed_url))
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        seed_demo(progress=False, n_profiles=n_profiles)
        print(f"{backend}: seeded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        version = Path(train_model(app.config["MODEL_DIR"], evaluate=False).path).name
        viewers = db.session.execute(
            sa.select(Profile.id, Account.email)
            .join(Profile.account)
            .where(Account.email.like("simulated-%"), Profile.is_kids.is_(False))
            .where(Profile.onboarded.is_(True))
            .order_by(Profile.id)
            .limit(clients)
        ).all()
        db.session.remove()
        db.engine.dispose()
    return site_url, proxy, version, [tuple(v) for v in viewers]


def start_gunicorn(site: Site, workers: int) -> None:
    log = (site.instance / "gunicorn.log").open("ab")
    site.server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{site.port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=site.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if _get(site.port, "/healthz")[0] == 200:
            return
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def _workers(site: Site) -> set[int]:
    out = subprocess.run(
        ["pgrep", "-P", str(site.server.pid)], check=False, capture_output=True, text=True
    )
    return {int(p) for p in out.stdout.split()}


def _reload_workers(site: Site, expected: int) -> None:
    """HUP: gunicorn starts new workers (a fresh app each) and retires the old ones."""
    old = _workers(site)
    site.server.send_signal(signal.SIGHUP)
    deadline = time.time() + 60
    while time.time() < deadline:
        now = _workers(site)
        # The old workers leave at once; requests queue until a new one has loaded the app.
        if len(now) == expected and not now & old and _get(site.port, "/healthz")[0] == 200:
            return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not replace its workers")


# ---------------------------------------------------------------- load


def _get(port: int, path: str, cookie: str = "") -> tuple[int, str]:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        body = response.read().decode(errors="replace")
        conn.close()
        return response.status, body
    except OSError:
        return 0, ""


def _classify(status: int, body: str) -> str:
    if status == 503 and AWAY in body.replace("&#39;", "'") and "Traceback" not in body:
        return "database away"
    found = VERSION.search(body) if status == 200 else None
    return found.group(1) if found else "other"


class Load:
    """Client threads loading home pages, and a /readyz poller, until stopped."""

    def __init__(self, port: int, cookies: list[str]):
        self.port = port
        self.cookies = cookies
        self.pages: list[Sample] = []
        self.ready: list[tuple[float, int, dict]] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._client, args=(c,), daemon=True) for c in cookies
        ] + [threading.Thread(target=self._poll_ready, daemon=True)]

    def start(self) -> "Load":
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _client(self, cookie: str) -> None:
        while not self._stop.is_set():
            status, body = _get(self.port, "/", cookie)
            self.pages.append(Sample(time.monotonic(), status, _classify(status, body)))
            if status == 0:
                time.sleep(0.05)

    def _poll_ready(self) -> None:
        while not self._stop.is_set():
            status, body = _get(self.port, "/readyz")
            try:
                parsed = json.loads(body) if body else {}
            except ValueError:
                parsed = {}
            self.ready.append((time.monotonic(), status, parsed))
            self._stop.wait(0.5)


@dataclass
class Step:
    name: str
    start: float
    end: float
    expect: str  # what a page should be once the step has settled
    repaired_at: float | None = None
    extra: str = ""


def _row(load: Load, step: Step) -> dict:
    pages = [s for s in load.pages if step.start <= s.end < step.end]
    ready = Counter(status for t, status, _ in load.ready if step.start <= t < step.end)
    statuses = Counter(s.status for s in pages)
    served = Counter(s.page for s in pages)
    recovery = ""
    if step.repaired_at is not None:
        late = [s.end for s in pages if s.end >= step.repaired_at and s.page != step.expect]
        recovery = f"{max(late) - step.repaired_at:.2f}" if late else "0"
    return {
        "step": step.name,
        "seconds": round(step.end - step.start, 1),
        "requests": len(pages),
        "2xx": sum(n for code, n in statuses.items() if 200 <= code < 300),
        "503": statuses[503],
        "503 clear page": served["database away"],
        "other 5xx": sum(n for code, n in statuses.items() if code >= 500 and code != 503),
        "no answer": statuses[0],
        "expected page": served[step.expect],
        "expect": step.expect,
        "readyz": ", ".join(f"{n}×{code}" for code, n in sorted(ready.items())),
        "recovery s": recovery,
        "extra": step.extra,
    }


def _hold(seconds: float) -> None:
    time.sleep(seconds)


# ---------------------------------------------------------------- faults


def _new_version_name(tag: str) -> str:
    """A version name newer than every trained one (names sort by their UTC timestamp)."""
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"999999Z-{tag}"


def _place(source: Path, model_dir: Path, name: str) -> Path:
    """Copy a version in the way save_model writes: a hidden directory renamed into place."""
    hidden = model_dir / f".tmp-{name}"
    shutil.copytree(source, hidden)
    return hidden


def step_corrupt_newer(site: Site, load: Load, seconds: float) -> Step:
    hidden = _place(site.model_dir / site.good, site.model_dir, "corrupt")
    npy = max(hidden.glob("*.npy"), key=lambda p: p.stat().st_size)
    npy.write_bytes(npy.read_bytes()[: npy.stat().st_size // 2])
    broken = site.model_dir / _new_version_name("corrupt")
    start = time.monotonic()
    hidden.rename(broken)
    _hold(seconds)
    named = any(
        broken.name in ((ready.get("recommender") or {}).get("error") or "")
        for _, _, ready in load.ready[-4:]
    )
    return Step(
        "b. newer version with a truncated array",
        start,
        time.monotonic(),
        site.good,
        extra=f"/readyz names the broken version: {'yes' if named else 'no'}",
    )


def step_every_version_broken(site: Site, load: Load, seconds: float, workers: int) -> list[Step]:
    spare = site.model_dir / ".spare"  # hidden, so never listed as a version; same filesystem
    spare.mkdir(exist_ok=True)
    steps = []
    start = time.monotonic()
    (site.model_dir / site.good).rename(spare / site.good)
    _hold(seconds)
    steps.append(
        Step(
            "c1. good version removed (workers keep it in memory)",
            start,
            time.monotonic(),
            site.good,
        )
    )
    start = time.monotonic()
    _reload_workers(site, workers)
    _hold(seconds)
    steps.append(
        Step(
            "c2. workers reloaded, only the corrupt version on disk",
            start,
            time.monotonic(),
            "popularity",
        )
    )
    hidden = _place(spare / site.good, site.model_dir, "restore")
    start = time.monotonic()
    hidden.rename(site.model_dir / site.good)
    _hold(seconds)
    steps.append(
        Step("c3. good version put back", start, time.monotonic(), site.good, repaired_at=start)
    )
    return steps


def _fill(directory: Path) -> Path:
    filler = directory / "filler"
    with filler.open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(bytes(1 << 20))
        except OSError:
            pass
    return filler


def step_full_disk(site: Site, load: Load) -> Step:
    filler = _fill(site.model_dir)
    before = sorted(p.name for p in site.model_dir.iterdir())
    start = time.monotonic()
    done = subprocess.run(
        [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "recommender", "train"],
        check=False,
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    end = time.monotonic()
    after = sorted(p.name for p in site.model_dir.iterdir())
    filler.unlink()
    last = [line for line in re.split(r"[\r\n]", done.stderr) if line.strip()][-1:]
    message = last[0].strip() if last else ""
    traceback = "Traceback" in done.stderr
    return Step(
        "d. training with the model directory full",
        start,
        end,
        site.good,
        extra=(
            f"exit code {done.returncode}; traceback printed: {'yes' if traceback else 'no'}; "
            f"model directory unchanged: {'yes' if before == after else 'no'}; "
            f"message: `{message}`"
        ),
    )


def step_database_away(site: Site, load: Load, seconds: float, workers: int) -> list[Step]:
    steps = []
    start = time.monotonic()
    if site.proxy is not None:
        site.proxy.cut()
        _hold(seconds)
        steps.append(
            Step("e1. PostgreSQL away (proxy cut)", start, time.monotonic(), "database away")
        )
        start = time.monotonic()
        site.proxy.restore()
        back = "e2. PostgreSQL back (proxy restored)"
    else:
        away = site.db_dir.with_name("db-away")
        site.db_dir.rename(away)
        _hold(seconds)
        steps.append(
            Step(
                "e1. SQLite folder moved away (workers hold the file open)",
                start,
                time.monotonic(),
                site.good,
            )
        )
        start = time.monotonic()
        _reload_workers(site, workers)
        _hold(seconds)
        steps.append(
            Step(
                "e2. workers reloaded while the file is away",
                start,
                time.monotonic(),
                "database away",
            )
        )
        start = time.monotonic()
        away.rename(site.db_dir)
        back = "e3. SQLite folder moved back"
    _hold(seconds)
    steps.append(Step(back, start, time.monotonic(), site.good, repaired_at=start))
    return steps


# ---------------------------------------------------------------- run


def _logged_unreachable(site: Site) -> int:
    """Log lines for 'database unreachable' that carry a request id."""
    count = 0
    for line in (site.instance / "gunicorn.log").read_text(errors="replace").splitlines():
        if "database unreachable on" in line and '"request_id": "' in line:
            count += 1
    return count


def run(backend: str, args) -> dict:
    instance = Path(tempfile.mkdtemp(prefix=f"marquee-faults-{backend}-"))
    model_dir = instance / "models"
    mounted = _mount_tmpfs(model_dir)
    site = None
    try:
        url, proxy, good, viewers = seed_and_train(backend, instance, args.profiles, args.clients)
        env = dict(
            os.environ,
            DATABASE_URL=url,
            MARQUEE_INSTANCE_PATH=str(instance),
            MARQUEE_MODEL_DIR=str(model_dir),
            SECRET_KEY=SECRET,
            MARQUEE_LOGIN_LIMIT="10000/minute",
        )
        site = Site(backend, instance, model_dir, env, _free_port(), good, proxy, instance / "db")
        start_gunicorn(site, args.workers)
        first_workers = _workers(site)
        cookies = [_sign_in(site.port, email, pid) for pid, email in viewers]
        load = Load(site.port, cookies).start()
        began = time.monotonic()
        _hold(args.step_seconds)
        steps = [Step("a. steady", began, time.monotonic(), good)]
        steps.append(step_corrupt_newer(site, load, args.step_seconds))
        steps += step_every_version_broken(site, load, args.step_seconds, args.workers)
        if mounted:
            steps.append(step_full_disk(site, load))
        workers_before_db = _workers(site)
        steps += step_database_away(site, load, args.step_seconds, args.workers)
        load.stop()
        same_master = site.server.poll() is None
        same_workers = _workers(site) == workers_before_db
        rows = [_row(load, s) for s in steps]
        return {
            "backend": backend,
            "rows": rows,
            "master_restarted": not same_master,
            "workers_replaced_by_outage": not same_workers,
            "initial_workers": len(first_workers),
            "logged_unreachable": _logged_unreachable(site),
            "clients": len(cookies),
            "load": os.getloadavg(),
        }
    finally:
        if site is not None and site.server is not None:
            site.server.terminate()
            site.server.wait(timeout=60)
        if site is not None and site.proxy is not None:
            site.proxy.close()
        if mounted:
            subprocess.run(["umount", "-l", str(model_dir)], check=False)
        shutil.rmtree(instance, ignore_errors=True)
        if backend == "postgresql":
            drop_postgres(PG_DB)


COLUMNS = ("requests", "2xx", "503", "503 clear page", "other 5xx", "no answer")


def _table(result: dict) -> str:
    lines = [
        "| step | s | " + " | ".join(COLUMNS) + " | pages as expected | /readyz | recovery s |",
        "|---|---:|" + "---:|" * len(COLUMNS) + "---|---|---:|",
    ]
    for r in result["rows"]:
        expect = r["expect"] if r["expect"] in ("popularity", "database away") else "model"
        lines.append(
            f"| {r['step']} | {r['seconds']} | "
            + " | ".join(str(r[c]) for c in COLUMNS)
            + f" | {r['expected page']} ({expect}) | {r['readyz']} | {r['recovery s']} |"
        )
    notes = [f"- {r['step']}: {r['extra']}" for r in result["rows"] if r["extra"]]
    notes.append(
        f"- gunicorn master restarted: {'yes' if result['master_restarted'] else 'no'}; "
        f"workers replaced while the database was away: "
        f"{'yes (the HUP of step e2)' if result['workers_replaced_by_outage'] else 'no'}; "
        f"'database unreachable' log lines carrying a request id: {result['logged_unreachable']}"
    )
    return "\n".join(lines + [""] + notes)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--profiles", type=int, default=120, help="simulated demo profiles")
    parser.add_argument("--step-seconds", type=float, default=15.0)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    backends = [args.only] if args.only else ["sqlite", "postgresql"]
    load_before = os.getloadavg()
    results = []
    for backend in backends:
        result = run(backend, args)
        print(json.dumps(result, default=str), file=sys.stderr)
        results.append(result)
    command = "`.venv/bin/python -m benchmarks.faults" + (
        f" --only {args.only}" if args.only else ""
    )
    command += f" --step-seconds {args.step_seconds:g}`" if args.step_seconds != 15.0 else "`"
    intro = (
        f"{command} ({time.strftime('%Y-%m-%d %H:%M')} UTC, {os.cpu_count()} CPUs shared with other "
        f"work, load average {load_before[0]:.1f} before and {results[-1]['load'][0]:.1f} after): "
        f"gunicorn with {args.workers} sync workers, {results[0]['clients']} client threads loading "
        f"signed-in home pages back to back, /readyz polled every 0.5 s, each step held "
        f"{args.step_seconds:g} s. A page counts as expected when it serves the named model version "
        "(`data-model-version`), popularity rows, or the clear 503 page (\"Marquee can't reach its "
        'database right now", no traceback) as the step calls for. Recovery: seconds from the repair '
        "to the last page not yet repaired."
    )
    parts = [intro]
    for result in results:
        parts += ["", f"**{result['backend']}**", "", _table(result)]
    body = "\n".join(parts)
    print(body)
    if not args.no_write:
        write_subsection("Load and faults", "Faults: model files, full disk, database away", body)


if __name__ == "__main__":
    main()
