"""Issue 11: every encoding through the upload view, every kind of bad file (a Japanese message, never a 500, nothing
written, no import kept), hypothesis-mutated CSV and Excel files, and the template round trip."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.councils.models import Council, Membership
from liaison.imports.models import ImportRun
from liaison.lib.tabular import read_table
from liaison.people.models import Person
from liaison.testing import make_council_with_members

from .conftest import MEMBER_HEADER, counts, csv_bytes, last_run, member_rows, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("encoding", "expected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp932", "cp932")])
def test_each_encoding_is_read_through_the_view_keeping_kanji_and_marks(world, client_for, encoding, expected):
    """Issue 11: UTF-8, UTF-8 with BOM and CP932 (with 髙, ① and ㈱, which plain Shift_JIS loses) all import."""
    client = client_for("community_section")
    header = ["姓", "名", "セイ", "メイ", "所属団体"]
    rows = [["髙橋", "一郎", "タカハシ", "イチロウ", "㈱①商事"]]
    upload(client, "people", "p.csv", csv_bytes(header, rows, encoding))
    run = last_run()
    assert (run.encoding, run.error_count) == (expected, 0), run.rows
    page = client.get(reverse("imports:preview", args=[run.pk])).content.decode()
    assert "髙橋 一郎" in page
    token = page.split('name="form_token" value="')[1].split('"')[0]
    client.post(reverse("imports:commit", args=[run.pk]), {"form_token": token})
    person = Person.objects.get()
    assert (person.family_name, person.organisation) == ("髙橋", "㈱①商事")


def _xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _formula_xlsx():
    book = openpyxl.Workbook()
    book.active.append(["姓", "名"])
    book.active.append(["山田", "=1+1"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _merged_xlsx():
    book = openpyxl.Workbook()
    book.active.append(["姓", "名"])
    book.active.append(["山田", "太郎"])
    book.active.merge_cells("A2:B2")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BAD_FILES = {
    "empty": ("p.csv", b""),
    "header only": ("p.csv", "姓,名\r\n".encode()),
    "png": ("p.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256))),
    "pdf named xlsx": ("p.xlsx", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
    "old excel": ("p.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
    "utf-16 without bom": ("p.csv", "姓,名\r\n山田,太郎\r\n".encode("utf-16-le")),
    "nul bytes": ("p.csv", b"a,b\r\n\x00\x00,\x00\r\n"),
    "corrupt zip": ("p.xlsx", _xlsx([["姓"], ["山田"]])[:300]),
    "formula": ("p.xlsx", _formula_xlsx()),
    "merged cells": ("p.xlsx", _merged_xlsx()),
    "too large": ("p.csv", "姓,名\r\n".encode() + b"a,b\r\n" * (1024 * 1024 + 10)),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_each_bad_file_gets_a_japanese_message_and_writes_nothing(world, client_for, name):
    """Issue 11: a bad file is refused on the upload form (200) with a Japanese message; no 500, nothing written,
    and no import is kept (its bytes included)."""
    file_name, data = BAD_FILES[name]
    client = client_for("community_section")
    before = counts()
    response = upload(client, "people", file_name, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors and all(any("\u3040" <= ch <= "\u9fff" for ch in e) for e in errors), errors
    assert counts() == before and not ImportRun.objects.exists()


def test_impossible_dates_and_kanji_readings_are_named_by_row_and_column(world, client_for):
    """Issue 11: cells that cannot be stored are errors of their row and column, in Japanese; nothing written."""
    client = client_for("community_section")
    header = ["姓", "名", "セイ", "メイ", "生年月日"]
    rows = [["山田", "太郎", "ヤマダ", "タロウ", "1965-02-30"], ["鈴木", "花子", "鈴木", "ハナコ", ""]]
    before = counts()
    upload(client, "people", "p.csv", csv_bytes(header, rows))
    run = last_run()
    errors = {r["row"]: r["errors"] for r in run.rows if r["errors"]}
    assert [h for h, _m in errors[2]] == ["生年月日"] and "存在しない日付" in errors[2][0][1]
    assert [h for h, _m in errors[3]] == ["セイ"]
    assert counts() == before


def test_a_one_column_reading_typed_in_kanji_is_named_as_a_reading_not_as_a_missing_space(world, client_for):
    """Issue 11: 「山田花子」 in the ふりがな column is a reading in kanji; the row says so, not 「空白を入れて」."""
    client = client_for("community_section")
    rows = [["山田 花子", "山田花子"], ["鈴木 一郎", "すずきいちろう"]]
    upload(client, "people", "p.csv", csv_bytes(["氏名", "ふりがな"], rows))
    errors = {r["row"]: r["errors"] for r in last_run().rows if r["errors"]}
    assert [h for h, _m in errors[2]] == ["ふりがな"] and "かな" in errors[2][0][1] and "空白" not in errors[2][0][1]
    assert [h for h, _m in errors[3]] == ["ふりがな"] and "空白" in errors[3][0][1]  # kana, but no space to split at


VALID_CSV = csv_bytes(
    ["姓", "名", "セイ", "メイ", "生年月日"], [["山田", "太郎", "ヤマダ", "タロウ", "1965-05-20"]] * 3
)
VALID_XLSX = _xlsx([["姓", "名", "セイ", "メイ"], ["山田", "太郎", "ヤマダ", "タロウ"]])


def _mutated(base: bytes):
    return st.lists(st.tuples(st.integers(0, len(base) - 1), st.integers(0, 255)), min_size=1, max_size=8).map(
        lambda flips: _flip(base, flips)
    ) | st.integers(0, len(base)).map(lambda n: base[:n])


def _flip(base, flips):
    data = bytearray(base)
    for at, value in flips:
        data[at] = value
    return bytes(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        _mutated(VALID_CSV).map(lambda d: ("p.csv", d)),
        _mutated(VALID_XLSX).map(lambda d: ("p.xlsx", d)),
        st.binary(max_size=2000).map(lambda d: ("p.csv", d)),
    )
)
def test_mutated_csv_and_excel_uploads_never_give_a_500_nor_write_people(world, client_for, data):
    """Issue 11 (hypothesis): broken CSV and Excel bytes posted to the upload give the form again (200) or the
    preview (302); nothing is written but, for a file that could be read, its import row awaiting a decision."""
    file_name, content = data
    client = client_for("community_section")
    before = counts()
    response = client.post(reverse("imports:start"), {"kind": "people", "file": SimpleUploadedFile(file_name, content)})
    assert response.status_code in (200, 302)
    assert counts() == before
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200
    ImportRun.objects.all().delete()


def test_templates_carry_the_japanese_headers_the_import_recognises(world, client_for):
    """Issue 11: the template downloads (xlsx, CSV UTF-8, CSV CP932) hold the kind's Japanese headers, each of which
    the import recognises (a filled-in template needs no mapping)."""
    from liaison.imports.kinds import KINDS
    from liaison.lib.tabular import match_headers

    client = client_for("community_section")
    for fmt, file_name in (("xlsx", "t.xlsx"), ("csv", "t.csv"), ("csv-cp932", "t.csv")):
        response = client.get(reverse("imports:template", args=["members", fmt]))
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if fmt == "xlsx":
            headers = [c.value for c in next(openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].iter_rows())]
        else:
            headers = read_table(content + b"x\r\n", file_name).headers
        assert headers[:5] == ["連絡協議会", "役職", "役職名", "リーダー区分", "任期の始期"]
        assert "姓" in headers and "セイ" in headers
        assert len(match_headers(headers, KINDS["members"].all_columns())) == len(headers)
    assert client.get(reverse("imports:template", args=["nothing", "xlsx"])).status_code == 404


def _people_and_terms(station):
    memberships = Membership.objects.filter(council__station=station).select_related("person", "council")
    return sorted(
        (
            m.council.name,
            m.post,
            m.leader_category,
            m.start_date,
            m.end_date,
            m.person.family_name,
            m.person.given_name,
            m.person.family_kana,
            m.person.given_kana,
            m.person.birth_date,
            m.person.gender,
            m.person.occupation,
        )
        for m in memberships
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_export_then_import_into_an_empty_station_gives_the_same_people_and_memberships(
    world, client_for, fmt
):
    """Issue 11: 「この様式で書き出す」 of station A's members, imported into station B (a council of the same name,
    no members), gives the same people and memberships; the export is audited as a personal-data export."""
    from liaison.audit.models import AuditEntry

    make_council_with_members(world, world.koban_a, acting_user=world.user("community_section"))
    client = client_for("community_section")
    response = client.get(reverse("imports:export", args=["members", fmt]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert AuditEntry.objects.filter(action="imports.export", kind="export", personal_data=True).count() == 1
    Council.objects.create(
        station=world.station_b, name="一番町交番連絡協議会", established_on=datetime.date(2010, 4, 1)
    ).kobans.add(world.koban_b)
    client_b = client_for(world.chief_b.user)
    upload(client_b, "members", f"export.{fmt}", content)
    run = last_run()
    assert run.station == world.station_b and run.error_count == 0, run.rows
    page = client_b.get(reverse("imports:preview", args=[run.pk])).content.decode()
    token = page.split('name="form_token" value="')[1].split('"')[0]
    client_b.post(reverse("imports:commit", args=[run.pk]), {"form_token": token})
    assert _people_and_terms(world.station_b) == _people_and_terms(world.station_a)
    assert len(_people_and_terms(world.station_b)) == 10


def test_a_hq_user_without_import_rights_cannot_upload(world, client_for):
    """X2: HQ roles record no people, so they import nothing."""
    response = upload(client_for("hq_admin"), "members", "m.csv", csv_bytes(MEMBER_HEADER, member_rows()))
    assert response.status_code == 403


def test_contacts_round_trip_keeps_koban_roles_and_consent(world, client_for):
    """Issue 11, N4.2: contact persons exported in the import layout and imported into another station come back
    with their area, roles, consent state and its date; a withdrawn one (辞任) with its consent and withdrawal
    taken as the same dated steps."""
    from liaison.network.actions import contacts as contact_actions
    from liaison.network.models import ContactPerson
    from liaison.testing import make_person

    user = world.user("community_section")
    for i, consent in enumerate(["candidate", "asked", "consented", "withdrawn"]):
        person = make_person(world.station_a, "連絡", f"員{i}", "レンラク", f"イン{'アイウエ'[i]}")
        contact = contact_actions.contact_create(
            station=world.station_a,
            person=person,
            values={"district": f"地区{i}", "source": "group"},
            roles=[("neighbourhood_head", "一番町町内会")],
            on=datetime.date(2025, 4, 1),
            acting_user=user,
        )
        if consent == "withdrawn":
            contact = contact_actions.consent_change(
                contact=contact, consent="consented", on=datetime.date(2025, 5, 1), method="phone", acting_user=user
            )
            contact_actions.consent_change(
                contact=contact, consent=consent, on=datetime.date(2025, 9, 30), acting_user=user
            )
        elif consent != "candidate":
            contact_actions.consent_change(
                contact=contact, consent=consent, on=datetime.date(2025, 5, 1), method="document", acting_user=user
            )
    content = client_for("community_section").get(reverse("imports:export", args=["contacts", "csv"])).content
    client_b = client_for(world.chief_b.user)
    upload(client_b, "contacts", "contacts.csv", content)
    run = last_run()
    assert run.error_count == 0, run.rows
    page = client_b.get(reverse("imports:preview", args=[run.pk])).content.decode()
    token = page.split('name="form_token" value="')[1].split('"')[0]
    client_b.post(reverse("imports:commit", args=[run.pk]), {"form_token": token})

    def facts(station):
        return sorted(
            (
                c.person.full_name,
                c.district,
                c.source,
                c.consent,
                c.consent_on,
                c.consent_method,
                [(r.kind, r.detail) for r in c.roles.all()],
                [(h.consent, h.on) for h in c.consent_history.order_by("pk") if h.consent != "candidate"],
            )
            for c in ContactPerson.objects.filter(station=station)
        )

    assert facts(world.station_b) == facts(world.station_a) and len(facts(world.station_b)) == 4
    withdrawn = ContactPerson.objects.get(station=world.station_b, consent="withdrawn")
    assert [(h.consent, h.on) for h in withdrawn.consent_history.order_by("pk")][1:] == [
        ("consented", datetime.date(2025, 5, 1)),
        ("withdrawn", datetime.date(2025, 9, 30)),
    ]
