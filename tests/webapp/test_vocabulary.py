"""Event types are named in one module, webapp.activity.vocabulary, and listed nowhere else."""

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO
from webapp.activity import vocabulary
from webapp.models import Event

GROUPS = ("PLAYBACK", "QUALITY", "RATINGS", "MY_LIST", "NO_TITLE", "WATCHED", "FEEDBACK")
# recommender/ is a library that never imports the site, so it keeps its own names.
SCANNED = ("webapp", "benchmarks")


def test_every_type_says_what_it_means_and_fits_the_log():
    width = Event.__table__.c.type.type.length
    assert len(set(vocabulary.EVENT_TYPES)) == len(vocabulary.EVENT_TYPES)
    for kind in vocabulary.EVENT_TYPES:
        assert vocabulary.MEANINGS[kind].strip()
        assert len(kind) <= width


@pytest.mark.parametrize("group", [*GROUPS, "INTERACTIONS", "ACTIONS"])
def test_groups_hold_known_types(group):
    members = getattr(vocabulary, group)
    assert members and set(members) <= set(vocabulary.EVENT_TYPES)


def _listed_types(path: Path) -> list[tuple[int, list[str]]]:
    """Literal tuples, lists, sets and dict keys in a module that spell two or more types."""
    known = set(vocabulary.EVENT_TYPES)
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            items = node.elts
        elif isinstance(node, ast.Dict):
            items = [k for k in node.keys if k is not None]
        else:
            continue
        types = [i.value for i in items if isinstance(i, ast.Constant) and i.value in known]
        if len(types) >= 2:
            found.append((node.lineno, types))
    return found


def test_no_module_lists_event_types_of_its_own():
    own = Path(vocabulary.__file__).resolve()
    lists = {
        f"{path.relative_to(REPO)}:{line}": types
        for folder in SCANNED
        for path in sorted((REPO / folder).rglob("*.py"))
        if path.resolve() != own
        for line, types in _listed_types(path)
    }
    assert lists == {}
