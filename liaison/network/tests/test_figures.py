"""The station chief's view (N4.1, N4.3, N4.4): exchanges per officer and month, the 巡回連絡強化日 with their results,
coverage by koban and area, the stale contact persons, the Excel export; SQL aggregates with a constant number of
queries at two sizes."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from liaison.audit.models import AuditEntry
from liaison.lib.dates import today_tokyo
from liaison.network import queries_figures, tally
from liaison.network.actions.exchanges import exchange_create
from liaison.network.actions.visit_days import visit_day_delete, visit_days_plan
from liaison.network.models import Exchange, ExchangeTally, VisitDay
from liaison.testing import make_officer

from .test_findings import make_contact

pytestmark = pytest.mark.django_db

TODAY = today_tokyo()
FY = queries_figures.current_fiscal_year(TODAY)
START = datetime.date(FY, 4, 1)


def _exchange(world, officer, on, contacts=(), koban=None, station=None):
    """An exchange as a row (some have no contact person, which the action refuses), counted into the monthly tally
    as the action counts it."""
    exchange = Exchange.objects.create(
        station=station or world.station_a,
        koban=koban,
        on=on,
        officer=officer,
        kind=Exchange.Kind.HOME_VISIT,
        created_by=officer.user,
    )
    exchange.contacts.set(contacts)
    tally.count_exchange(exchange)
    return exchange


def test_n4_4_exchanges_per_officer_and_month(world):
    staff, chief = world.officers["koban_staff"], world.officers["koban_chief"]
    may, june = datetime.date(FY, 5, 10), datetime.date(FY, 6, 2)
    _exchange(world, staff, may)
    _exchange(world, staff, may)
    _exchange(world, staff, june)
    _exchange(world, chief, june)
    _exchange(world, staff, datetime.date(FY - 1, 6, 2))  # last fiscal year
    _exchange(world, world.chief_b, may, station=world.station_b)  # another station
    table = queries_figures.exchanges_by_officer_month(world.station_a.pk, queries_figures.Period.of(FY))
    assert len(table["months"]) == 12 and table["months"][0] == START
    by_total = sorted((row["total"], row["counts"][1], row["counts"][2]) for row in table["rows"])
    assert by_total == [(1, 0, 1), (3, 2, 1)]
    assert table["totals"][1:3] == [2, 2] and table["total"] == 4
    june_only = queries_figures.exchanges_by_officer_month(world.station_a.pk, queries_figures.Period.of(FY, 6))
    assert june_only["total"] == 2 and len(june_only["months"]) == 1


def test_n4_4_visit_days_planned_for_several_kobans_show_their_results(world):
    day = datetime.date(FY, 7, 15)
    a, b = make_contact(world, "青木", "アオキ", koban=world.koban_a), make_contact(world, "井上", "イノウエ")
    days = visit_days_plan(
        station=world.station_a,
        on=day,
        kobans=[world.koban_a, world.chuzaisho_a],
        note="夏の強化日",
        acting_user=world.user("station_chief"),
    )
    assert len(days) == 2
    staff = world.officers["koban_staff"]
    _exchange(world, staff, day, [a, b], koban=world.koban_a)
    _exchange(world, staff, day, [a], koban=world.koban_a)
    _exchange(world, staff, day + datetime.timedelta(days=1), [b], koban=world.koban_a)  # not that day
    rows = {
        d.koban_id: (d.exchange_count, d.contacts_met)
        for d in queries_figures.visit_days(world.station_a.pk, queries_figures.Period.of(FY))
    }
    assert rows == {world.koban_a.pk: (2, 2), world.chuzaisho_a.pk: (0, 0)}


def test_n4_4_a_koban_planned_twice_on_a_day_is_refused_and_another_stations_koban_too(world):
    from django.core.exceptions import ValidationError

    day = datetime.date(FY, 7, 15)
    visit_days_plan(station=world.station_a, on=day, kobans=[world.koban_a], acting_user=world.user("station_chief"))
    with pytest.raises(ValidationError):
        visit_days_plan(
            station=world.station_a, on=day, kobans=[world.koban_a], acting_user=world.user("station_chief")
        )
    with pytest.raises(ValidationError):
        visit_days_plan(
            station=world.station_a, on=day, kobans=[world.koban_b], acting_user=world.user("station_chief")
        )
    visit_day_delete(day=VisitDay.objects.get(), acting_user=world.user("station_chief"))
    assert not VisitDay.objects.exists()


def test_n4_4_the_chief_plans_visit_days_through_the_screen(world, client_for):
    client = client_for("station_chief")
    assert client.get(reverse("network:visit_day_plan")).status_code == 200
    response = client.post(
        reverse("network:visit_day_plan"),
        {"on": f"{FY}-08-01", "kobans": [world.koban_a.pk, world.chuzaisho_a.pk], "note": "強化日"},
    )
    assert response.status_code == 302
    assert VisitDay.objects.count() == 2
    page = client.get(reverse("network:figures")).content.decode()
    assert "強化日" in page and world.chuzaisho_a.name in page


def test_n4_3_coverage_by_koban_lists_kobans_with_none_and_by_area(world):
    staff = world.officers["koban_staff"]
    a = make_contact(world, "青木", "アオキ", koban=world.koban_a, municipality="仙台市青葉区", district="一番町")
    b = make_contact(world, "井上", "イノウエ", koban=world.koban_a, municipality="仙台市青葉区", district="一番町")
    make_contact(
        world, "上田", "ウエダ", koban=world.koban_a, consent="declined", municipality="仙台市青葉区", district="一番町"
    )
    c = make_contact(world, "江藤", "エトウ", koban=world.koban_a, municipality="仙台市青葉区", district="国分町")
    _exchange(world, staff, datetime.date(FY, 5, 1), [a, b], koban=world.koban_a)
    _exchange(world, staff, datetime.date(FY, 5, 2), [c], koban=world.koban_a)
    _exchange(world, staff, datetime.date(FY - 1, 5, 2), [c], koban=world.koban_a)  # outside the period
    period = queries_figures.Period.of(FY)
    kobans = {
        k.name: (k.consenting, k.exchanges) for k in queries_figures.coverage_by_koban(world.station_a.pk, period)
    }
    assert kobans == {world.koban_a.name: (3, 2), world.chuzaisho_a.name: (0, 0)}
    areas = {
        (r["municipality"], r["district"]): (r["consenting"], r["exchanges"])
        for r in queries_figures.coverage_by_area(world.station_a.pk, period)
    }
    assert areas == {("仙台市青葉区", "一番町"): (2, 1), ("仙台市青葉区", "国分町"): (1, 1)}


def _fill(world, n):
    """``n`` more contact persons, exchanges and visit days for station A."""
    staff = world.officers["koban_staff"]
    for i in range(n):
        officer = make_officer("koban_staff", station=world.station_a, koban=world.koban_a, family=f"警{i}")
        contact = make_contact(
            world, f"連{i}", "レン", koban=world.koban_a, district=f"地区{i}", on=TODAY - datetime.timedelta(days=200)
        )
        _exchange(world, officer, START + datetime.timedelta(days=i * 7), [contact], koban=world.koban_a)
        _exchange(world, staff, START + datetime.timedelta(days=i * 7), [contact], koban=world.chuzaisho_a)
        VisitDay.objects.get_or_create(
            koban=world.koban_a, on=START + datetime.timedelta(days=i * 7), defaults={"created_by": staff.user}
        )
        make_contact(world, f"古{i}", "フル", koban=world.chuzaisho_a, on=TODAY - datetime.timedelta(days=300))


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response


def test_n4_1_n4_3_n4_4_the_chiefs_view_costs_the_same_queries_at_two_sizes(world, client_for):
    client = client_for("station_chief")
    url = reverse("network:figures")
    client.get(url)
    _fill(world, 1)
    small, _ = _queries(client, url)
    _fill(world, 12)
    large, page = _queries(client, url)
    assert small == large
    text = page.content.decode()
    assert "古11" in text  # consented 300 days ago, never contacted: on the stale list
    export_small = _queries(client, reverse("network:figures_export"))[0]
    _fill(world, 3)
    assert _queries(client, reverse("network:figures_export"))[0] == export_small


def test_n4_4_hq_chooses_a_station_and_other_stations_see_only_their_own(world, client_for):
    make_contact(world, "古川", "フルカワ", on=TODAY - datetime.timedelta(days=400))
    hq = client_for("hq_admin")
    assert "古川" not in hq.get(reverse("network:figures")).content.decode()
    assert "古川" in hq.get(reverse("network:figures"), {"station": world.station_a.pk}).content.decode()
    assert (
        "古川"
        not in client_for(world.chief_b.user)
        .get(reverse("network:figures"), {"station": world.station_a.pk})
        .content.decode()
    )


def test_n4_4_the_figures_export_is_a_workbook_and_is_audited(world, client_for):
    make_contact(world, "古川", "フルカワ", on=TODAY - datetime.timedelta(days=400))
    _exchange(world, world.officers["koban_staff"], START, koban=world.koban_a)
    response = client_for("station_chief").get(reverse("network:figures_export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert "警察官別・月別の情報交換" in book.sheetnames
    names = [row[0] for row in book[book.sheetnames[1]].iter_rows(min_row=2, values_only=True)]
    assert names == ["古川 太郎"]
    assert AuditEntry.objects.filter(action="network.figures_export", kind=AuditEntry.Kind.EXPORT).count() == 1


def test_n4_1_the_chiefs_view_shows_recruitment_by_section(world, client_for):
    """N4.1: a referral made by 署各課 this fiscal year counts for its section on the chief's view and its export."""
    from liaison.network.actions.referrals import referral_create

    referral_create(
        values={"family_name": "候補", "given_name": "花子", "reason": "防犯活動に熱心", "met_at": "campaign"},
        acting_user=world.user("section_staff"),
    )
    section = world.officers["section_staff"].section
    response = client_for("station_chief").get(reverse("network:figures"))
    rows = {r["section"]: (r["made"], r["accepted"], r["consented"]) for r in response.context["recruitment"]}
    assert rows[section.name] == (1, 0, 0)
    assert "課別の連絡員候補の連絡" in response.content.decode()
    book = load_workbook(io.BytesIO(client_for("station_chief").get(reverse("network:figures_export")).content))
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert section.name in cells


