"""The apps are floors: a module of the domain (models, services, selectors…) imports only
from its own floor or the floors below; the edge (views, admin, forms, URLs, commands) sits
on top and may use any floor. docs/design-notes.md, "Floors", says why this order.

The import graph is read from the source (``ast``), not by importing it: an import inside a
function counts as much as one at the top. Apps on one floor may use each other, but never
both ways.
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
    "jobs": 3,
    "imports": 4,
    "planning": 4,
    "intake": 5,
    "scheduling": 6,
    "dedup": 7,
    "reports": 8,
    "outreach": 8,
    "forecasting": 9,
    "api": 10,
    "web": 10,
    "synth": 11,
}
EDGE_FILES = {"views.py", "admin.py", "admin_site.py", "admin_config.py", "forms.py", "urls.py"}
EDGE_FILES |= {"quality_views.py", "absent.py", "presenters.py", "apps.py", "worklist_views.py"}


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


def app_graph(package: Path) -> dict[str, set[str]]:
    """Which apps each app imports, edge modules included."""
    graph: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package).parts
        if "migrations" in parts or len(parts) == 1:
            continue
        graph.setdefault(parts[0], set()).update(imports_of(path) - {parts[0]})
    return graph


def two_way(graph: dict[str, set[str]], floors: dict[str, int]) -> set[tuple[str, str]]:
    """Pairs of apps on one floor that import each other (the floors forbid the rest)."""
    return {
        (a, b)
        for a, others in graph.items()
        for b in others
        if a < b and a in graph.get(b, set()) and floors[a] == floors[b]
    }


def test_no_module_of_the_domain_imports_from_a_floor_above_it():
    assert upward_imports(PACKAGE, FLOORS) == set()


def test_no_two_apps_of_one_floor_import_each_other():
    assert two_way(app_graph(PACKAGE), FLOORS) == set()


def test_two_apps_of_one_floor_importing_each_other_are_caught(tmp_path):
    for app, other in (("reports", "outreach"), ("outreach", "reports")):
        (tmp_path / app).mkdir()
        (tmp_path / app / "views.py").write_text(f"from cancuoc.{other}.models import X\n")
    assert two_way(app_graph(tmp_path), FLOORS) == {("outreach", "reports")}


def test_an_upward_import_is_caught(tmp_path):
    (tmp_path / "geo").mkdir()
    (tmp_path / "geo" / "services.py").write_text("from cancuoc.registry.models import Person\n")
    (tmp_path / "geo" / "views.py").write_text("from cancuoc.registry.models import Person\n")
    assert upward_imports(tmp_path, FLOORS) == {"geo/services.py -> registry"}
