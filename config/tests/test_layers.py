"""Imports run one way, downwards: an app never imports an app above it, so no two apps import each other."""

import ast
import pathlib

LAYERS = ["lib", "access", "audit", "org", "findings", "people", "councils", "reports", "dashboard", "demo"]
ROOT = pathlib.Path(__file__).resolve().parents[2] / "liaison"


def _imported_apps(path: pathlib.Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "liaison" and len(parts) > 1:
                apps.add(parts[1])
    return apps


def test_apps_import_only_the_layers_below_them():
    upward = []
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for other in _imported_apps(path) - {app, "testing"}:
                if other in LAYERS and LAYERS.index(other) > LAYERS.index(app):
                    upward.append(f"{path.relative_to(ROOT)} imports liaison.{other}")
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def test_every_app_has_a_layer():
    apps = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()}
    assert apps == set(LAYERS)