def test_n4_4_another_station_cannot_take_a_visit_day_off_the_plan(world, client_for):
    day = VisitDay.objects.create(koban=world.koban_a, on=START, created_by=world.user("station_chief"))
    url = reverse("network:visit_day_delete", args=[day.pk])
    assert client_for(world.chief_b.user).post(url).status_code == 404
    assert client_for("section_staff").post(url).status_code == 403
    assert client_for("deputy").post(url).status_code == 302
    assert not VisitDay.objects.exists()


def test_n4_4_issue8_the_monthly_tally_equals_a_live_count_of_the_exchanges(world):
    """Issue 8 (N4.4): the tally the chief's view reads equals a count of the exchanges after exchanges logged
    through the action (same month twice, another month, with and without a koban, another station, through the
    hand-over of safety information), after one refused, and after a rebuild."""
    staff, chief = world.officers["koban_staff"], world.officers["koban_chief"]
    a = make_contact(world, "青木", "アオキ", koban=world.koban_a, on=START)
    b = make_contact(world, "井上", "イノウエ", station=world.station_b, on=START)
    first = max(START, TODAY.replace(day=1) - datetime.timedelta(days=40))

    def log(officer, on, contacts, station=world.station_a, **values):
        return exchange_create(
            station=station,
            officer=officer,
            values={"on": on, "kind": "home_visit", **values},
            contacts=contacts,
            materials=[],
            cases=[],
            acting_user=officer.user,
        )

    log(staff, first, [a])
    log(staff, min(first + datetime.timedelta(days=1), TODAY), [a])
    log(staff, TODAY, [a])
    log(staff, TODAY, [a], koban=None)
    log(chief, TODAY, [a], koban=world.chuzaisho_a)
    log(world.chief_b, TODAY, [b], station=world.station_b)
    with pytest.raises(ValidationError):
        log(staff, TODAY, [b])  # another station's contact: refused, nothing counted
    stored = tally.stored()
    assert stored == tally.live()
    assert stored[(world.station_a.pk, staff.pk, staff.koban_id, first.replace(day=1))] >= 2
    assert stored[(world.station_a.pk, staff.pk, None, TODAY.replace(day=1))] == 1
    assert sum(stored.values()) == Exchange.objects.count() == 6
    assert sorted(
        r.exchanges
        for r in tally.tally_rows(Exchange.objects.values_list("station_id", "officer_id", "koban_id", "on"))
    ) == sorted(stored.values())  # what the bulk writers store
    ExchangeTally.objects.update(exchanges=99)
    assert tally.rebuild() == len(stored) and tally.stored() == tally.live()


