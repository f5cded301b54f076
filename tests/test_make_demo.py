"""`make demo`: what it installs and how its background work shares the machine.

Read from `make -n demo` (the commands it would run, nothing run), so the
checks hold for the Makefile as shipped.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def demo_commands(tmp_path: Path, **env: str) -> list[str]:
    """The lines `make demo` would run in a fresh clone (no venv yet), with `env` set."""
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("")
    out = subprocess.run(
        ["make", "-n", "demo", "PORT=5099"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={**_without("MARQUEE_WORKERS"), **env},
    )
    return out.stdout.splitlines()


def _without(*names: str) -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key not in names}


def _server(lines: list[str]) -> str:
    return next(line for line in lines if "gunicorn" in line and "wsgi:app" in line)


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
    assert "nice" not in quick and "nice" not in _server(lines)


def test_the_demo_serves_one_viewer_with_two_workers_unless_told_otherwise(tmp_path):
    """Five workers importing the site at once on two cores delay the first page."""
    assert "--workers 2 " in _server(demo_commands(tmp_path))
    assert "--workers 3 " in _server(demo_commands(tmp_path, MARQUEE_WORKERS="3"))


def test_the_venv_keeps_bytecode_even_where_the_environment_turns_it_off(tmp_path):
    """Each stage and worker then reads the compiled site instead of compiling it again."""
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    probe = f"probe: ; @{sys.executable} -c 'import sys; print(sys.dont_write_bytecode)'"
    out = subprocess.run(
        ["make", "--no-print-directory", f"--eval={probe}", "probe"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert out.stdout.strip() == "False"


def test_the_clips_encode_beside_the_seed_and_are_published_after_it(tmp_path):
    """The encoder takes the core the single-threaded seed leaves idle; nothing waits for it
    until the clips stage, which comes after the seed and the first model."""
    lines = demo_commands(tmp_path)
    at = {
        name: next(i for i, line in enumerate(lines) if marker in line)
        for name, marker in {
            "schema": "db upgrade",
            "build": "media build-demo",
            "seed": " seed-demo --if-empty",
            "quick": "train --quick",
            "publish": "media seed-demo",
        }.items()
    }
    assert at["schema"] < at["build"] < at["seed"] < at["quick"] < at["publish"]
    build = lines[at["build"]]
    assert "nice -n" in build.split("media build-demo")[0]
    assert re.search(r"media build-demo[^']*&'", build)


def test_the_site_is_installed_with_uv(tmp_path):
    """uv fetches and unpacks the wheels side by side: the install is several times quicker."""
    installs = [line for line in demo_commands(tmp_path) if "install" in line]
    assert any(line.rstrip().endswith("pip install --quiet uv") for line in installs)
    assert any("/uv pip install" in line and line.rstrip().endswith("-e .") for line in installs)


def test_a_venv_made_before_uv_gets_it_before_the_next_install(tmp_path):
    """A checkout whose venv pip made once still installs after pulling a new pyproject."""
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.touch()
    lines = demo_commands(tmp_path)
    assert not any(" -m venv " in line for line in lines)
    uv = next(i for i, line in enumerate(lines) if line.endswith("pip install --quiet uv"))
    install = next(i for i, line in enumerate(lines) if "/uv pip install" in line)
    assert uv < install
