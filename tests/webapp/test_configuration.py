"""Every setting lives on Config, and README's configuration table says what the code does.

The table names each environment variable, the setting it sets (a `Config`
attribute in capitals, a gunicorn.conf.py setting in lower case) and its
default. These tests read the table and both files, so that neither can
drift from the other.
"""

import ast
import re
import runpy
from pathlib import Path

import pytest

from tests.conftest import REPO
from webapp.config import Config

CONFIG_PY = REPO / "webapp" / "config.py"
GUNICORN_PY = REPO / "gunicorn.conf.py"
ROW = re.compile(r"^\| `([A-Z0-9_]+)` \| `(\w+)` \| (.+?) \| .+ \|$")
# Defaults worked out when the server starts, so the table describes them in words.
COMPUTED = {"workers"}


def readme_rows() -> dict[str, tuple[str, str]]:
    """variable -> (setting, default cell) from README's configuration table."""
    text = (REPO / "README.md").read_text()
    section = text.split("Configuration comes from environment variables", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            assert match[1] not in rows, f"{match[1]} is in the table twice"
            rows[match[1]] = (match[2], match[3])
    return rows


def _env_reads(path: Path) -> set[str]:
    """Names of environment variables a module reads: os.environ[...], .get(...), getenv(...)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            key = node.slice
        elif isinstance(node, ast.Call) and ast.unparse(node.func) in (
            "os.environ.get",
            "os.getenv",
        ):
            key = node.args[0] if node.args else None
        else:
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            names.add(key.value)
    return names


def _settings(monkeypatch, **env: str) -> tuple[type, dict]:
    """Config and gunicorn's settings as a fresh process would read them with only `env` set."""
    for variable in readme_rows():
        monkeypatch.delenv(variable, raising=False)
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    return runpy.run_path(str(CONFIG_PY))["Config"], runpy.run_path(str(GUNICORN_PY))


def _value(setting: str, config: type, gunicorn: dict):
    return gunicorn[setting] if setting.islower() else getattr(config, setting)


def _shown(value) -> str:
    """A setting's value as the table writes it: paths in the repository relative to it."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(f"{REPO}/", "")


def test_only_config_and_gunicorn_conf_read_the_environment():
    readers = {
        str(path.relative_to(REPO)): names
        for path in [*sorted((REPO / "webapp").rglob("*.py")), REPO / "wsgi.py"]
        if path != CONFIG_PY and (names := _env_reads(path))
    }
    assert readers == {}


def test_the_table_lists_every_variable_the_code_reads():
    read = _env_reads(CONFIG_PY) | _env_reads(GUNICORN_PY)
    assert set(readme_rows()) == read


def test_the_gunicorn_timeout_is_what_the_table_says(monkeypatch):
    _, gunicorn = _settings(monkeypatch)
    setting, default = readme_rows()["MARQUEE_TIMEOUT"]
    assert setting == "timeout" and default == f"`{gunicorn['timeout']}`"


@pytest.mark.parametrize("variable", sorted(readme_rows()))
def test_each_variable_sets_its_setting_and_defaults_as_the_table_says(monkeypatch, variable):
    setting, cell = readme_rows()[variable]
    config, gunicorn = _settings(monkeypatch)
    default = _value(setting, config, gunicorn)
    if cell.startswith("`"):
        assert cell.split("`")[1] == _shown(default)
    else:
        assert default in (None, "") or setting in COMPUTED, f"{variable}: say `{default}`"

    sample = "1" if isinstance(default, bool) else "7" if isinstance(default, int | float) else "x"
    config, gunicorn = _settings(monkeypatch, **{variable: sample})
    assert _shown(_value(setting, config, gunicorn)) == sample


def _config_reads(path: Path):
    """(key, has a default) for each app.config["KEY"] / config.get("KEY"[, default]) read."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            target, key, default = node.value, node.slice, False
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr != "get" or not node.args:
                continue
            target, key = node.func.value, node.args[0]
            default = len(node.args) > 1
        else:
            continue
        named = isinstance(target, ast.Attribute) and target.attr == "config"
        if named and isinstance(key, ast.Constant) and isinstance(key.value, str):
            yield key.value, default


def test_every_setting_the_site_reads_is_on_config_without_a_default_of_its_own():
    problems = []
    for path in sorted((REPO / "webapp").rglob("*.py")):
        for key, default in _config_reads(path):
            where = f"{path.relative_to(REPO)}: {key}"
            if not hasattr(Config, key):
                problems.append(f"{where} is not on Config")
            if default:
                problems.append(f"{where} has a default outside Config")
    assert problems == []
