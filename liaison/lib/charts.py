"""Charts drawn on the server as SVG (issue 13): bars by month against a plan, stacked bars of shares, grouped bars.

The police network is closed (no CDN) and the pages send ``style-src 'self'`` and ``script-src 'self'``, so a chart is
plain SVG markup made here: presentation attributes only (``fill``, ``stroke``, ``font-size``), no ``style``, no
script; the page's look comes from ``static/css/app.css`` (``figure.chart``), which also fits it to A4 in print.

* **Black and white.** Each series is a fill pattern (hatching, dots, a grid, solid…) over its own grey, with dark
  strokes, so a chart printed on a monochrome office printer still tells the series apart; and every bar carries its
  number (and a stacked segment or a grouped bar its name too), so no colour legend is needed to read it.
* **Accessible.** The SVG is ``role="img"`` named by its ``<title>`` and ``<desc>`` (a summary in words); the same
  numbers follow as an HTML table (``{% chart %}`` in ``lib/templatetags/charts.py``), which is also what the chart
  exports to Excel through :mod:`liaison.lib.exports` (``Chart.table()`` / ``Chart.rows``, see :func:`asked`).
* **Escaped.** Labels come from the database: every one is escaped here, characters XML cannot hold are dropped, and
  a label too long for its place is cut with "…" and keeps its whole text as a ``<title>`` tooltip.
* **Values.** Zero draws nothing (the number still shows), very large numbers shorten to 万/億 where the full one does
  not fit (the table keeps it whole), a negative or non-finite value is refused (``ValueError``), and a chart with
  nothing above zero draws an empty frame with "データなし".

Pattern and element ids start with the prefix the template tag gives each chart on a page, so two charts never share
an id.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from django.utils.translation import gettext as _

from liaison.lib.exports import FORMATS, Column, Table

__all__ = ["Chart", "asked", "cell_text", "grouped_bars", "monthly_bars", "share_bars"]

WIDTH = 640  # the viewBox's width; the stylesheet scales it to the column (and to 180 mm on A4)
INK = "#1b1f24"  # strokes and text: dark, so they print on any printer
GRID = "#c4cad3"
FONT = "Noto Sans CJK JP, IPAexGothic, Hiragino Sans, Yu Gothic, sans-serif"

# Fill of each series in turn: a grey of its own and marks drawn over it in an 8×8 tile. Neighbouring series differ in
# both, so they stay apart on a grey-scale print and for readers who do not see colour. Past eight, they repeat.
PATTERNS: tuple[tuple[str, str], ...] = (
    ("#bdbdbd", f'<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{INK}" stroke-width="1.2"/>'),  # ／ hatching
    ("#ffffff", f'<circle cx="2" cy="2" r="1.3" fill="{INK}"/><circle cx="6" cy="6" r="1.3" fill="{INK}"/>'),  # dots
    ("#e6e6e6", f'<path d="M0,4 h8 M4,0 v8" stroke="{INK}" stroke-width="1"/>'),  # grid
    ("#595959", ""),  # solid dark
    ("#ffffff", f'<path d="M0,2 h8 M0,6 h8" stroke="{INK}" stroke-width="1"/>'),  # horizontal lines
    ("#8c8c8c", '<path d="M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4" stroke="#ffffff" stroke-width="1.2"/>'),  # ＼ white
    ("#d9d9d9", f'<path d="M2,0 v8 M6,0 v8" stroke="{INK}" stroke-width="1"/>'),  # vertical lines
    ("#f2f2f2", ""),  # plain light
)

# Characters XML 1.0 cannot hold (a stored label with one would make the whole SVG unreadable); tabs and line breaks
# become spaces.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[\t\r\n]+")


# --- values and text ----------------------------------------------------------------------------------------------


def _value(raw) -> int | float:
    """A drawable number: None is 0; a negative, infinite or non-number value is refused."""
    if raw is None:
        return 0
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        raise ValueError(f"グラフの値は数値で指定してください: {raw!r}")
    value = int(raw) if isinstance(raw, int) else float(raw)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"グラフの値は0以上の有限の数でなければなりません: {raw!r}")
    return value


def _number(value: float) -> str:
    """1234 → 1,234; a fraction keeps one decimal."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def cell_text(value) -> str:
    """A table cell as the page shows it: numbers with thousands separators, text as it is."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _number(value)
    return str(value)


def _short(value: float) -> str:
    """A large number in 万 and 億 (1,234,567 → 123万), for a label with no room for every digit."""
    for size, unit in ((100_000_000, "億"), (10_000, "万")):
        if value >= size:
            shown = value / size
            return (f"{shown:.1f}".rstrip("0").rstrip(".") if shown < 100 else f"{shown:,.0f}") + unit
    return _number(value)


def _clean(text) -> str:
    return _NOT_XML.sub("", _SPACES.sub(" ", str(text)))


def _esc(text) -> str:
    return html.escape(_clean(text), quote=True)


def _text_width(text: str, size: float) -> float:
    """The width a line of text takes, estimated: a full-width character (kanji, kana) is one em, others about
    0.6 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.6 for c in text)