def test_n4_4_issue8_the_chiefs_view_reads_the_tally_not_the_exchanges(world, client_for):
    """Issue 8 (N4.3, N4.4): the figures per officer and month and per koban come from the monthly tally, so their
    queries read no exchange; the page shows what the action logged."""
    staff = world.officers["koban_staff"]
    a = make_contact(world, "青木", "アオキ", koban=world.koban_a, on=START)
    for _ in range(3):
        exchange_create(
            station=world.station_a,
            officer=staff,
            values={"on": TODAY, "kind": "home_visit", "koban": world.koban_a},
            contacts=[a],
            materials=[],
            cases=[],
            acting_user=staff.user,
        )
    period = queries_figures.Period.of(FY)
    with CaptureQueriesContext(connection) as run:
        table = queries_figures.exchanges_by_officer_month(world.station_a.pk, period)
        kobans = {k.pk: k.exchanges for k in queries_figures.coverage_by_koban(world.station_a.pk, period)}
    assert table["total"] == 3 and [row["total"] for row in table["rows"]] == [3]
    assert kobans[world.koban_a.pk] == 3 and kobans[world.chuzaisho_a.pk] == 0
    assert len(run) == 2 and all('"network_exchange"' not in q["sql"] for q in run.captured_queries)
    response = client_for("station_chief").get(reverse("network:figures"))
    assert response.context["by_officer"]["total"] == 3
