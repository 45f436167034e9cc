"""Project rules that no linter knows, checked on the source (AST) of ``liaison/**``; tests and migrations aside.

``unscoped-get``
    A views module fetches one object only through ``liaison/access/policy.py`` (``get_visible_or_404``,
    ``visible_to(...).get``): a ``Model.objects[...].get(...)`` or ``get_object_or_404(...)`` there would open
    another station's record by its id (station isolation, 404 for the others' objects).
``csrf-exempt``
    No ``csrf_exempt`` anywhere: every form and every htmx request carries the CSRF token.
``mark-safe``
    ``mark_safe(...)`` and ``SafeString(...)`` only around a literal: anything else might carry stored data (a
    resident's name, a note) into the page unescaped. ``format_html`` escapes its arguments and is the way.

A deliberate exception is listed in ``ALLOWED`` with its file, its rule and why it is safe; an entry that no longer
matches anything fails too, so the list does not outlive its reasons.
"""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2] / "liaison"

# (file relative to liaison/, rule) → why it is safe.
ALLOWED: dict[tuple[str, str], str] = {
    ("dashboard/views.py", "unscoped-get"): (
        "home reads the figures on the logged-in officer's own row, whose pk comes from the session, not the request"
    ),
    ("network/views/info.py", "unscoped-get"): (
        "info_attachment reads the attachment by id and then answers 404 unless visible_to(SafetyInfo) holds its "
        "item or a copy passed on to the user's kobans, a rule a single queryset lookup does not express"
    ),
    ("lib/templatetags/charts.py", "mark-safe"): (
        "the chart's SVG is built by liaison/lib/charts.py, which escapes every label and number it writes "
        "(test_charts.py plants <script> and & in labels)"
    ),
    ("lib/templatetags/options.py", "mark-safe"): (
        "the options are joined from values and labels each escaped as conditional_escape does "
        "(test_options_tag.py compares it with conditional_escape for quotes, ampersands, tags and safe labels)"
    ),
}

_MANAGERS = {"objects", "_default_manager", "_base_manager"}
_GETTERS_404 = {"get_object_or_404", "get_list_or_404"}
_SAFE_MAKERS = {"mark_safe", "SafeString"}


