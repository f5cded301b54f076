"""Clone to served: time `make demo` from a fresh clone until the site answers.

    python3 -m benchmarks.clone_to_served [--source .] [--dest /tmp/demo-clone] [--port 5077]

Clones the repository, runs `make demo` in the clone (its own venv, installed
from scratch), and times until `/healthz` answers and then until viewer1's
personal home page (a "Because you ..." row, signed in through the real forms)
comes back. Prints the stage lines of `make demo` with their seconds, the two
totals and the load average, then stops the demo server. Standard library only,
so it runs before any venv exists.
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from urllib.parse import urlencode

PASSWORD = "marquee-demo"


def _request(port, method, path, body=None, cookie=""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=urlencode(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read().decode(errors="replace")
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith("session="):
            cookie = value.split(";", 1)[0]
    return response.status, data, cookie


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def personal_home(port: int) -> bool:
    """Sign in as viewer1, choose its first profile, and look for a personal row."""
    _, page, cookie = _request(port, "GET", "/auth/login")
    form = {"email": "viewer1@marquee.local", "password": PASSWORD, "csrf_token": _token(page)}
    _, _, cookie = _request(port, "POST", "/auth/login", form, cookie)
    _, page, cookie = _request(port, "GET", "/profiles/", cookie=cookie)
    action = re.search(r'action="(/profiles/\d+/[^"]*)"', page).group(1).replace("&amp;", "&")
    _, _, cookie = _request(port, "POST", action, {"csrf_token": _token(page)}, cookie)
    status, page, _ = _request(port, "GET", "/", cookie=cookie)
    return status == 200 and "Because you" in page


def wait_for(check, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except (OSError, http.client.HTTPException, AttributeError):
            pass
        time.sleep(0.25)
    return False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=".", help="repository to clone")
    parser.add_argument("--dest", default="/tmp/demo-clone")
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--timeout", type=float, default=1200)
    args = parser.parse_args(argv)
    shutil.rmtree(args.dest, ignore_errors=True)
    load_before = os.getloadavg()
    began = time.monotonic()
    subprocess.run(["git", "clone", "-q", args.source, args.dest], check=True)
    log = open(os.path.join(args.dest, "demo.out"), "w")
    demo = subprocess.Popen(
        ["make", "demo", f"PORT={args.port}"],
        cwd=args.dest,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        start_new_session=True,
    )
    stages, healthz, home = [], None, None
    try:
        # Stage lines come first; the server's access log follows "Serving on".
        for line in demo.stdout:
            log.write(line)
            log.flush()
            if line.startswith("Serving on"):
                break
            match = re.match(r"(.+?)\s+done \((\d+) s\)", line)
            if match:
                stages.append((match.group(1).strip(), int(match.group(2))))
                print(f"{time.monotonic() - began:7.1f} s  {line.rstrip()}", flush=True)
            elif "failed" in line:
                print(line, end="", file=sys.stderr)
        installed = time.monotonic() - began - sum(s for _, s in stages)
        port = args.port

        def health():
            return _request(port, "GET", "/healthz")[0] == 200

        if wait_for(health, args.timeout):
            healthz = time.monotonic() - began
        if healthz and wait_for(lambda: personal_home(port), args.timeout):
            home = time.monotonic() - began
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        demo.wait(timeout=30)
    print(f"clone, venv and install: {installed:.0f} s (the rest before the first stage)")
    print(f"clone to /healthz: {healthz:.1f} s" if healthz else "clone to /healthz: no answer")
    print(f"clone to a personal home page: {home:.1f} s" if home else "home page: no answer")
    print(f"load average before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f}")
    return 0 if home else 1


if __name__ == "__main__":
    sys.exit(main())
