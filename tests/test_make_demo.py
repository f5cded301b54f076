"""`make demo`: what it installs and how its background work shares the machine.

Read from `make -n demo` (the commands it would run, nothing run), so the
checks hold for the Makefile as shipped.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def demo_commands(tmp_path: Path) -> list[str]:
    """The lines `make demo` would run in a fresh clone (no venv yet)."""
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("")
    out = subprocess.run(
        ["make", "-n", "demo", "PORT=5099"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.splitlines()


def test_demo_installs_the_site_alone(tmp_path):
    installs = [line for line in demo_commands(tmp_path) if "pip install" in line]
    assert any(line.rstrip().endswith("-e .") for line in installs)
    assert not any("[dev]" in line or "pyspark" in line for line in installs)


def test_background_work_yields_to_the_site(tmp_path):
    lines = demo_commands(tmp_path)
    tuned = next(line for line in lines if "train --background" in line)
    insights = next(line for line in lines if "insights-refresh" in line)
    assert "nice -n" in tuned.split("train --background")[0]
    assert "nice -n" in insights.split("insights-refresh")[0]
    # Neither holds up the server: each is left running (sh -c '... &').
    assert re.search(r"train --background --if-untuned[^']*&'", tuned)
    assert re.search(r"insights-refresh[^']*&'", insights)
    # What the first page waits for runs at full priority.
    quick = next(line for line in lines if "train --quick" in line)
    server = next(line for line in lines if "gunicorn" in line and "wsgi:app" in line)
    assert "nice" not in quick and "nice" not in server