def _is_views_module(path: pathlib.Path) -> bool:
    return path.name.startswith("views") or "views" in path.parts


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _reaches_manager(node: ast.expr) -> bool:
    """Whether a chain like ``Model.objects.select_related(...).filter(...)`` starts at a model's manager."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr in _MANAGERS:
                return True
            node = node.value
        else:
            return False


def _is_literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def violations_in(path: pathlib.Path, root: pathlib.Path) -> list[tuple[str, str, str]]:
    """(file, rule, "line: what") for every breach of the rules in one module."""
    relative = path.relative_to(root).as_posix()
    views = _is_views_module(path.relative_to(root))
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and any(alias.name == "csrf_exempt" for alias in node.names):
            found.append((relative, "csrf-exempt", f"{node.lineno}: imports csrf_exempt"))
        elif isinstance(node, ast.Attribute) and node.attr == "csrf_exempt":
            found.append((relative, "csrf-exempt", f"{node.lineno}: uses csrf_exempt"))
        elif isinstance(node, ast.Name) and node.id == "csrf_exempt" and isinstance(node.ctx, ast.Load):
            found.append((relative, "csrf-exempt", f"{node.lineno}: uses csrf_exempt"))
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node.func)
        if views and name == "get" and isinstance(node.func, ast.Attribute) and _reaches_manager(node.func.value):
            found.append((relative, "unscoped-get", f"{node.lineno}: {ast.unparse(node.func)}(...)"))
        elif views and name in _GETTERS_404:
            found.append((relative, "unscoped-get", f"{node.lineno}: {name}(...)"))
        elif name in _SAFE_MAKERS and not (len(node.args) == 1 and _is_literal(node.args[0]) and not node.keywords):
            found.append((relative, "mark-safe", f"{node.lineno}: {name}() of something other than a literal"))
    return found


def violations(root: pathlib.Path = ROOT) -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if "tests" in parts or "migrations" in parts:
            continue
        found.extend(violations_in(path, root))
    return found


def breaches(root: pathlib.Path = ROOT, allowed: dict = ALLOWED) -> list[str]:
    return [f"{file}:{where} [{rule}]" for file, rule, where in violations(root) if (file, rule) not in allowed]


def test_the_code_keeps_the_project_rules():
    found = breaches()
    assert not found, "project rules broken (see config/tests/test_project_rules.py):\n" + "\n".join(found)


def test_every_allowed_exception_still_matches_something():
    used = {(file, rule) for file, rule, _where in violations()}
    stale = set(ALLOWED) - used
    assert not stale, f"remove these entries from ALLOWED, nothing matches them any more: {sorted(stale)}"


# --- each rule proven on a planted breach -----------------------------------------------------------------------


def _module(root: pathlib.Path, relative: str, source: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")


def test_unscoped_gets_in_views_are_caught_and_scoped_ones_pass(tmp_path):
    """X2 station isolation: a view that fetches by id without the access module is reported, in any views module
    and however the queryset is built; the same lookups outside views, and through the policy, pass."""
    root = tmp_path / "liaison"
    _module(
        root,
        "cases/views.py",
        "def a(request, pk):\n"
        "    return Case.objects.get(pk=pk)\n"
        "def b(request, pk):\n"
        "    return Case.objects.select_related('station').filter(open=True).get(pk=pk)\n"
        "def c(request, pk):\n"
        "    return get_object_or_404(Case, pk=pk)\n"
        "def d(request, pk):\n"
        "    return get_visible_or_404(request.user, Case.objects.select_related('station'), pk=pk)\n"
        "def e(request, pk):\n"
        "    return visible_to(request.user, Case).get(pk=pk), request.GET.get('q'), {}.get('x')\n",
    )
    _module(root, "network/views/info.py", "def f(request, pk):\n    return Item._default_manager.get(id=pk)\n")
    _module(root, "cases/actions.py", "def g(pk):\n    return Case.objects.get(pk=pk)\n")
    _module(root, "cases/tests/test_views.py", "def test():\n    Case.objects.get(pk=1)\n")
    assert breaches(root, {}) == [
        "cases/views.py:2: Case.objects.get(...) [unscoped-get]",
        "cases/views.py:4: Case.objects.select_related('station').filter(open=True).get(...) [unscoped-get]",
        "cases/views.py:6: get_object_or_404(...) [unscoped-get]",
        "network/views/info.py:2: Item._default_manager.get(...) [unscoped-get]",
    ]
    assert (
        breaches(root, {("cases/views.py", "unscoped-get"): "why", ("network/views/info.py", "unscoped-get"): ""}) == []
    )


def test_csrf_exempt_is_caught_anywhere(tmp_path):
    root = tmp_path / "liaison"
    _module(root, "lib/hooks.py", "from django.views.decorators.csrf import csrf_exempt\n")
    _module(root, "notify/views.py", "import django.views.decorators.csrf as c\nview = c.csrf_exempt(view)\n")
    _module(root, "people/urls.py", "def f(csrf_exempt=None):\n    pass\n")  # a parameter named so is no use
    assert breaches(root, {}) == [
        "lib/hooks.py:1: imports csrf_exempt [csrf-exempt]",
        "notify/views.py:2: uses csrf_exempt [csrf-exempt]",
    ]


def test_mark_safe_of_anything_but_a_literal_is_caught(tmp_path):
    """Stored data never reaches a page unescaped: mark_safe/SafeString of a variable, an f-string or a join are
    reported; of a literal they pass."""
    root = tmp_path / "liaison"
    _module(
        root,
        "people/templatetags/names.py",
        "from django.utils.safestring import SafeString, mark_safe\n"
        "A = mark_safe(' selected')\n"
        "def name(person):\n"
        "    return mark_safe(person.name)\n"
        "def note(person):\n"
        "    return SafeString(f'<b>{person.note}</b>')\n"
        "def both(a, b):\n"
        "    return safestring.mark_safe('<br>'.join([a, b]))\n"
        "def typed() -> SafeString:\n"
        "    return SafeString('<hr>')\n",
    )
    assert breaches(root, {}) == [
        "people/templatetags/names.py:4: mark_safe() of something other than a literal [mark-safe]",
        "people/templatetags/names.py:6: SafeString() of something other than a literal [mark-safe]",
        "people/templatetags/names.py:8: mark_safe() of something other than a literal [mark-safe]",
    ]
