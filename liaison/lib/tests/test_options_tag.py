"""``{% options %}`` renders a filter's options in one pass: selection, escaping, and no loop per option."""

from types import SimpleNamespace

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
