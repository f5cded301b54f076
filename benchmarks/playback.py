"""Playback benchmark: startup time in Chromium, and segment serving under concurrent viewers.

1. Builds a throwaway SQLite instance with a small demo seed and the demo
   media (`--clip-seconds` long mood clips, the real ladder of 4 s segments),
   and serves it with gunicorn as `make serve` does (gunicorn.conf.py).
2. Startup: headless Chromium plays a film `--plays` times (default 20), each a
   fresh page load; startup is navigation start to the video's first
   `playing` event. Median and p95.
3. Segments: `--viewers` (default 32) simulated viewers, each fetching its
   720p variant playlist once and then one segment every segment duration
   (the ladder's real rate), for `--seconds`. Segments served per second and
   p95 latency. A viewer stalls when a segment takes longer than its duration.
4. Capacity: the same with twice as many viewers each step (from 32) until a
   step has a stall or errors, or `--max-viewers`; the last step without one
   is how many viewers this host sustains.

    .venv/bin/python -m benchmarks.playback [--plays 20] [--viewers 32] [--seconds 30]

Prints the figures (for benchmarks/RESULTS.md, section "Playback").
"""

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.home import _sign_in
from benchmarks.ingest import _free_port, wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
SECRET = "playback-benchmark-secret"
SEGMENT_LINE = re.compile(r"#EXTINF:([\d.]+),\s*\n(\S+)")


def prepare(instance: Path, clip_seconds: float) -> str:
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.config import Config
    from webapp.extensions import db
    from webapp.media.demo import seed_demo_media
    from webapp.seed.demo import seed_demo

    url = f"sqlite:///{instance / 'marquee.db'}"
    settings = type(
        "PlaybackBenchConfig",
        (Config,),
        {
            "INSTANCE_PATH": instance,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET,
            "MODEL_DIR": instance / "models",
            "MEDIA_DIR": instance / "media",
        },
    )
    app = create_app(settings)
    with app.app_context():
        upgrade()
        seed_demo(progress=False, n_profiles=12, days=2, seed=3)
        started = time.monotonic()
        seed_demo_media(print, seconds=clip_seconds)
        print(f"demo media: {time.monotonic() - started:.0f} s", file=sys.stderr)
        db.session.remove()
        db.engine.dispose()
    return url


def start_server(instance: Path, url: str, port: int) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=url,
        MARQUEE_INSTANCE_PATH=str(instance),
        MARQUEE_MEDIA_DIR=str(instance / "media"),
        MARQUEE_MODEL_DIR=str(instance / "models"),
        SECRET_KEY=SECRET,
        MARQUEE_BIND=f"127.0.0.1:{port}",
        MARQUEE_LOGIN_LIMIT="10000/minute",
        MARQUEE_SECURE_COOKIES="0",
    )
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return wait_until_serving(proc, port, "/healthz", seconds=60)


