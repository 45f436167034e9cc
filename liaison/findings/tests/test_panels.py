"""Home-page panels: programmes register them; the dashboard renders them without importing any programme."""

import ast
import pathlib

import pytest

from liaison.findings import panels

pytestmark = pytest.mark.django_db

DASHBOARD = pathlib.Path(__file__).resolve().parents[2] / "dashboard"
PROGRAMMES = {"people", "councils", "cases", "meetings", "network", "reports"}


def test_the_dashboard_imports_no_programme():
    """The home page knows the panels, not the programmes behind them (councils, and next meetings, network …)."""
    imported = set()
    for path in DASHBOARD.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("liaison."):
                imported.add(node.module.split(".")[1])
    assert not imported & PROGRAMMES, imported


def test_a_registered_panel_appears_on_the_home_page_and_none_leaves_it_out(world, client_for):
    """A programme adds a figure by registering it; a context of None (the user may not see it) leaves it out."""

    def figure(request, officer):
        return {"count": 4321} if officer.role == "station_chief" else None

    panels.register("test.figure", "councils/home_figure.html", figure, kind=panels.FIGURE, order=1)
    try:
        assert "4321" in client_for("station_chief").get("/").content.decode()
        assert "4321" not in client_for("koban_staff").get("/").content.decode()
    finally:
        panels.unregister("test.figure")
    assert "4321" not in client_for("station_chief").get("/").content.decode()


def test_councils_register_their_figure_and_to_do_list():
    keys = [p.key for p in panels.registered()]
    assert "councils.figure" in keys and "councils.todo" in keys
    # The councils' card comes first; the figures page's card (liaison.figures) follows it.
    assert [p.key for p in panels.registered(panels.FIGURE)] == ["councils.figure", "figures.figure"]
    with pytest.raises(ValueError):
        panels.register("test.bad", "x.html", lambda r, o: {}, kind="sidebar")
