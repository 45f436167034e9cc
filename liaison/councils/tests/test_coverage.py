"""C3.1: the kobans without a council are a stored finding, kept equal to the live query by the council and koban
changes, so a home page counts them without probing every koban of the prefecture."""

import datetime as dt

import pytest

from liaison.access.policy import for_work
from liaison.councils import actions, coverage, queries
from liaison.findings.models import Finding
from liaison.org.actions import koban_close, koban_create, reorganisation_move_kobans
from liaison.org.models import Koban
from liaison.testing import make_council_with_members

pytestmark = pytest.mark.django_db


def _stored() -> set[int]:
    return set(coverage.uncovered().values_list("subject__object_id", flat=True))


def _live() -> set[int]:
    return set(queries.kobans_without_council(Koban.objects.all()).values_list("pk", flat=True))


def test_c3_1_stored_kobans_without_council_follow_council_and_koban_changes(world):
    admin, deputy = world.user("hq_admin"), world.user("deputy")
    assert _stored() == _live() == {world.koban_a.pk, world.chuzaisho_a.pk, world.koban_b.pk}

    council, _ = make_council_with_members(world, world.koban_a, acting_user=deputy, count=2)
    assert _stored() == _live() == {world.chuzaisho_a.pk, world.koban_b.pk}

    # the council covers the chuzaisho instead of the koban
    values = {f: getattr(council, f) for f in actions.COUNCIL_FIELDS}
    council = actions.council_update(
        council=council, values=values, kobans=[world.chuzaisho_a], version=council.version, acting_user=deputy
    )
    assert _stored() == _live() == {world.koban_a.pk, world.koban_b.pk}

    # dissolved (C4.3): its kobans have no council again
    actions.council_review(
        kind="dissolve",
        councils=[council],
        explained_on=dt.date(2026, 1, 5),
        effective_date=dt.date(2026, 2, 1),
        successors=[],
        assignment={},
        acting_user=deputy,
    )
    assert _stored() == _live() == {world.koban_a.pk, world.chuzaisho_a.pk, world.koban_b.pk}

    # a koban opened and one closed in org
    new = koban_create(
        values={
            "station": world.station_b,
            "name": "泉北交番",
            "kind": "koban",
            "jurisdiction_name": "泉北",
            "municipality": "仙台市泉区",
        },
        acting_user=admin,
    )
    assert _stored() == _live() == {world.koban_a.pk, world.chuzaisho_a.pk, world.koban_b.pk, new.pk}
    koban_close(koban=new, acting_user=admin)
    assert _stored() == _live() == {world.koban_a.pk, world.chuzaisho_a.pk, world.koban_b.pk}

    # moved to another station: its finding is that station's now
    reorganisation_move_kobans(
        from_station=world.station_a,
        to_station=world.station_b,
        kobans=[world.chuzaisho_a],
        effective_date=dt.date(2026, 4, 1),
        acting_user=admin,
    )
    mine = for_work(world.chief_b.user, Finding).filter(subject__source=coverage.SOURCE)
    assert set(mine.values_list("subject__object_id", flat=True)) == {world.chuzaisho_a.pk, world.koban_b.pk}


def test_c3_1_home_counts_kobans_without_council_from_the_store_not_per_koban(world, client_for):
    """The home page's count reads the stored findings: no query of the page probes the councils of each koban."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("hq_admin")
    with CaptureQueriesContext(connection) as queries_run:
        page = client.get("/").content.decode()
    assert "連絡協議会のない交番・駐在所が3か所あります" in page
    assert not [q["sql"] for q in queries_run.captured_queries if "councils_council_kobans" in q["sql"]]


def test_c3_1_council_list_reads_kobans_without_council_from_the_store(world, client_for):
    """The council list's "kobans without a council" names and count come from the stored findings, as the home
    page's count does: no query of the page probes the councils of each koban (which grew with the prefecture)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=2)
    client = client_for("hq_admin")
    with CaptureQueriesContext(connection) as queries_run:
        page = client.get("/councils/").content.decode()
    assert "連絡協議会のない交番・駐在所（2）" in page
    assert world.chuzaisho_a.name in page and world.koban_b.name in page
    probes = [
        q["sql"]
        for q in queries_run.captured_queries
        if "councils_council_kobans" in q["sql"] and "_prefetch_related_val" not in q["sql"]  # (the page's councils)
    ]
    assert not probes
    assert _stored() == _live() == {world.chuzaisho_a.pk, world.koban_b.pk}
    # one station's list keeps to that station
    page = client.get("/councils/", {"station": world.station_b.pk}).content.decode()
    assert "連絡協議会のない交番・駐在所（1）" in page and world.koban_b.name in page
    assert world.chuzaisho_a.name not in page
