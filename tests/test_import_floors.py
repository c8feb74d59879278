"""The apps are floors: a module of the domain (models, services, selectors…) imports only
from its own floor or the floors below; the edge (views, admin, forms, URLs, commands) sits
on top and may use any floor. docs/design-notes.md, "Floors", says why this order.

The import graph is read from the source (``ast``), not by importing it. The upward imports
that exist today are listed in ``KNOWN_UPWARD``, each to be removed as the module it names
moves to its floor: a new upward import fails the test, and so does a listed one that is
gone (the list only shrinks).
"""

import ast
from pathlib import Path

import cancuoc

PACKAGE = Path(cancuoc.__file__).parent
FLOORS = {
    "lib": 0,
    "formats": 0,
    "geo": 1,
    "accounts": 2,
    "registry": 3,
    "dedup": 4,
    "imports": 4,
    "planning": 5,
    "scheduling": 6,
    "intake": 7,
    "reports": 8,
    "outreach": 8,
    "api": 9,
    "web": 9,
    "synth": 10,
}
EDGE_FILES = {"views.py", "admin.py", "admin_site.py", "admin_config.py", "forms.py", "urls.py"}
EDGE_FILES |= {"quality_views.py", "absent.py", "presenters.py", "apps.py"}
# Upward imports of today, as "importing module -> imported app". To remove, not to add to.
KNOWN_UPWARD = {
    "geo/services.py -> accounts",  # the audit writer: to move to lib's floor
    "dedup/services.py -> intake",
    "dedup/services.py -> scheduling",
    "scheduling/public.py -> intake",
    "scheduling/services.py -> intake",
    "accounts/scope.py -> registry",
    "accounts/scope.py -> planning",
    "registry/quality.py -> dedup",
    "registry/handovers.py -> intake",
    "registry/worklists.py -> intake",
    "registry/worklists.py -> scheduling",
    "intake/services.py -> reports",
    "planning/forecast.py -> reports",
    "planning/targets.py -> reports",
    "planning/selectors.py -> scheduling",
}


def is_edge(parts: tuple[str, ...]) -> bool:
    return parts[-1] in EDGE_FILES or "management" in parts or len(parts) == 1


def imports_of(path: Path) -> set[str]:
    """The cancuoc apps a module imports (absolute imports; relative ones stay in its app)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found |= {name.split(".")[1] for name in names if name.startswith("cancuoc.")}
    return found


def upward_imports(package: Path, floors: dict[str, int]) -> set[str]:
    found = set()
    for path in package.rglob("*.py"):
        parts = path.relative_to(package).parts
        if "migrations" in parts or is_edge(parts):
            continue
        app = parts[0]
        assert app in floors, f"{app}: give the app a floor in FLOORS"
        for other in imports_of(path) - {app}:
            if floors[other] > floors[app]:
                found.add(f"{'/'.join(parts)} -> {other}")
    return found


def test_no_module_of_the_domain_imports_from_a_floor_above_it():
    found = upward_imports(PACKAGE, FLOORS)
    assert found - KNOWN_UPWARD == set(), "new upward imports"
    assert KNOWN_UPWARD - found == set(), "gone: remove them from KNOWN_UPWARD"


def test_an_upward_import_is_caught(tmp_path):
    (tmp_path / "geo").mkdir()
    (tmp_path / "geo" / "services.py").write_text("from cancuoc.registry.models import Person\n")
    (tmp_path / "geo" / "views.py").write_text("from cancuoc.registry.models import Person\n")
    assert upward_imports(tmp_path, FLOORS) == {"geo/services.py -> registry"}
