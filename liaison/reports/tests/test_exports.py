"""Exports never carry formulas (X3: Excel out): what members typed reaches the next officer's PC as text."""

import datetime
import re
import zipfile
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from liaison.councils.models import Membership

from .conftest import make_council

pytestmark = pytest.mark.django_db

HOSTILE = [
    ("=1+1", "太郎", "イチ", "タロウ", datetime.date(1960, 1, 1), Membership.Post.CHAIR),
    ("=cmd|' /C calc'!A0", "次郎", "ニ", "ジロウ", datetime.date(1961, 1, 1), Membership.Post.MEMBER),
    ("@SUM(A1)", "三郎", "サン", "サブロウ", datetime.date(1962, 1, 1), Membership.Post.MEMBER),
]


def sheet_xml(content: bytes) -> list[str]:
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]


def test_x3_roster_writes_hostile_names_as_text_not_formulas(world, client_for):
    """X3: names such as =1+1 太郎 or =HYPERLINK(...) are text cells with OWASP's leading ', never <f> formulas."""
    council = make_council(world, members=HOSTILE)
    hyperlink = '=HYPERLINK("http://example.invalid/","x")'
    person = council.memberships.get(person__given_name="次郎").person
    person.organisation, person.organisation_title, person.phone = hyperlink, "", "0221234567"
    person.save()

    response = client_for("koban_chief").get(reverse("reports:council_roster", args=[council.pk]))
    assert response.status_code == 200

    xml = sheet_xml(response.content)
    assert xml and not any(re.search(r"<f[ >]", x) for x in xml)
    sheet = load_workbook(BytesIO(response.content)).active
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=4)}
    assert set(rows) == {"'=1+1 太郎", "'=cmd|' /C calc'!A0 次郎", "'@SUM(A1) 三郎"}
    jiro = rows["'=cmd|' /C calc'!A0 次郎"]
    assert jiro[6].value == "'" + hyperlink
    assert all(cell.data_type == "s" for cell in jiro if isinstance(cell.value, str))
    phone = jiro[11]
    assert (phone.value, phone.data_type, phone.number_format) == ("022-123-4567", "s", "@")
    age = jiro[3]
    assert isinstance(age.value, int) and age.data_type == "n"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
