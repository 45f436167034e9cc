"""Imports run one way, along a graph of allowed dependencies (DESIGN.md, "Layers"), so no two apps import each other.

``USES`` names, for each app, the apps it may import directly; an app may also import whatever those may, all the way
down. Apps that do not exist yet have their entry already, so a new programme only adds its folder. A sibling link
lives in the higher app: ``meetings`` and ``network`` know ``cases``, ``cases`` knows neither, and ``network`` does
not know ``councils`` or ``meetings``.
"""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2] / "liaison"

USES: dict[str, set[str]] = {
    "lib": set(),
    "access": {"lib"},
    "audit": {"access"},
    "org": {"audit"},
    "findings": {"org"},  # the store every programme writes its findings into, read by each role's home page
    "people": {"findings"},
    "councils": {"people"},
    "cases": {"people", "org"},
    "meetings": {"councils", "cases"},
    "network": {"people", "cases"},
    "reports": {"councils", "cases", "meetings", "network"},
    # Rosters from Excel and CSV, recorded through the people, councils and network actions; reports and the
    # dashboard link to it by URL name only.
    "imports": {"councils", "network"},
    # What supervisors report: aggregates over every programme's records, drilling down to their lists.
    "figures": {"councils", "cases", "meetings", "network"},
    # In-app notifications and the daily digest of each officer's new to-do items.
    "notify": {"reports"},
    "dashboard": {"reports", "figures", "notify"},
    "demo": {"dashboard"},
}


