"""Issue 13 (charts): SVG drawn on the server — it parses, bars are as long as their numbers, labels and numbers are
written on the chart, labels from the database are escaped and cut with a tooltip, each series has its own pattern,
zero, empty, large and negative values, and the {% chart %} tag's figure and table with no inline style."""

import io
import math
import re
import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from openpyxl import load_workbook

from liaison.lib import charts
from liaison.lib.exports import write_file

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [f"{m}月" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]


@pytest.fixture(autouse=True)
def japanese():
    with translation.override("ja"):
        yield


def parse(chart, prefix="c1"):
    return ET.fromstring(chart.svg(prefix))


def bars(root):
    return [e for e in root.iter(f"{SVG}rect") if e.get("class") == "bar"]


def texts(root):
    return ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]


def test_monthly_bars_parse_and_heights_are_proportional_to_the_values():
    values = [3, 0, 5, 12, 6, 1, 0, 2, 3, 4, 5, 6]
    root = parse(charts.monthly_bars("held", "月別の開催数", labels=MONTHS, values=values))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    drawn = bars(root)
    assert [float(b.get("data-value")) for b in drawn] == values
    heights = [float(b.get("height")) for b in drawn]
    assert heights[1] == 0 and heights[6] == 0
    per_unit = heights[3] / 12
    for height, value in zip(heights, values, strict=True):
        assert math.isclose(height, value * per_unit, abs_tol=0.02)
    # bars stand on one baseline
    assert len({round(float(b.get("y")) + float(b.get("height")), 1) for b in drawn}) == 1
    words = texts(root)
    for label in MONTHS:
        assert label in words
    assert "12" in words and "0" in words  # each bar's number written on the chart
    assert "件数（件）" in words and "月" in words  # axis titles in Japanese


def test_monthly_bars_plan_marker_at_the_planned_height():
    """Meetings held per month against plan: a dashed marker per month that has a plan, at the planned height."""
    chart = charts.monthly_bars("held", "開催数", labels=MONTHS[:3], values=[2, 4, 0], targets=[4, None, 2])
    root = parse(chart)
    drawn = bars(root)
    markers = [e for e in root.iter(f"{SVG}line") if e.get("class") == "target"]
    assert [float(m.get("data-value")) for m in markers] == [4, 2]
    baseline = float(drawn[0].get("y")) + float(drawn[0].get("height"))
    four = baseline - float(markers[0].get("y1"))
    assert math.isclose(four, float(drawn[1].get("height")), abs_tol=0.02)  # plan 4 as high as the bar of 4
    assert markers[0].get("stroke-dasharray")
    assert "計画" in texts(root)
    assert chart.headers == ("月", "件数（件）", "計画（件）")
    assert chart.rows == (("4月", 2, 4), ("5月", 4, ""), ("6月", 0, 2))
    assert "計画は合計6件" in chart.summary


def test_share_bars_segments_are_shares_of_the_row_with_names_and_numbers():
    chart = charts.share_bars(
        "mix",
        "委員の構成",
        rows=[
            ("性別", [("男性", 20), ("女性", 9), ("回答なし", 1)]),
            ("年代", [("30代", 5), ("40代", 0), ("50代", 10)]),
        ],
    )
    root = parse(chart)
    drawn = bars(root)
    gender, ages = drawn[:3], drawn[3:]
    full = sum(float(b.get("width")) for b in gender)
    assert math.isclose(sum(float(b.get("width")) for b in ages), full, abs_tol=0.05)  # every row is 100 %
    assert math.isclose(float(gender[0].get("width")) / full, 20 / 30, abs_tol=0.001)
    assert math.isclose(float(ages[2].get("width")) / full, 10 / 15, abs_tol=0.001)
    assert float(ages[1].get("width")) == 0
    words = " ".join(texts(root))
    assert "男性 20人（66.7%）" in words and "回答なし 1人（3.3%）" in words  # a narrow part labelled beside it
    assert "性別" in words and "計30人" in words
    assert ("性別", "男性", 20, "66.7%") in chart.rows and ("年代", "40代", 0, "0.0%") in chart.rows


def test_grouped_bars_lengths_proportional_and_each_bar_named():
    chart = charts.grouped_bars(
        "recruit",
        "課別",
        labels=["地域課", "生活安全課"],
        series=[("連絡", [8, 2]), ("受理", [4, 0]), ("承諾", [2, 0])],
    )
    root = parse(chart)
    widths = [float(b.get("width")) for b in bars(root)]
    assert [float(b.get("data-value")) for b in bars(root)] == [8, 4, 2, 2, 0, 0]
    for width, value in zip(widths, [8, 4, 2, 2, 0, 0], strict=True):
        assert math.isclose(width, widths[0] * value / 8, abs_tol=0.02)
    words = texts(root)
    assert "連絡 8" in words and "承諾 0" in words and "地域課" in words
    assert chart.rows == (("地域課", 8, 4, 2), ("生活安全課", 2, 0, 0))