def _get(port: int, path: str, cookie: str = "") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def viewer_account(url: str) -> tuple[str, int, int]:
    """A demo viewer's email and profile, and a film that profile may play."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        email, profile = conn.execute(
            text(
                "SELECT a.email, p.id FROM profiles p JOIN accounts a ON a.id = p.account_id "
                "WHERE a.email = 'viewer1@marquee.local' ORDER BY p.id LIMIT 1"
            )
        ).one()
        film = conn.execute(
            text("SELECT id FROM titles WHERE kind = 'film' AND maturity_age <= 12 LIMIT 1")
        ).scalar()
    engine.dispose()
    return email, profile, film


def segment_paths(port: int, cookie: str, film: int) -> tuple[list[tuple[float, str]], str]:
    """The top rendition's (duration, signed path) segments, from the watch page's playlists."""
    status, page = _get(port, f"/watch/{film}", cookie)
    assert status == 200, status
    master = re.search(rb'data-master-url="([^"]+)"', page).group(1).decode().replace("&amp;", "&")
    _, playlist = _get(port, master, cookie)
    variants = [line for line in playlist.decode().splitlines() if line and line[0] != "#"]
    base = master.rsplit("/", 1)[0]
    variant = f"{base}/{variants[-1]}"
    _, text = _get(port, variant, cookie)
    folder = variant.split("?", 1)[0].rsplit("/", 1)[0]
    segments = [(float(d), f"{folder}/{name}") for d, name in SEGMENT_LINE.findall(text.decode())]
    return segments, variants[-1].split("/", 1)[0]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def startup(base_url: str, email: str, password: str, film: int, plays: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base_url)
        context.add_init_script(
            "document.addEventListener('playing', function () {"
            " if (window.__firstFrame === undefined) { window.__firstFrame = performance.now(); }"
            "}, true);"
        )
        page = context.new_page()
        page.goto("/auth/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.locator("form[action*='/choose'] button").first.click()
        for _ in range(plays):
            page.goto(f"/watch/{film}")
            page.wait_for_function("() => document.querySelector('video').readyState >= 1")
            if page.evaluate("() => document.querySelector('video').paused"):
                page.locator("[data-player-toggle]").click()
            page.wait_for_function("() => window.__firstFrame !== undefined", timeout=30_000)
            times.append(page.evaluate("() => window.__firstFrame") / 1000)
        browser.close()
    return times


def viewers(port: int, segments, n: int, seconds: float) -> dict:
    """n viewers fetching one segment per segment duration for `seconds`; what they saw."""
    latencies: list[float] = []
    stalls = errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def watch(i: int) -> None:
        nonlocal stalls, errors
        # Viewers start spread over one segment's time, each at its own place in the video.
        time.sleep((i / n) * segments[0][0])
        k = i % len(segments)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        due = time.monotonic()
        while due < stop_at:
            duration, path = segments[k % len(segments)]
            began = time.monotonic()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            took = time.monotonic() - began
            with lock:
                latencies.append(took)
                stalls += took > duration
                errors += not ok
            k += 1
            due += duration
            time.sleep(max(0.0, due - time.monotonic()))
        conn.close()

    threads = [threading.Thread(target=watch, args=(i,)) for i in range(n)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    return {
        "viewers": n,
        "segments": len(latencies),
        "per_second": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "max_ms": max(latencies) * 1000,
        "stalls": stalls,
        "errors": errors,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plays", type=int, default=20)
    parser.add_argument("--viewers", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-viewers", type=int, default=4096)
    parser.add_argument("--clip-seconds", type=float, default=12)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="marquee-playback-") as tmp:
        instance = Path(tmp)
        url = prepare(instance, args.clip_seconds)
        email, profile, film = viewer_account(url)
        port = _free_port()
        server = start_server(instance, url, port)
        try:
            cookie = _sign_in(port, email, profile)
            segments, rendition = segment_paths(port, cookie, film)
            times = startup(f"http://127.0.0.1:{port}", email, "marquee-demo", film, args.plays)
            print(
                f"startup over {len(times)} plays: median {statistics.median(times) * 1000:.0f} ms,"
                f" p95 {percentile(times, 0.95) * 1000:.0f} ms"
            )
            size = sum(
                os.path.getsize(p)
                for p in (instance / "media" / "assets").rglob(f"{rendition}/seg_*.ts")
            ) / max(1, len(list((instance / "media" / "assets").rglob(f"{rendition}/seg_*.ts"))))
            print(
                f"segments: {rendition}, {segments[0][0]:.0f} s each, {size / 1e6:.2f} MB on average"
            )
            first = viewers(port, segments, args.viewers, args.seconds)
            print(_line(first))
            n, sustained = args.viewers, None
            result = first
            while result["stalls"] == 0 and result["errors"] == 0:
                sustained = n
                n *= 2
                if n > args.max_viewers:
                    break
                result = viewers(port, segments, n, args.seconds)
                print(_line(result))
            print(f"sustained without a stall: {sustained} viewers (next step: {n})")
        finally:
            server.terminate()
            server.wait(timeout=30)


def _line(r: dict) -> str:
    return (
        f"{r['viewers']} viewers: {r['per_second']:.1f} segments/s, p50 {r['p50_ms']:.0f} ms,"
        f" p95 {r['p95_ms']:.0f} ms, max {r['max_ms']:.0f} ms, {r['stalls']} stalls,"
        f" {r['errors']} errors"
    )


if __name__ == "__main__":
    main()