def allowed(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Each app's allowed imports: what it uses directly and, through them, everything below."""
    closure = {}
    for app in graph:
        seen, todo = set(), list(graph[app])
        while todo:
            other = todo.pop()
            if other not in seen:
                seen.add(other)
                todo.extend(graph.get(other, ()))
        closure[app] = seen
    return closure


def _module_of(path: pathlib.Path, root: pathlib.Path) -> list[str]:
    """The dotted package of a module file, from the ``liaison`` package down (for relative imports)."""
    return ["liaison", *path.relative_to(root).parent.parts]


def imported_apps(path: pathlib.Path, root: pathlib.Path = ROOT) -> set[str]:
    """The ``liaison`` apps a module imports, absolute or relative (``from ..councils import x``), anywhere in it."""
    package = _module_of(path, root)
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                if node.module:
                    names = [".".join([*base, node.module])]
                else:
                    names = [".".join([*base, alias.name]) for alias in node.names]
            elif node.module:
                names = [node.module]
                if node.module == "liaison":
                    names = [f"liaison.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "liaison" and len(parts) > 1:
                apps.add(parts[1])
    return apps


def apps_on_disk(root: pathlib.Path = ROOT) -> set[str]:
    return {p.name for p in root.iterdir() if (p / "apps.py").exists()}


def apps_missing_from(graph: dict[str, set[str]], root: pathlib.Path = ROOT) -> set[str]:
    return apps_on_disk(root) - set(graph)


def forbidden_imports(root: pathlib.Path = ROOT, graph: dict[str, set[str]] = USES) -> list[str]:
    """Every import of an app the graph does not allow, as "<file> imports liaison.<app>" (tests and migrations aside:
    a test may build records of any app, and a migration names what it depends on)."""
    may_use = allowed(graph)
    apps = apps_on_disk(root) | set(graph)
    found = []
    for app in sorted(apps_on_disk(root) & set(graph)):
        for path in sorted((root / app).rglob("*.py")):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for other in sorted(imported_apps(path, root) - {app}):
                if other in apps and other not in may_use[app]:
                    found.append(f"{path.relative_to(root)} imports liaison.{other}")
    return found


def test_apps_import_only_what_the_layer_graph_allows():
    found = forbidden_imports()
    assert not found, "imports against the layers (see DESIGN.md, Layers):\n" + "\n".join(found)


def test_every_app_is_in_the_layer_graph():
    """A new app gets its place in ``USES`` before it is used: an app missing from the graph fails here."""
    missing = apps_missing_from(USES)
    assert not missing, f"apps missing from USES in config/tests/test_layers.py: {sorted(missing)}"


def test_the_layer_graph_is_closed_and_has_no_cycle():
    """Every app named as a dependency has an entry, and no app can reach itself (two apps never import each other)."""
    assert {other for uses in USES.values() for other in uses} <= set(USES)
    assert not [app for app, reach in allowed(USES).items() if app in reach]


def test_the_graph_says_what_design_md_says():
    may_use = allowed(USES)
    assert may_use["people"] == {"lib", "access", "audit", "org", "findings"}
    assert may_use["cases"] == may_use["people"] | {"people"}
    assert {"councils", "cases", "people"} <= may_use["meetings"] and "network" not in may_use["meetings"]
    assert {"people", "cases"} <= may_use["network"]
    assert "councils" not in may_use["network"] and "meetings" not in may_use["network"]
    assert "meetings" not in may_use["cases"] and "network" not in may_use["cases"]
    below_reports = set(USES) - {"reports", "dashboard", "demo", "imports", "figures", "notify"}
    assert may_use["reports"] == below_reports
    # The import stands beside reports: it uses the actions below it, and nothing imports it.
    assert may_use["imports"] == below_reports - {"meetings"} and "reports" not in may_use["imports"]
    assert may_use["figures"] == below_reports
    assert may_use["notify"] == below_reports | {"reports"}
    assert may_use["dashboard"] == below_reports | {"reports", "figures", "notify"}
    assert may_use["demo"] == below_reports | {"reports", "dashboard", "figures", "notify"}


def _app(root: pathlib.Path, name: str, **modules: str) -> None:
    folder = root / name
    (folder / "tests").mkdir(parents=True)
    (folder / "apps.py").write_text("", encoding="utf-8")
    for module, source in modules.items():
        (folder / f"{module}.py").write_text(source, encoding="utf-8")


def test_the_checker_refuses_a_forbidden_import_between_siblings(tmp_path):
    """The checker on a small made-up tree: a network module importing councils or meetings, or cases importing
    network, is caught however it is written; what the graph allows, and imports in tests, pass."""
    root = tmp_path / "liaison"
    _app(root, "lib", dates="import datetime\n")
    _app(root, "people", models="from liaison.lib import dates\n")
    _app(root, "councils", models="from liaison.people.models import Person\n")
    _app(root, "cases", models="from liaison.people import models\n", links="from ..network import models\n")
    _app(root, "meetings", models="from liaison.cases.models import Case\nfrom liaison.councils import models\n")
    _app(
        root,
        "network",
        models="from liaison.cases.models import Case\n",
        views="def f():\n    from liaison.councils.models import Council\n",
        forms="import liaison.meetings.models\n",
        rules="from liaison import meetings\n",
    )
    (root / "network" / "tests" / "test_x.py").write_text("from liaison.councils import models\n", encoding="utf-8")
    graph = {
        "lib": set(),
        "people": {"lib"},
        "councils": {"people"},
        "cases": {"people"},
        "meetings": {"councils", "cases"},
        "network": {"people", "cases"},
    }
    assert forbidden_imports(root, graph) == [
        "cases/links.py imports liaison.network",
        "network/forms.py imports liaison.meetings",
        "network/rules.py imports liaison.meetings",
        "network/views.py imports liaison.councils",
    ]
    graph["network"] |= {"councils", "meetings"}
    assert forbidden_imports(root, graph) == ["cases/links.py imports liaison.network"]


def test_the_checker_notices_an_app_missing_from_the_graph(tmp_path):
    root = tmp_path / "liaison"
    _app(root, "lib")
    _app(root, "patrols", models="from liaison.lib import dates\n")
    assert apps_missing_from({"lib": set()}, root) == {"patrols"}
    assert not apps_missing_from({"lib": set(), "patrols": {"lib"}}, root)