def _fit(text, size: float, width: float) -> tuple[str, bool]:
    """The text cut with "…" to fit ``width`` (and whether it was cut)."""
    text = _clean(text)
    if _text_width(text, size) <= width:
        return text, False
    while text and _text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…", True


def _label(text, *, x: float, y: float, size: float, width: float, anchor: str = "start", cls: str = "") -> str:
    """A text element fitted to ``width``; a cut one is wrapped in a group whose ``<title>`` holds the whole text."""
    shown, cut = _fit(text, size, width)
    klass = f' class="{cls}"' if cls else ""
    element = (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{INK}"{klass}>'
        f"{html.escape(shown, quote=True)}</text>"
    )
    return f"<g><title>{_esc(text)}</title>{element}</g>" if cut else element


def _ticks(top: float, whole: bool) -> list[float]:
    """Round steps from 0 up to ``top`` or just beyond (1, 2 or 5 times a power of ten; whole steps for counts)."""
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if whole:
        step = max(1, round(step))
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def _percent(part: float, whole: float) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


# --- the chart ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """A chart ready to draw: its ``key`` (unique on its page; the export asks for it by this), its title, a summary in
    words, the SVG it draws, and the same numbers as a table (``headers``, ``rows``; ``numeric`` says which columns
    hold numbers)."""

    key: str
    title: str
    summary: str
    headers: tuple[str, ...]
    rows: tuple[tuple, ...]
    numeric: tuple[bool, ...]
    draw: Callable[[str], tuple[str, float]]  # prefix → the SVG's inner elements and its height
    empty: bool = False

    def svg(self, prefix: str) -> str:
        """The whole ``<svg>`` element; every id in it starts with ``prefix``."""
        prefix = re.sub(r"[^A-Za-z0-9_-]", "-", prefix)
        body, height = self.draw(prefix)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} {height:.0f}" '
            f'width="{WIDTH}" height="{height:.0f}" role="img" aria-labelledby="{prefix}-title {prefix}-desc" '
            f'font-family="{FONT}">'
            f'<title id="{prefix}-title">{_esc(self.title)}</title><desc id="{prefix}-desc">{_esc(self.summary)}</desc>'
            f"{body}</svg>"
        )

    def table(self) -> Table:
        """The chart's numbers as an export table (its rows are :attr:`rows`)."""
        columns = [
            Column(str(title), 14 if index else 24, itemgetter(index)) for index, title in enumerate(self.headers)
        ]
        return Table(title=str(self.title), columns=columns, landscape=False)


def asked(request, *charts: Chart) -> Chart | None:
    """The chart whose numbers the request asks for as a file (``?chart=<key>&format=xlsx`` or ``csv``), if any."""
    if request.GET.get("format") not in FORMATS:
        return None
    key = request.GET.get("chart")
    return next((chart for chart in charts if chart.key == key), None)


