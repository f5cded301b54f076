"""CI tests every backend: with MARQUEE_REQUIRE_POSTGRES=1 a silent PostgreSQL fails the run.

Without it, a stopped server would leave SQLite tested alone and the run green.
"""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOBODY = "postgresql+psycopg://postgres@127.0.0.1:1/test"  # port 1: nothing answers


def _pytest(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
        + ["tests/test_house.py::test_recommender_is_a_pure_library"],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unreachable_postgresql_fails_the_run_when_it_is_required():
    run = _pytest(MARQUEE_REQUIRE_POSTGRES="1", MARQUEE_TEST_POSTGRES_URL=NOBODY)
    assert run.returncode == 4, run.stdout + run.stderr
    assert "PostgreSQL does not answer at" in run.stdout + run.stderr


def test_without_the_requirement_an_unreachable_postgresql_leaves_sqlite():
    run = _pytest(MARQUEE_REQUIRE_POSTGRES="0", MARQUEE_TEST_POSTGRES_URL=NOBODY)
    assert run.returncode == 0, run.stdout + run.stderr
