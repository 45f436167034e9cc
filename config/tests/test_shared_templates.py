"""Every list and every form of the screens is built on the shared pieces, so a screen added later inherits them.

Lists: ``<div class="table-wrap"><table class="cards">`` with a ``data-label`` on every body cell (the card layout on
tablets, see ``static/css/app.css``). Forms: ``{% form_summary %}`` at the top (errors you can find, the ＊ note)
and ``form_fields.html`` for the fields, whose help text and errors carry the ids that ``aria-describedby`` names.
The browser tests in ``e2e/`` measure the result; these checks are the fast guard on the templates themselves.
"""

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from liaison.testing import make_council_with_members

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def screen_templates():
    """Every HTML template of the screens (the PDF documents have tables of their own, printed on A4)."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        if "reports/pdf_base.html" in text or path.name == "pdf_base.html":
            continue
        found.append((str(path.relative_to(TEMPLATES)), text))
    return found


def test_the_screen_templates_are_found():
    names = {name for name, _ in screen_templates()}
    assert {"councils/council_detail.html", "people/person_list.html", "form_fields.html"} <= names
    assert "reports/setup_report.html" not in names


def test_every_table_is_a_card_list_with_labelled_cells():
    """Issue 7 "Tables on tablets": each table of the screens uses the one list pattern."""
    problems = []
    for name, text in screen_templates():
        for match in re.finditer(r"<table\b[^>]*>", text):
            if 'class="cards"' not in match.group(0):
                problems.append(f'{name}: {match.group(0)} is not class="cards"')
            if not text[: match.start()].endswith('<div class="table-wrap">'):
                problems.append(f'{name}: a table outside <div class="table-wrap">')
        body = re.sub(r"<thead>.*?</thead>", "", text, flags=re.S)
        for cell in re.findall(r"<td\b(?:[^>{]|\{[^}]*\})*>", body):
            if "data-label=" not in cell and "colspan=" not in cell:
                problems.append(f"{name}: {cell} has no data-label")
        for cell in re.findall(r'<th\b[^>]*scope="row"[^>]*>', body):
            if "card-title" not in cell and "data-label=" not in cell:
                problems.append(f"{name}: {cell} is neither the card's title nor labelled")
    assert not problems, "\n".join(problems)


def test_every_form_that_shows_fields_has_the_error_summary():
    """Issue 7 "Errors you can find": a template that includes the field template also shows the summary."""
    missing = [
        name
        for name, text in screen_templates()
        if 'include "form_fields.html"' in text and "{% form_summary" not in text
    ]
    assert not missing, missing


# --- The rendered form ------------------------------------------------------------------------------------------


class _Ids(HTMLParser):
    """Collects the ids on a page and the controls that refer to ids (aria-describedby) or carry aria-invalid."""

    def __init__(self):
        super().__init__()
        self.ids, self.described, self.invalid, self.links, self.summaries = set(), {}, set(), [], 0
        self._in_summary = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if a.get("aria-describedby"):
            self.described[a.get("id") or tag] = a["aria-describedby"].split()
        if a.get("aria-invalid") == "true":
            self.invalid.add(a.get("id"))
        if "data-error-summary" in a:
            self.summaries += 1
            self._in_summary = 1
        elif self._in_summary and tag == "a":
            self.links.append(a["href"])


def _parse(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


@pytest.mark.django_db
def test_a_failed_submit_lists_each_error_linked_to_its_field(world, client_for):
    """Issue 7: the summary links to every field with an error (href="#id_x"), the fields with errors are
    aria-invalid, and every id in aria-describedby exists (Django writes id_x_helptext and id_x_error)."""
    client = client_for("community_section")
    response = client.post(reverse("people:create"), {"family_name": "", "birth_date": "平成99年1月1日"})
    assert response.status_code == 200
    html = response.content.decode()
    page = _parse(html)
    assert page.summaries == 1
    assert page.links == ["#id_family_name", "#id_given_name", "#id_family_kana", "#id_given_kana", "#id_birth_date"]
    assert {link[1:] for link in page.links} <= page.ids
    assert {link[1:] for link in page.links} == page.invalid
    assert page.described, "help texts and errors are tied to their fields"
    for control, ids in page.described.items():
        assert set(ids) <= page.ids, f"{control} is described by missing ids {set(ids) - page.ids}"
    # The family kana field has help text and an error: both describe it.
    assert page.described["id_family_kana"] == ["id_family_kana_helptext", "id_family_kana_error"]
    # ＊ is explained once.
    assert html.count("の付いた項目は必ず入力してください。") == 1


@pytest.mark.django_db
def test_a_form_of_two_parts_has_one_summary_and_a_checkbox_group_is_a_fieldset(world, client_for):
    """Issue 7: the appointment form (two forms on one screen) shows one summary and one ＊ note; the council form's
    checkbox group is a fieldset whose legend names it, and the summary's link reaches the group by its id."""
    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=1)
    client = client_for("community_section")
    html = client.post(reverse("councils:appoint", args=[council.pk]), {"start_date": "2025-02-30"}).content.decode()
    page = _parse(html)
    assert page.summaries == 1
    assert html.count("の付いた項目は必ず入力してください。") == 1
    assert "#id_start_date" in page.links

    html = client.post(
        reverse("councils:create"), {"name": "試験連絡協議会", "established_on": dt.date(2025, 4, 1).isoformat()}
    ).content.decode()
    page = _parse(html)
    assert "#id_kobans" in page.links and "id_kobans" in page.ids
    group = re.search(r'<fieldset class="field has-error" aria-describedby="([^"]+)">\s*<legend', html)
    assert group and set(group.group(1).split()) <= page.ids


@pytest.mark.django_db
def test_a_form_without_errors_has_no_summary(world, client_for):
    html = client_for("community_section").get(reverse("people:create")).content.decode()
    assert _parse(html).summaries == 0
    assert 'aria-invalid="true"' not in html