def _defs(prefix: str, count: int) -> str:
    tiles = "".join(
        f'<pattern id="{prefix}-s{i}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{PATTERNS[i % len(PATTERNS)][0]}"/>{PATTERNS[i % len(PATTERNS)][1]}'
        "</pattern>"
        for i in range(count)
    )
    return f"<defs>{tiles}</defs>"


def _fill(prefix: str, index: int) -> str:
    return f'fill="url(#{prefix}-s{index})" stroke="{INK}" stroke-width="1"'


def _no_data(height: float = 120) -> tuple[str, float]:
    """An empty frame with "データなし" (nothing above zero to draw)."""
    return (
        f'<rect x="1" y="1" width="{WIDTH - 2}" height="{height - 2:.0f}" fill="#ffffff" stroke="{GRID}" '
        f'stroke-dasharray="4 3"/><text x="{WIDTH / 2:.0f}" y="{height / 2 + 6:.0f}" font-size="16" '
        f'text-anchor="middle" fill="{INK}" class="no-data">{_esc(_("データなし"))}</text>',
        height,
    )


def _halo(text: str, *, cx: float, y: float, size: float) -> str:
    """A label centred on ``cx`` over a white box, readable on any pattern."""
    width = _text_width(text, size) + 6
    return (
        f'<rect x="{cx - width / 2:.1f}" y="{y - size:.1f}" width="{width:.1f}" height="{size + 4:.1f}" '
        f'fill="#ffffff" stroke="none"/>'
        f'<text x="{cx:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="middle" fill="{INK}" class="value">'
        f"{_esc(text)}</text>"
    )


# --- vertical bars by month ---------------------------------------------------------------------------------------


