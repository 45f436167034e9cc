"""Writes go through actions (DESIGN.md, "Habits"): screens never open a transaction nor write a model that has one.

A screen module (``views.py``, a ``views/`` package, ``sections.py``, ``forms.py``) that needs two writes in one
transaction calls one action that does both (``person_record_and_appoint``); a model write the checker can attribute
to an app with ``actions.py`` belongs in that app's actions; ``.save()`` and ``.delete()`` are refused whatever they
are called on.
"""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2] / "liaison"

QUERY_WRITES = {"create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
INSTANCE_WRITES = {"save", "delete"}
SCREEN_MODULES = ("views.py", "sections.py", "forms.py")


def screen_modules(root: pathlib.Path = ROOT) -> list[pathlib.Path]:
    found = []
    for app in sorted(p for p in root.iterdir() if (p / "apps.py").exists()):
        found += [app / name for name in SCREEN_MODULES if (app / name).exists()]
        if (app / "views").is_dir():
            found += sorted((app / "views").rglob("*.py"))
    return found


def apps_with_actions(root: pathlib.Path = ROOT) -> set[str]:
    return {p.parent.name for p in root.glob("*/actions.py")} | {p.parent.name for p in root.glob("*/actions/")}


def _absolute(node: ast.ImportFrom, package: list[str]) -> str:
    if not node.level:
        return node.module or ""
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _model_apps(tree: ast.Module, package: list[str]) -> dict[str, str]:
    """Names bound to a model class or to a ``models`` module, mapped to the app that defines it."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            parts = _absolute(node, package).split(".")
            for alias in node.names:
                bound = alias.asname or alias.name
                if len(parts) == 3 and parts[0] == "liaison" and parts[2] == "models":
                    names[bound] = parts[1]
                elif len(parts) == 2 and parts[0] == "liaison" and alias.name == "models":
                    names[bound] = parts[1]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if alias.asname and len(parts) == 3 and parts[0] == "liaison" and parts[2] == "models":
                    names[alias.asname] = parts[1]
    return names


def _root_name(node: ast.AST) -> str | None:
    """``Notice`` for ``Notice.objects.filter(pk=1).update``: the name a chain of attributes and calls starts from."""
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def writes_in(path: pathlib.Path, root: pathlib.Path = ROOT, with_actions: set[str] | None = None) -> list[str]:
    """Each transaction opened and each write a screen module makes, as "<file>:<line> <what>"."""
    with_actions = apps_with_actions(root) if with_actions is None else with_actions
    tree = ast.parse(path.read_text(encoding="utf-8"))
    models = _model_apps(tree, ["liaison", *path.relative_to(root).parent.parts])
    where = path.relative_to(root)
    found = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.ImportFrom) and _absolute(node, []) == "django.db":
            if any(alias.name == "transaction" for alias in node.names):
                found.append((line, f"{where}:{line} imports django.db.transaction"))
        elif isinstance(node, ast.ImportFrom | ast.Import):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            names = [module] if module else [alias.name for alias in node.names]
            if "django.db.transaction" in names:
                found.append((line, f"{where}:{line} imports django.db.transaction"))
        elif isinstance(node, ast.Attribute) and node.attr == "atomic":
            found.append((line, f"{where}:{line} opens a transaction"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method in INSTANCE_WRITES:
                found.append((line, f"{where}:{line} calls .{method}()"))
            elif method in QUERY_WRITES:
                app = models.get(_root_name(node.func.value) or "")
                if app in with_actions:
                    found.append((line, f"{where}:{line} calls .{method}() on a model of {app}, which has actions"))
    return [text for _line, text in sorted(found)]


def test_no_screen_opens_a_transaction_or_writes_a_model_that_has_actions():
    found = [line for path in screen_modules() for line in writes_in(path)]
    assert not found, "move these into the app's actions.py (one action per user intent):\n" + "\n".join(found)


def test_the_screens_are_checked():
    checked = {str(p.relative_to(ROOT)) for p in screen_modules()}
    assert {"councils/views.py", "reports/views.py", "people/views.py", "people/sections.py"} <= checked
    assert {"councils", "people", "org", "reports"} <= apps_with_actions()


def test_the_checker_finds_transactions_and_writes_in_a_made_up_view(tmp_path):
    """The checker on a small made-up tree: transactions however they are opened, instance saves and deletes, and
    query writes on models of apps with actions are caught; a dict's update and a model without actions pass."""
    root = tmp_path / "liaison"
    for app in ("shop", "notes"):
        (root / app).mkdir(parents=True)
        (root / app / "apps.py").write_text("", encoding="utf-8")
    (root / "shop" / "actions.py").write_text("", encoding="utf-8")
    view = root / "notes" / "views.py"
    view.write_text(
        "from django.db import transaction\n"  # 1
        "from django.db.transaction import atomic\n"  # 2
        "from liaison.shop.models import Order\n"  # 3
        "from liaison.shop import models as shop_models\n"  # 4
        "from .models import Note\n"  # 5
        "@transaction.atomic\n"  # 6
        "def a(request, form, order):\n"  # 7
        "    with transaction.atomic():\n"  # 8
        "        Order.objects.filter(pk=1).update(paid=True)\n"  # 9
        "    shop_models.Order.objects.create(total=1)\n"  # 10
        "    Order.objects.get_or_create(pk=2)\n"  # 11
        "    order.save()\n"  # 12
        "    form.save()\n"  # 13
        "    order.delete()\n"  # 14
        "    Note.objects.create(text='a note of an app without actions')\n"  # 15
        "    context = {}\n"  # 16
        "    context.update(order=order)\n",  # 17
        encoding="utf-8",
    )
    assert screen_modules(root) == [view]
    assert apps_with_actions(root) == {"shop"}
    assert writes_in(view, root) == [
        "notes/views.py:1 imports django.db.transaction",
        "notes/views.py:2 imports django.db.transaction",
        "notes/views.py:6 opens a transaction",
        "notes/views.py:8 opens a transaction",
        "notes/views.py:9 calls .update() on a model of shop, which has actions",
        "notes/views.py:10 calls .create() on a model of shop, which has actions",
        "notes/views.py:11 calls .get_or_create() on a model of shop, which has actions",
        "notes/views.py:12 calls .save()",
        "notes/views.py:13 calls .save()",
        "notes/views.py:14 calls .delete()",
    ]