def test_each_series_has_its_own_pattern_and_the_ids_carry_the_prefix():
    """Black and white: every series a distinct pattern (grey and marks), strokes dark; ids unique per chart."""
    chart = charts.grouped_bars("g", "g", labels=["a"], series=[(str(i), [i + 1]) for i in range(len(charts.PATTERNS))])
    root = parse(chart, "first")
    patterns = list(root.iter(f"{SVG}pattern"))
    assert len(patterns) == len(charts.PATTERNS)
    looks = {ET.tostring(p).decode().split(">", 1)[1] for p in patterns}  # the tile without its id
    assert len(looks) == len(patterns)
    fills = [b.get("fill") for b in bars(root)]
    assert fills == [f"url(#first-s{i})" for i in range(len(patterns))]
    assert all(b.get("stroke") == charts.INK for b in bars(root))
    other = parse(chart, "second")
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    assert ids and not ids & {e.get("id") for e in other.iter() if e.get("id")}
    assert all(i.startswith("first-") for i in ids)
    labelled = root.get("aria-labelledby").split()
    assert labelled == ["first-title", "first-desc"] and labelled[0] in ids and labelled[1] in ids


def test_labels_from_the_database_come_out_as_text():
    """A council or category name with markup, an ampersand or a control character is text, never markup."""
    name = '<script>alert("x")</script> & 〒\x00\x1b'
    for chart in (
        charts.monthly_bars("a", name, labels=[name, "5月"], values=[1, 2]),
        charts.share_bars("b", name, rows=[(name, [(name, 3), ("他", 1)])]),
        charts.grouped_bars("c", name, labels=[name], series=[(name, [1]), ("他", [2])]),
    ):
        svg = chart.svg("x")
        root = ET.fromstring(svg)  # still well-formed XML
        assert "<script" not in svg and "&lt;script&gt;" in svg and "&amp;" in svg
        assert not list(root.iter(f"{SVG}script"))
        assert "\x00" not in svg and "\x1b" not in svg
        assert root.find(f"{SVG}title").text == '<script>alert("x")</script> & 〒'


def test_a_long_label_is_cut_and_keeps_its_whole_text_as_a_tooltip():
    long = "宮城県仙台市青葉区一番町四丁目地区防犯協会連絡協議会"
    root = parse(charts.grouped_bars("c", "t", labels=[long, "短い"], series=[("連絡", [1, 2])]))
    cut = [g for g in root.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None]
    assert [g.find(f"{SVG}title").text for g in cut] == [long]
    shown = "".join(cut[0].find(f"{SVG}text").itertext())
    assert shown.endswith("…") and long.startswith(shown[:-1]) and len(shown) < len(long)
    assert "短い" in texts(root)


@pytest.mark.parametrize(
    "chart",
    [
        charts.monthly_bars("a", "t", labels=[], values=[]),
        charts.monthly_bars("a", "t", labels=MONTHS, values=[0] * 12, targets=[None] * 12),
        charts.share_bars("b", "t", rows=[]),
        charts.share_bars("b", "t", rows=[("性別", [("男性", 0), ("女性", 0)])]),
        charts.grouped_bars("c", "t", labels=["地域課"], series=[("連絡", [0]), ("承諾", [0])]),
        charts.grouped_bars("c", "t", labels=[], series=[]),
    ],
)
def test_nothing_above_zero_draws_an_empty_chart_saying_no_data(chart):
    root = parse(chart)
    assert chart.empty and not bars(root)
    assert "データなし" in texts(root)
    assert root.find(f"{SVG}desc").text == "データなし"


def test_a_row_with_nothing_among_others_says_no_data_in_its_place():
    chart = charts.share_bars("b", "t", rows=[("状況", [("未回答", 2)]), ("空", [])])
    root = parse(chart)
    assert not chart.empty and len(bars(root)) == 1 and "データなし" in texts(root)
    assert "空: データなし。" in chart.summary


@pytest.mark.parametrize("bad", [-1, -0.5, float("nan"), float("inf"), "3", True])
def test_negative_and_non_numbers_are_refused(bad):
    with pytest.raises(ValueError):
        charts.monthly_bars("a", "t", labels=["4月"], values=[bad])
    with pytest.raises(ValueError):
        charts.share_bars("b", "t", rows=[("x", [("y", bad)])])
    with pytest.raises(ValueError):
        charts.grouped_bars("c", "t", labels=["x"], series=[("y", [bad])])
    with pytest.raises(ValueError):
        charts.monthly_bars("a", "t", labels=["4月"], values=[1], targets=[bad])


