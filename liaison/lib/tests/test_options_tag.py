"""``{% options %}`` renders a filter's options in one pass: selection, escaping, and no loop per option."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template


def render(objects, selected, label=""):
    extra = f' label="{label}"' if label else ""
    return Template("{% options objects selected" + extra + " %}").render(
        Context({"objects": objects, "selected": selected})
    )


def test_marks_the_selected_value_whether_given_as_text_or_number():
    stations = [SimpleNamespace(pk=1, name="青葉"), SimpleNamespace(pk=12, name="泉")]
    html = render(stations, "12")
    assert html == '<option value="1">青葉</option><option value="12" selected>泉</option>'
    assert render(stations, 1).startswith('<option value="1" selected>')
    assert " selected" not in render(stations, None)
    assert " selected" not in render(stations, "2")  # not a prefix match


def test_escapes_labels_and_reads_another_attribute():
    people = [SimpleNamespace(pk=3, name="x", full_name='<b>"髙橋"</b>')]
    assert render(people, "", label="full_name") == '<option value="3">&lt;b&gt;&quot;髙橋&quot;&lt;/b&gt;</option>'


def test_issue8_escapes_as_django_does_and_keeps_what_is_already_safe():
    """The options are written in one pass without ``format_html``: the same escaping as Django's (quotes, ampersands,
    apostrophes), lazy labels translated, labels already marked safe kept."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    labels = ["A&B 'x' \"y\" <z>", mark_safe("<em>安全</em>"), gettext_lazy("警察署"), 7]
    objects = [SimpleNamespace(pk=f"{n}&'", name=label) for n, label in enumerate(labels)]
    expected = "".join(
        f'<option value="{conditional_escape(o.pk)}">{conditional_escape(o.name)}</option>' for o in objects
    )
    assert render(objects, None) == expected
    assert "<em>安全</em>" in expected and "&amp;#x27;" not in expected


@pytest.mark.django_db
def test_a_queryset_is_read_as_two_columns_in_its_order_without_a_model_per_option(django_assert_num_queries):
    from liaison.org.models import Station

    second = Station.objects.create(code="T2", name='<i>"泉"</i>', order=2)
    first = Station.objects.create(code="T1", name="青葉", order=1)
    stations = Station.objects.filter(code__startswith="T")
    with django_assert_num_queries(1) as read:
        html = render(stations, None)
    assert stations._result_cache is None  # no Station was built
    columns = read.captured_queries[0]["sql"].split(" FROM ")[0]
    assert columns.count('"org_station".') == 2 and '"name"' in columns
    assert html == (
        f'<option value="{first.pk}">青葉</option><option value="{second.pk}">&lt;i&gt;&quot;泉&quot;&lt;/i&gt;</option>'
    )
    assert f'<option value="{second.pk}" selected>' in render(stations, second.pk)
