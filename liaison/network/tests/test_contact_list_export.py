"""Issue 11 (X3): the contact-person list exports from its own URL (``?format=xlsx|csv``), with its filters, the
columns the reader may see, audited; the number of queries does not grow with the rows."""

import pytest
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.network.actions import contacts as actions
from liaison.network.tests.test_contacts_exports import _contacts
from liaison.testing import column_of, export_queries, export_rows, make_person

LIST = reverse("network:contact_list")
pytestmark = pytest.mark.django_db


def test_x3_contact_list_csv_has_the_filters_and_the_reader_s_columns(world, client_for):
    _contacts(world)
    rows = export_rows(client_for("community_section").get(LIST, {"format": "csv", "consent": "declined"}))
    assert column_of(rows, "氏名") == ["遠藤 恵美"]
    assert "住所" in rows[0] and "電話番号" in rows[0]
    assert AuditEntry.objects.get(action="network.contact_export_csv").personal_data
    rows = export_rows(client_for("section_staff").get(LIST, {"format": "csv", "encoding": "cp932"}))
    assert "住所" not in rows[0] and "電話番号" not in rows[0] and "メールアドレス" not in rows[0]
    assert "青木 花子" in column_of(rows, "氏名")
    entry = AuditEntry.objects.filter(action="network.contact_export_csv").latest("pk")
    assert not entry.personal_data and entry.user == world.user("section_staff")
    assert len(export_rows(client_for(world.chief_b.user).get(LIST, {"format": "csv"}))) == 1  # header only


def test_x3_contact_list_export_query_count_does_not_grow_with_the_rows(world, client_for):
    client = client_for("community_section")
    user = world.user("community_section")
    actions.contact_create(
        station=world.station_a, person=make_person(world.station_a), values={"source": "other"}, acting_user=user
    )
    one = export_queries(client, LIST, {"format": "xlsx"})
    for i in range(49):
        person = make_person(world.station_a, given=f"太郎{i}")
        actions.contact_create(
            station=world.station_a,
            person=person,
            values={"source": "other"},
            roles=[("safety_promoter", "")],
            acting_user=user,
        )
    assert len(export_rows(client.get(LIST, {"format": "xlsx"}))) == 51
    assert export_queries(client, LIST, {"format": "xlsx"}) == one


def test_x3_contact_list_audit_counts_people_alike_in_excel_csv_and_pdf(world, client_for):
    """X2: every export of the list says how many people it held with the same word (人), whatever the format."""
    _contacts(world)
    client = client_for("community_section")
    client.get(LIST, {"format": "csv", "consent": "declined"})
    client.get(LIST, {"format": "xlsx", "consent": "declined"})
    client.get(reverse("reports:contact_list_pdf"), {"consent": "declined"})
    summaries = AuditEntry.objects.filter(action__startswith="network.contact_export_").values_list("action", "summary")
    assert {action: summary[-4:] for action, summary in summaries} == {
        "network.contact_export_csv": "（1人）",
        "network.contact_export_excel": "（1人）",
        "network.contact_export_pdf": "（1人）",
    }