def test_very_large_values_shorten_on_the_chart_and_stay_whole_in_the_table():
    values = [1_234_567, 3, 250_000_000, 0] + [7] * 8
    chart = charts.monthly_bars("a", "t", labels=MONTHS, values=values)
    root = parse(chart)
    heights = [float(b.get("height")) for b in bars(root)]
    assert math.isclose(heights[0], heights[2] * 1_234_567 / 250_000_000, abs_tol=0.01)
    words = texts(root)
    assert "123万" in words and "2.5億" in words
    assert "1億" in words and "5,000万" in words  # the axis in 万 and 億 too
    assert chart.rows[0] == ("4月", 1_234_567)
    assert charts.cell_text(1_234_567) == "1,234,567" and charts.cell_text(2.5) == "2.5"


def test_the_numbers_export_as_a_table_through_the_export_helper():
    chart = charts.share_bars("mix", "委員の構成", rows=[("性別", [("=男性", 2), ("女性", 1)])])
    file, count = write_file(chart.table(), chart.rows, "xlsx")
    sheet = load_workbook(io.BytesIO(file.read())).active
    assert count == 2
    assert [c.value for c in sheet[1]] == ["区分", "内訳", "人数（人）", "割合"]
    assert [c.value for c in sheet[2]] == ["性別", "'=男性", 2, "66.7%"]  # neutralised, never a formula
    assert sheet["B2"].data_type == "s"  # a label never becomes a formula


def render_tag(source, **context):
    request = RequestFactory().get("/figures/", {"page": "2", "station": "5"})
    return Template("{% load charts %}" + source).render(Context({"request": request, **context}))


def test_the_tag_draws_a_figure_then_the_same_numbers_as_a_table_without_inline_style():
    held = charts.monthly_bars("held", "開催数 & <計画>", labels=["4月", "5月"], values=[1_234, 0], targets=[2, 2])
    mix = charts.share_bars("mix", "構成", rows=[("性別", [("<b>男性</b>", 3)])])
    page = render_tag("{% chart held export=True %}{% chart mix %}{% chart held %}", held=held, mix=mix)
    assert " style=" not in page and "<style" not in page and "<script" not in page
    assert page.count("<figure") == 3 and page.count("<table") == 3 and page.count('role="img"') == 3
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # the same chart twice on a page: still no shared id
    for labelled in re.findall(r'aria-labelledby="([^"]+)"', page):
        assert all(part in ids for part in labelled.split())
    assert "開催数 &amp; &lt;計画&gt;" in page and "&lt;b&gt;男性&lt;/b&gt;" in page
    assert '<th scope="row" class="card-title">4月</th>' in page
    assert '<th scope="col">内訳</th><th scope="col" class="num">人数（人）</th>' in page  # numbers to the right
    assert 'data-label="件数（件）">1,234</td>' in page and 'data-label="計画（件）">2</td>' in page
    # the first chart offers its numbers in Excel, keeping the page's filters but not its page number
    assert 'href="/figures/?station=5&amp;chart=held&amp;format=xlsx"' in page
    assert page.count("format=xlsx") == 1


def test_asked_picks_the_chart_named_in_the_request():
    held = charts.monthly_bars("held", "t", labels=["4月"], values=[1])
    factory = RequestFactory()
    assert charts.asked(factory.get("/", {"chart": "held", "format": "xlsx"}), held) is held
    assert charts.asked(factory.get("/", {"chart": "held"}), held) is None
    assert charts.asked(factory.get("/", {"chart": "other", "format": "csv"}), held) is None


def test_every_text_is_dark_ink_and_a_label_on_a_bar_sits_on_a_white_box():
    """What axe cannot measure inside an inline SVG (e2e/pagechecks.py): every text is drawn in dark ink, and a
    number written on a patterned bar has a white box behind it."""
    chart = charts.share_bars("mix", "t", rows=[("性別", [("男性", 20), ("女性", 9), ("回答なし", 1)])])
    root = parse(chart)
    elements = list(root.iter())
    for index, element in enumerate(elements):
        if element.tag != f"{SVG}text":
            continue
        assert element.get("fill") == charts.INK
        box = elements[index - 1]
        if element.get("class") == "value" and "".join(element.itertext()).startswith(("男性", "女性")):
            assert box.tag == f"{SVG}rect" and box.get("fill") == "#ffffff"
            assert float(box.get("width")) >= charts._text_width("".join(element.itertext()), 11)
