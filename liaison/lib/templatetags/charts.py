"""``{% load charts %}{% chart some_chart %}``: a chart of :mod:`liaison.lib.charts` on a page — the SVG in a
``<figure>``, then the same numbers as a table (what a screen reader reads), with a link that exports them to Excel
when the view answers ``?chart=<key>&format=xlsx`` (``{% chart some_chart export=True %}``, see ``charts.asked``)."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from liaison.lib.charts import cell_text

register = template.Library()


def _next_number(context) -> int:
    """The chart's number on this page (1, 2, …), so the ids of two charts never meet, even two of the same key."""
    holder = context.get("request") or context.render_context
    if isinstance(holder, template.context.RenderContext):
        count = holder.get("chart_count", 0) + 1
        holder["chart_count"] = count
        return count
    count = getattr(holder, "chart_count", 0) + 1
    holder.chart_count = count
    return count


@register.simple_tag(takes_context=True)
def chart(context, chart, export=False):
    prefix = f"chart-{chart.key}-{_next_number(context)}"
    request = context.get("request")
    export_url = ""
    if export and request is not None:
        query = request.GET.copy()
        for key in ("page", "format", "encoding", "chart"):
            query.pop(key, None)
        query["chart"], query["format"] = chart.key, "xlsx"
        export_url = f"{request.path}?{query.urlencode()}"
    rows = [
        [
            (header, cell_text(cell), numeric)
            for header, cell, numeric in zip(chart.headers, row, chart.numeric, strict=True)
        ]
        for row in chart.rows
    ]
    html = render_to_string(
        "lib/chart.html",
        {
            "chart": chart,
            "prefix": prefix,
            # Every label and number in the SVG is escaped by liaison/lib/charts.py (tested with <script> and &).
            "svg": mark_safe(chart.svg(prefix)),  # noqa: S308  # nosec B308 B703
            "headers": list(zip(chart.headers, chart.numeric, strict=True)),
            "rows": rows,
            "export_url": export_url,
        },
    )
    return html  # render_to_string gives a SafeString: the template autoescapes