def monthly_bars(
    key: str,
    title: str,
    *,
    labels: Sequence[str],
    values: Sequence,
    targets: Sequence | None = None,
    unit: str = "件",
    category_title: str | None = None,
    value_title: str | None = None,
    target_title: str | None = None,
) -> Chart:
    """Vertical bars, one per month (or any category), each with its number above it; ``targets`` (None for a month
    without one) draws a dashed plan marker across the bar — meetings held against plan."""
    category_title = category_title or _("月")
    value_title = value_title or _("件数")
    target_title = target_title or _("計画")
    counts = [_value(v) for v in values]
    if len(counts) != len(labels):
        raise ValueError("ラベルと値の数が合いません。")
    plan = [None if t is None else _value(t) for t in targets] if targets is not None else None
    if plan is not None and len(plan) != len(labels):
        raise ValueError("ラベルと計画の数が合いません。")
    top = max([*counts, *(t for t in plan or () if t is not None)], default=0)
    whole = all(float(v).is_integer() for v in [*counts, *(t for t in plan or () if t is not None)])

    def draw(prefix: str) -> tuple[str, float]:
        if top <= 0:
            return _no_data()
        ticks = _ticks(top, whole)
        axis = ticks[-1]
        tick_text = _short if axis >= 100_000 else _number  # 5,000万, 1億 rather than nine digits
        left = 10 + max(_text_width(tick_text(t), 11) for t in ticks) + 6
        x0, x1, y0, y1 = left, WIDTH - 12, 40.0, 240.0
        band = (x1 - x0) / len(counts)
        bar = min(band * 0.6, 48)
        parts = [_defs(prefix, 1)]
        parts.append(_label(f"{value_title}（{unit}）", x=8, y=18, size=12, width=x1 / 2, cls="axis-title"))
        for tick in ticks:
            y = y1 - tick / axis * (y1 - y0)
            parts.append(f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
            parts.append(
                f'<text x="{x0 - 4:.1f}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="{INK}">'
                f"{tick_text(tick)}</text>"
            )
        if plan is not None:  # the marker's key: a shape, not a colour
            parts.append(
                f'<line x1="{x1 - 110:.1f}" y1="14" x2="{x1 - 80:.1f}" y2="14" stroke="{INK}" stroke-width="2.5" '
                f'stroke-dasharray="5 3"/>'
            )
            parts.append(_label(target_title, x=x1 - 74, y=18, size=12, width=74))
        for i, (name, count) in enumerate(zip(labels, counts, strict=True)):
            x = x0 + i * band + (band - bar) / 2
            height = count / axis * (y1 - y0)
            parts.append(
                f'<rect class="bar" data-value="{count}" x="{x:.2f}" y="{y1 - height:.2f}" width="{bar:.2f}" '
                f'height="{height:.2f}" {_fill(prefix, 0)}/>'
            )
            above = y1 - height
            target = plan[i] if plan is not None else None
            if target is not None:
                ty = y1 - target / axis * (y1 - y0)
                parts.append(
                    f'<line class="target" data-value="{target}" x1="{x - band * 0.15:.2f}" y1="{ty:.2f}" '
                    f'x2="{x + bar + band * 0.15:.2f}" y2="{ty:.2f}" stroke="{INK}" stroke-width="2.5" '
                    f'stroke-dasharray="5 3"/>'
                )
            text, size = _number(count), 11.0
            if _text_width(text, size) > band - 2:
                text = _short(count)
            if _text_width(text, size) > band - 2:
                size = 9.0
            if target is not None:  # the number stays on its bar; a white box keeps it apart from a plan marker
                parts.append(_halo(text, cx=x + bar / 2, y=above - 4, size=size))
            else:
                parts.append(
                    f'<text class="value" x="{x + bar / 2:.1f}" y="{above - 4:.1f}" font-size="{size}" '
                    f'text-anchor="middle" fill="{INK}">{_esc(text)}</text>'
                )
            parts.append(_label(name, x=x + bar / 2, y=y1 + 16, size=11, width=band - 2, anchor="middle"))
        parts.append(f'<line x1="{x0:.1f}" y1="{y1:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="{INK}"/>')
        parts.append(f'<line x1="{x0:.1f}" y1="{y0 - 6:.1f}" x2="{x0:.1f}" y2="{y1:.1f}" stroke="{INK}"/>')
        parts.append(
            _label(
                category_title, x=(x0 + x1) / 2, y=y1 + 36, size=12, width=x1 - x0, anchor="middle", cls="axis-title"
            )
        )
        return "".join(parts), y1 + 46

    total = sum(counts)
    if top <= 0:
        summary = _("データなし")
    else:
        most = max(range(len(counts)), key=lambda i: counts[i])
        summary = _("合計%(total)s%(unit)s。最も多いのは%(label)sの%(value)s%(unit)s。") % {
            "total": _number(total),
            "unit": unit,
            "label": _clean(labels[most]),
            "value": _number(counts[most]),
        }
        if plan is not None:
            planned = sum(t for t in plan if t is not None)
            summary += _("計画は合計%(plan)s%(unit)s。") % {"plan": _number(planned), "unit": unit}
    headers = [category_title, f"{value_title}（{unit}）"]
    rows = [[_clean(name), count] for name, count in zip(labels, counts, strict=True)]
    if plan is not None:
        headers.append(f"{target_title}（{unit}）")
        for row, target in zip(rows, plan, strict=True):
            row.append("" if target is None else target)
    return Chart(
        key=key,
        title=title,
        summary=summary,
        headers=tuple(headers),
        rows=tuple(tuple(r) for r in rows),
        numeric=(False, *([True] * (len(headers) - 1))),
        draw=draw,
        empty=top <= 0,
    )


# --- horizontal stacked bars of shares ----------------------------------------------------------------------------


def share_bars(
    key: str,
    title: str,
    *,
    rows: Sequence[tuple[str, Sequence[tuple[str, object]]]],
    unit: str = "人",
    row_title: str | None = None,
    part_title: str | None = None,
    value_title: str | None = None,
) -> Chart:
    """Horizontal bars of 100 %, one per row (requests by status; members by gender, age band, leader category),
    each split into its parts with the part's name, number and share written on it, or under the bar with a leader
    line where the part is too narrow."""
    row_title = row_title or _("区分")
    part_title = part_title or _("内訳")
    value_title = value_title or _("人数")
    data = [(_clean(name), [(_clean(part), _value(v)) for part, v in parts]) for name, parts in rows]
    totals = [sum(v for _part, v in parts) for _name, parts in data]
    empty = not any(t > 0 for t in totals)
    longest = max((len(parts) for _name, parts in data), default=0)

    def draw(prefix: str) -> tuple[str, float]:
        if empty:
            return _no_data()
        label_w = min(150.0, max(_text_width(name, 12) for name, _parts in data) + 10)
        x0, x1 = 8 + label_w, WIDTH - 12.0
        span, bar, size = x1 - x0, 28.0, 11.0
        parts_svg = [_defs(prefix, longest)]
        y = 10.0
        for (name, parts), total in zip(data, totals, strict=True):
            parts_svg.append(_label(name, x=8, y=y + 13, size=12, width=label_w - 8, cls="row-label"))
            parts_svg.append(
                f'<text x="8" y="{y + 27:.1f}" font-size="10" fill="{INK}">'
                f"{_esc(_('計%(n)s%(unit)s') % {'n': _number(total), 'unit': unit})}</text>"
            )
            if total <= 0:
                parts_svg.append(
                    f'<rect x="{x0:.1f}" y="{y:.1f}" width="{span:.1f}" height="{bar}" fill="#ffffff" '
                    f'stroke="{GRID}" stroke-dasharray="4 3"/>'
                )
                parts_svg.append(_halo(_("データなし"), cx=x0 + span / 2, y=y + 19, size=size))
                y += bar + 16
                continue
            x, outside = x0, []
            for index, (part, value) in enumerate(parts):
                width = value / total * span
                parts_svg.append(
                    f'<rect class="bar" data-value="{value}" x="{x:.2f}" y="{y:.1f}" width="{width:.2f}" '
                    f'height="{bar}" {_fill(prefix, index)}/>'
                )
                if value > 0:
                    text = f"{part} {_number(value)}{unit}（{_percent(value, total)}）"
                    if _text_width(text, size) + 8 <= width:
                        parts_svg.append(_halo(text, cx=x + width / 2, y=y + 19, size=size))
                    else:
                        outside.append((x + width / 2, text))
                x += width
            # Labels of narrow parts go under the bar, the rightmost on the first line: each leader line then runs
            # down left of every label above it, so none crosses another's text.
            for line, (centre, text) in enumerate(sorted(outside, reverse=True), start=1):
                ty = y + bar + line * 15
                parts_svg.append(
                    f'<line x1="{centre:.1f}" y1="{y + bar:.1f}" x2="{centre:.1f}" y2="{ty - 4:.1f}" stroke="{INK}"/>'
                )
                width = _text_width(text, size)
                tx, anchor = (centre + 3, "start") if centre + 3 + width <= WIDTH - 2 else (WIDTH - 2, "end")
                parts_svg.append(
                    f'<text class="value" x="{tx:.1f}" y="{ty:.1f}" font-size="{size}" text-anchor="{anchor}" '
                    f'fill="{INK}">{_esc(text)}</text>'
                )
            y += bar + 15 * len(outside) + 16
        return "".join(parts_svg), y

    headers = (row_title, part_title, f"{value_title}（{unit}）", _("割合"))
    table = tuple(
        (name, part, value, _percent(value, total))
        for (name, parts), total in zip(data, totals, strict=True)
        for part, value in parts
    )
    if empty:
        summary = _("データなし")
    else:
        summary = "".join(
            f"{name}: "
            + (
                "、".join(f"{part} {_number(v)}{unit}（{_percent(v, total)}）" for part, v in parts)
                if total > 0
                else _("データなし")
            )
            + "。"
            for (name, parts), total in zip(data, totals, strict=True)
        )
    return Chart(
        key=key,
        title=title,
        summary=summary,
        headers=headers,
        rows=table,
        numeric=(False, False, True, True),
        draw=draw,
        empty=empty,
    )


# --- grouped bars -------------------------------------------------------------------------------------------------


def grouped_bars(
    key: str,
    title: str,
    *,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence]],
    unit: str = "件",
    category_title: str | None = None,
    value_title: str | None = None,
) -> Chart:
    """Two or three series side by side for each category, as horizontal bars (long Japanese category names read
    across); each bar ends in its series' name and number."""
    category_title = category_title or _("区分")
    value_title = value_title or _("件数")
    data = [(_clean(name), [_value(v) for v in values]) for name, values in series]
    for _name, values in data:
        if len(values) != len(labels):
            raise ValueError("ラベルと値の数が合いません。")
    names = [_clean(label) for label in labels]
    top = max((v for _name, values in data for v in values), default=0)
    empty = top <= 0

    def draw(prefix: str) -> tuple[str, float]:
        if empty:
            return _no_data()
        size = 11.0
        label_w = min(160.0, max(_text_width(n, 12) for n in names) + 10)
        ends = [_text_width(f"{_fit(name, size, 90)[0]} {_number(v)}", size) for name, values in data for v in values]
        x0, x1 = 8 + label_w, WIDTH - 12 - max(ends) - 6
        bar, gap, group_gap = 16.0, 3.0, 14.0
        parts = [_defs(prefix, len(data))]
        parts.append(_label(f"{value_title}（{unit}）", x=x0, y=16, size=12, width=x1 - x0, cls="axis-title"))
        parts.append(_label(category_title, x=8, y=16, size=12, width=label_w - 8, cls="axis-title"))
        y = 28.0
        for i, name in enumerate(names):
            group = len(data) * bar + (len(data) - 1) * gap
            parts.append(_label(name, x=8, y=y + group / 2 + 4, size=12, width=label_w - 8, cls="row-label"))
            for index, (series_name, values) in enumerate(data):
                value = values[i]
                width = value / top * (x1 - x0)
                by = y + index * (bar + gap)
                parts.append(
                    f'<rect class="bar" data-value="{value}" x="{x0:.1f}" y="{by:.1f}" width="{width:.2f}" '
                    f'height="{bar}" {_fill(prefix, index)}/>'
                )
                shown, cut = _fit(series_name, size, 90)
                text = (
                    f'<text class="value" x="{x0 + width + 4:.1f}" y="{by + 12:.1f}" font-size="{size}" '
                    f'fill="{INK}">{_esc(shown)} {_number(value)}</text>'
                )
                parts.append(f"<g><title>{_esc(series_name)}</title>{text}</g>" if cut else text)
            y += group + group_gap
        parts.append(f'<line x1="{x0:.1f}" y1="22" x2="{x0:.1f}" y2="{y - group_gap + 4:.1f}" stroke="{INK}"/>')
        return "".join(parts), y

    headers = (category_title, *(f"{name}（{unit}）" for name, _values in data))
    table = tuple((name, *(values[i] for _n, values in data)) for i, name in enumerate(names))
    if empty:
        summary = _("データなし")
    else:
        summary = "、".join(
            _("%(series)sは合計%(total)s%(unit)s") % {"series": name, "total": _number(sum(values)), "unit": unit}
            for name, values in data
        ) + _("（%(n)s区分）。") % {"n": len(names)}
    return Chart(
        key=key,
        title=title,
        summary=summary,
        headers=headers,
        rows=table,
        numeric=(False, *([True] * len(data))),
        draw=draw,
        empty=empty,
    )
