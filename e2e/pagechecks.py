"""Checks the browser tests run inside a page: layout on tablets (e2e/layout_checks.js) and axe-core.

axe-core comes from the ``axe-playwright-python`` package (it ships ``axe.min.js``; the police network is closed,
so nothing is fetched at run time). Both are injected with ``page.evaluate``, which the pages' Content Security
Policy (scripts from 'self' only) does not govern.
"""

from pathlib import Path

from axe_playwright_python.base import AXE_SCRIPT

LAYOUT_CHECKS = (Path(__file__).parent / "layout_checks.js").read_text(encoding="utf-8")

# "Needs review" items of these impacts fail the test, as violations of any impact do.
BLOCKING_IMPACTS = {"serious", "critical"}


def layout_problems(page, *, scroll: bool = True) -> list[str]:
    """Targets under 44×44 px, words broken inside table cells, and (``scroll``) anything that scrolls sideways."""
    page.evaluate(LAYOUT_CHECKS)
    problems = page.evaluate("window.layoutChecks.smallTargets()") + page.evaluate("window.layoutChecks.brokenWords()")
    if scroll:
        problems += page.evaluate("window.layoutChecks.horizontalScroll()")
    return problems


def axe_problems(page) -> list[str]:
    """axe-core's violations, and its "needs review" items of serious or critical impact, one line per node."""
    page.evaluate(AXE_SCRIPT)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations', 'incomplete']})")
    found = []
    for kind, items in (("violation", results["violations"]), ("needs review", results["incomplete"])):
        for item in items:
            if kind == "needs review" and item["impact"] not in BLOCKING_IMPACTS:
                continue
            for node in item["nodes"]:
                if kind == "needs review" and item["id"] == "color-contrast" and node["html"].startswith("<text"):
                    # Text in a chart's inline SVG: axe takes the <svg> for an image and cannot find the background
                    # (or calls a bar's number "too short"), so it can only ask. liaison/lib/charts.py draws every
                    # text in dark ink on white, which liaison/lib/tests/test_charts.py checks instead.
                    continue
                summary = (node.get("failureSummary") or "").replace("\n", " ")
                found.append(f"{kind} {item['id']} ({item['impact']}) at {node['target']}: {summary}")
    return found
