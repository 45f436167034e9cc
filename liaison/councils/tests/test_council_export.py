"""Issue 11 (X3): the council list exports what it shows (its filters, every page, only councils the user sees),
to Excel or CSV, each council with its member count and findings; audited."""

import pytest
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.councils.models import Council
from liaison.testing import column_of, export_queries, export_rows, make_council_with_members

LIST = reverse("councils:list")
pytestmark = pytest.mark.django_db


def _council(world, koban, name, count=0):
    return make_council_with_members(world, koban, acting_user=world.user("community_section"), count=count, name=name)[
        0
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_x3_council_export_is_the_filtered_list(world, client_for, fmt):
    _council(world, world.koban_a, "一番町地区連絡協議会", count=3)
    unit = _council(world, world.chuzaisho_a, "作並単位連絡協議会")
    Council.objects.filter(pk=unit.pk).update(kind=Council.Kind.UNIT)
    make_council_with_members(world, world.koban_b, acting_user=world.user("hq_admin"), count=0, name="泉中央協議会")
    rows = export_rows(client_for("community_section").get(LIST, {"format": fmt, "kind": "jurisdiction"}))
    assert column_of(rows, "名称") == ["一番町地区連絡協議会"]  # not the unit council, not station B's
    assert column_of(rows, "委員") == ["3"]
    assert column_of(rows, "交番・駐在所") == ["一番町交番"]
    entry = AuditEntry.objects.get(action="council.list_export")
    assert entry.detail["count"] == 1 and entry.detail["filters"] == {"kind": "jurisdiction"}
    assert not entry.personal_data  # names of councils and counts: no civilian's data


def test_x3_council_export_query_count_does_not_grow_with_the_rows(world, client_for):
    client = client_for("community_section")
    _council(world, world.koban_a, "協議会0", count=2)
    one = export_queries(client, LIST, {"format": "csv"})
    for i in range(1, 50):
        _council(world, world.koban_a if i % 2 else world.chuzaisho_a, f"協議会{i}")
    rows = export_rows(client.get(LIST, {"format": "csv"}))
    assert len(rows) == 51
    assert export_queries(client, LIST, {"format": "csv"}) == one
