"""Issue 11 (X3): the officer, station and HQ division lists export what they show (filters, every page, only what
the user sees) to Excel or CSV, audited (police staff and offices: never personal data); the number of queries does
not grow with the rows."""

import pytest
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.org.models import HQDivision, Koban
from liaison.testing import column_of, export_queries, export_rows, make_koban, make_officer, make_station

pytestmark = pytest.mark.django_db
OFFICERS, STATIONS, DIVISIONS = reverse("org:officers"), reverse("org:stations"), reverse("org:hq_divisions")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_x3_officer_export_is_the_filtered_list_of_the_own_station(world, client_for, fmt):
    make_officer("koban_staff", station=world.station_a, koban=world.koban_a, family="高橋", family_kana="タカハシ")
    retired = make_officer("section_staff", station=world.station_a, family="高田", family_kana="タカダ")
    retired.active = False
    retired.save()
    make_officer("section_staff", station=world.station_b, family="高野", family_kana="タカノ")
    rows = export_rows(client_for("section_staff").get(OFFICERS, {"format": fmt, "q": "タカ"}))
    assert column_of(rows, "氏名") == ["高橋 一郎"]  # not the retired one, not station B's
    assert column_of(rows, "所属") == ["青葉警察署 一番町交番"]
    rows = export_rows(client_for("section_staff").get(OFFICERS, {"format": fmt, "q": "タカ", "retired": "1"}))
    assert sorted(column_of(rows, "氏名")) == ["高橋 一郎", "高田 一郎"] and "退職" in column_of(rows, "在職")
    entry = AuditEntry.objects.filter(action="org.officer_export").latest("pk")
    assert entry.detail["count"] == 2 and entry.detail["filters"] == {"q": "タカ", "retired": "1"}
    assert entry.summary.endswith("（2人）") and not entry.personal_data


def test_x3_officer_export_query_count_does_not_grow_with_the_rows(world, client_for):
    client = client_for("hq_admin")
    one = export_queries(client, OFFICERS, {"format": "csv"})
    for i in range(40):
        station = world.station_a if i % 2 else world.station_b
        make_officer("community_section" if i % 3 else "section_staff", station=station, given=f"太郎{i}")
    assert len(export_rows(client.get(OFFICERS, {"format": "csv"}))) == 1 + 9 + 40
    assert export_queries(client, OFFICERS, {"format": "csv"}) == one


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_x3_station_export_counts_kobans_and_officers_of_the_stations_seen(world, client_for, fmt):
    rows = export_rows(client_for("deputy").get(STATIONS, {"format": fmt}))
    assert column_of(rows, "署名") == ["青葉警察署"]  # not station B
    assert (column_of(rows, "交番"), column_of(rows, "駐在所"), column_of(rows, "職員")) == (["1"], ["1"], ["6"])
    rows = export_rows(client_for("hq_staff").get(STATIONS, {"format": fmt}))
    assert column_of(rows, "署名") == ["青葉警察署", "泉警察署"]
    entry = AuditEntry.objects.filter(action="org.station_export").latest("pk")
    assert entry.detail["count"] == 2 and not entry.personal_data


def test_x3_station_export_query_count_does_not_grow_with_the_rows(world, client_for):
    client = client_for("hq_admin")
    one = export_queries(client, STATIONS, {"format": "xlsx"})
    for i in range(30):
        station = make_station(f"署{i}")
        make_koban(station, f"交番{i}", Koban.Kind.KOBAN if i % 2 else Koban.Kind.CHUZAISHO)
        if i % 3 == 0:
            station.active, station.merged_into = False, world.station_a
            station.save()
    rows = export_rows(client.get(STATIONS, {"format": "xlsx"}))
    assert len(rows) == 1 + 32 and "青葉警察署に統合" in column_of(rows, "状態")
    assert export_queries(client, STATIONS, {"format": "xlsx"}) == one


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_x3_hq_division_export_is_for_the_organisation_s_managers(world, client_for, fmt):
    rows = export_rows(client_for("hq_admin").get(DIVISIONS, {"format": fmt}))
    assert column_of(rows, "本部地域課") == ["本部地域課", ""] and column_of(rows, "職員") == ["1", "1"]
    assert AuditEntry.objects.get(action="org.hq_division_export").detail["count"] == 2
    assert client_for("hq_staff").get(DIVISIONS, {"format": fmt}).status_code == 403


def test_x3_hq_division_export_query_count_does_not_grow_with_the_rows(world, client_for):
    client = client_for("hq_admin")
    one = export_queries(client, DIVISIONS, {"format": "csv"})
    for i in range(30):
        HQDivision.objects.create(name=f"部{i}課")
    assert len(export_rows(client.get(DIVISIONS, {"format": "csv"}))) == 1 + 32
    assert export_queries(client, DIVISIONS, {"format": "csv"}) == one
