"""A wheel install works, not only a checkout: templates, static files and migrations ship in it.

The wheel is built from a copy of the checkout and installed (without its
dependencies, which come from this environment's site-packages) into a fresh
virtualenv; the site is then migrated and asked for a page and a static file
from a folder outside the checkout.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NOT_SHIPPED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "instance",
    "build",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "test-artifacts",
    "tests",
)
PROBE = """
import json
import sqlalchemy as sa
import webapp
from webapp import create_app
from webapp.extensions import db

app = create_app()
with app.app_context():
    version = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
client = app.test_client()
page, css = client.get("/auth/login"), client.get("/static/css/marquee.css")
print(json.dumps({
    "package": webapp.__file__,
    "templates": app.template_folder,
    "migrated_to": version,
    "page": [page.status_code, page.get_data(as_text=True)],
    "css": [css.status_code, css.get_data(as_text=True)],
}))
"""


def _run(args: list[str], cwd: Path, env: dict | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_an_installed_wheel_serves_pages_and_static_files_outside_the_checkout(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=NOT_SHIPPED)
    _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", "dist", str(source)],
        tmp_path,
    )
    (wheel,) = (tmp_path / "dist").glob("marquee-*.whl")

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    _run([*pip, "install", "-q", "--no-deps", str(wheel)], tmp_path)
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            tmp_path,
        ).strip()
    )
    # The dependencies: this environment's packages, after the venv's own (so not its
    # editable Marquee, whose finder only a site folder's own .pth files would load).
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("MARQUEE_", "DATABASE_", "PYTHON"))
    }
    env.update(
        MARQUEE_INSTANCE_PATH=str(elsewhere / "instance"),
        DATABASE_URL=f"sqlite:///{elsewhere / 'marquee.db'}",
        SECRET_KEY="wheel-test",
    )
    # Finds the migrations in the installed package, or fails.
    _run([str(python), "-m", "flask", "--app", "webapp", "db", "upgrade"], elsewhere, env)
    answer = json.loads(_run([str(python), "-c", PROBE], elsewhere, env).splitlines()[-1])

    assert Path(answer["package"]).is_relative_to(site)
    assert Path(answer["templates"]).is_relative_to(site)
    assert answer["migrated_to"]
    status, body = answer["page"]
    assert status == 200 and "Sign in" in body
    status, css = answer["css"]
    assert status == 200 and css == (REPO / "static" / "css" / "marquee.css").read_text()
