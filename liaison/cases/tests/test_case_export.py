"""X3 and issue 11: the case list exports what it shows, every page, to Excel and CSV, streamed with flat memory."""

import datetime
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.cases.models import Case
from liaison.lib.dates import today_tokyo
from liaison.testing import export_rows, make_person

TODAY = today_tokyo()
LIST = reverse("cases:list")


def _cases(world, count, *, station=None, content="通学路の横断歩道が消えかけている", **values):
    station = station or world.station_a
    user = world.user("community_section")
    Case.objects.bulk_create(
        Case(
            station=station,
            received_on=TODAY - datetime.timedelta(days=i % 300),
            category=values.get("category", Case.Category.TRAFFIC),
            content=f"{content}{i}",
            raised_by_kind=Case.RaisedBy.MEMBER,
            raised_by_person=values.get("person"),
            created_by=user,
        )
        for i in range(count)
    )


def _contents(rows):
    column = rows[0].index("意見・要望の内容")
    return {row[column] for row in rows[1:]}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_x3_case_export_is_the_filtered_list_of_every_page(world, client_for, fmt):
    """Every page of the filtered list, nothing outside the filter, nothing of another station."""
    _cases(world, 60, content="交通")
    _cases(world, 2, content="環境", category=Case.Category.ENVIRONMENT)
    _cases(world, 3, content="他署", station=world.station_b)
    response = client_for("community_section").get(LIST, {"format": fmt, "category": "traffic"})
    assert response.status_code == 200
    contents = _contents(export_rows(response))
    assert len(contents) == 60 and all(c.startswith("交通") for c in contents)
    assert not any(c.startswith("他署") for c in contents)
    entry = AuditEntry.objects.get(action="case.export")
    assert entry.detail["count"] == 60 and entry.detail["filters"] == {"category": "traffic"}


def test_x3_case_export_names_raisers_only_for_people_readers(world, client_for):
    """X2: the raiser's name is a personal column: absent for a role without the people permission, and an export
    without it is not one of personal data."""
    _cases(world, 1, person=make_person(world.station_a, family="申出", given="花子"))
    rows = export_rows(client_for("community_section").get(LIST, {"format": "csv"}))
    assert "申出者" in rows[0] and "申出 花子" in rows[1]
    assert AuditEntry.objects.get(action="case.export").personal_data
    rows = export_rows(client_for("section_staff").get(LIST, {"format": "csv"}))
    assert "申出者" not in rows[0] and "申出 花子" not in rows[1]
    assert not AuditEntry.objects.filter(action="case.export").latest("pk").personal_data


def test_x3_case_export_keeps_its_older_address(world, client_for):
    _cases(world, 2)
    response = client_for("community_section").get(reverse("cases:export"))
    assert response["Content-Disposition"].endswith(".xlsx")
    assert len(export_rows(response)) == 3


def test_x3_case_export_in_cp932_names_a_character_it_cannot_hold(world, client_for):
    """CP932 on request: a character it cannot hold is named on the list screen and no file is sent."""
    _cases(world, 1, content="髙①㈱")
    client = client_for("community_section")
    rows = export_rows(client.get(LIST, {"format": "csv", "encoding": "cp932"}))
    assert rows[1][rows[0].index("意見・要望の内容")] == "髙①㈱0"
    _cases(world, 1, content="𠮷野家")
    response = client.get(LIST, {"format": "csv", "encoding": "cp932", "category": "traffic"}, follow=True)
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert "𠮷" in page and "U+20BB7" in page and "意見・要望の内容" in page
    assert response.redirect_chain[0][0] == f"{LIST}?category=traffic"
    assert AuditEntry.objects.filter(action="case.export").count() == 1  # the failed one is not recorded


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_x3_case_export_query_count_does_not_grow_with_the_rows(world, client_for, fmt):
    client = client_for("community_section")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            export_rows(client.get(LIST, {"format": fmt}))
        return len(captured)

    _cases(world, 1)
    queries()  # the first request of the session reads the login once more
    one = queries()
    _cases(world, 49)
    assert queries() == one


def test_x3_case_export_memory_stays_flat(world, client_for):
    """Issue 11: 3,000 cases export with about the peak memory of 300 (chunks of rows read, written and let go; the
    file spills to disk). Holding the 3,000 cases in a list, as the export did before, takes over 6 MB alone."""
    client = client_for("community_section")

    def peak():
        tracemalloc.start()
        try:
            response = client.get(LIST, {"format": "xlsx"})
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        export_rows(response)  # read to its end: the test client then closes it as a server would
        return peak

    _cases(world, 300)
    small = peak()
    _cases(world, 2700)
    large = peak()
    tracemalloc.start()
    held = list(Case.objects.select_related("station", "koban", "section", "raised_by_person"))
    _current, list_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(held) == 3000
    print(f"peak at 300: {small}, at 3000: {large}, a list of 3000: {list_peak}")
    # Measured: about 1.1 MB at 300, 2.0 MB at 3,000, and 6.7 MB for the list of 3,000 alone.
    assert large < small + 2 * 1024 * 1024, (small, large, list_peak)
    assert large - small < list_peak / 4
