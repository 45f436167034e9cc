"""The station chief's and HQ's figures (C10.1, C8.2, N4.1, N4.3, N4.4): every figure equals what the test counts
itself, in plain Python, over a generated data set of two stations; the pages cost the same number of queries at two
sizes; scope; the exports; the home card."""

from __future__ import annotations

import datetime
import io
import random
from collections import Counter, defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from liaison.cases.models import Case
from liaison.councils.models import Council
from liaison.figures import queries
from liaison.findings import store
from liaison.findings.models import Finding
from liaison.lib.dates import today_tokyo
from liaison.meetings.models import Meeting
from liaison.network.models import ContactPerson, Exchange, ExchangeTally, Referral
from liaison.network.tally import count_exchange
from liaison.org.models import PrefectureSettings
from liaison.testing import make_officer, make_person

pytestmark = pytest.mark.django_db

TODAY = today_tokyo()
FY = queries.current_fiscal_year(TODAY)
FY_START = datetime.date(FY, 4, 1)
AREAS = [("仙台市青葉区", "一番町"), ("仙台市青葉区", "作並"), ("仙台市泉区", ""), ("", "")]


def _day(rng: random.Random) -> datetime.date:
    """A day of this fiscal year up to today, or now and then of the year before."""
    first = FY_START - datetime.timedelta(days=120)
    return first + datetime.timedelta(days=rng.randint(0, (TODAY - first).days))


def _local(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()


def generate(world, size: int, seed: int = 7) -> None:
    """Councils, meetings, requests, contact persons, exchange tallies and referrals in both stations, ``size`` of each
    kind per station (meetings and requests a few per council), then every stored finding rebuilt."""
    rng = random.Random(seed)
    settings = PrefectureSettings.current()
    settings.regular_meeting_due_month = TODAY.month  # the due month has begun: councils without one are behind
    settings.save()
    n = seed * 1000
    for station, user, officers in (
        (
            world.station_a,
            world.user("community_section"),
            [world.officers["koban_staff"], world.officers["koban_chief"]],
        ),
        (world.station_b, world.chief_b.user, [world.chief_b]),
    ):
        kobans = list(station.kobans.all())
        sections = list(station.sections.all())
        for _i in range(size):
            n += 1
            council = Council.objects.create(
                station=station, name=f"第{n}連絡協議会", established_on=FY_START.replace(year=FY - 3)
            )
            council.kobans.set(rng.sample(kobans, 1))
            numbers: Counter = Counter()
            for _m in range(rng.randint(0, 3)):
                day = _day(rng)
                year = day.year if day.month >= 4 else day.year - 1
                kind = rng.choice(Meeting.Kind.values)
                status = rng.choice(Meeting.Status.values)
                number = None
                if kind == Meeting.Kind.REGULAR:
                    numbers[year] += 1
                    number = numbers[year]
                Meeting.objects.create(
                    council=council,
                    kind=kind,
                    fiscal_year=year,
                    number=number,
                    status=status,
                    starts_at=timezone.make_aware(
                        datetime.datetime.combine(day, datetime.time(rng.choice([0, 9, 23])))
                    ),
                    venue_kind=Meeting.VenueKind.KOBAN,
                    venue_name="交番",
                    created_by=user,
                )
            for _c in range(rng.randint(0, 3)):
                received = _day(rng)
                status = rng.choice(Case.Status.values)
                settled = told = None
                if status in Case.SETTLED:
                    settled = min(TODAY, received + datetime.timedelta(days=rng.randint(0, 40)))
                    if rng.random() < 0.6:
                        told = min(TODAY, settled + datetime.timedelta(days=rng.randint(0, 60)))
                Case.objects.create(
                    station=station,
                    koban=rng.choice([None, *kobans]),
                    received_on=received,
                    category=rng.choice(Case.Category.values),
                    content="要望",
                    raised_by_kind=Case.RaisedBy.MEMBER,
                    status=status,
                    settled_on=settled,
                    told_on=told,
                    created_by=user,
                )
            municipality, district = rng.choice(AREAS)
            ContactPerson.objects.create(
                person=make_person(station, family=f"連絡{n}", family_kana="レンラク"),
                station=station,
                koban=rng.choice([None, *kobans]),
                municipality=municipality,
                district=district,
                source=ContactPerson.Source.ACQUAINTANCE,
                consent=rng.choice(ContactPerson.Consent.values),
                created_by=user,
            )
            Referral.objects.create(
                station=station,
                referrer=rng.choice(officers),
                section=rng.choice(sections),
                reason="地域に詳しい",
                met_at=Referral.MetAt.VISIT,
                referred_on=_day(rng),
                created_by=user,
            )
        for officer in officers:
            for month in rng.sample(range(12), 4):
                first = queries.Period.of(FY).months()[month]
                if rng.random() < 0.2:
                    first = first.replace(year=first.year - 1)  # the year before: not in this year's figures
                for _n in range(rng.randint(1, 3)):  # as the exchange action writes them: the record and its month
                    exchange = Exchange.objects.create(
                        station=station, officer=officer, on=first, kind=Exchange.Kind.PATROL, created_by=user
                    )
                    count_exchange(exchange)
    store.refresh_all()


def _in_fy(day: datetime.date) -> bool:
    return FY_START <= day <= datetime.date(FY + 1, 3, 31)


def _behind(council) -> bool:
    """C7.2 counted here: no regular meeting held or planned in this fiscal year (the due month has begun)."""
    return not any(
        m.kind == "regular" and m.fiscal_year == FY and m.status in ("planned", "held") for m in council.meetings.all()
    )


def _not_told_overdue(case, tell_days) -> bool:
    return case.status in Case.SETTLED and case.told_on is None and (TODAY - case.settled_on).days > tell_days


def _error_councils(station) -> set[int]:
    return {
        f.subject.object_id
        for f in Finding.objects.select_related("subject")
        if f.subject.source == "council" and f.severity == "error" and f.subject.station_id == station.pk
    }


def test_c10_1_hq_figures_per_station_equal_independent_counts(world):
    """C10.1, C8.2, N4.4: each station's row of the HQ page equals the counts made here over the generated data."""
    generate(world, 8)
    tell_days = PrefectureSettings.current().case_tell_days
    rows = {s.pk: s for s in queries.stations_overview(world.station_a.__class__.objects.all(), queries.Period.of(FY))}
    assert set(rows) == {world.station_a.pk, world.station_b.pk}
    for station in (world.station_a, world.station_b):
        councils = list(Council.objects.filter(station=station).prefetch_related("meetings"))
        meetings = [m for c in councils for m in c.meetings.all() if _in_fy(_local(m.starts_at))]
        cases = list(Case.objects.filter(station=station))
        contacts = list(ContactPerson.objects.filter(station=station))
        row = rows[station.pk]
        expected_errors = len(_error_councils(station))
        expected_behind = sum(_behind(c) for c in councils)
        expected_not_told = sum(_not_told_overdue(c, tell_days) for c in cases)
        assert row.council_count == len(councils)
        assert row.councils_error == expected_errors
        assert row.behind_plan == expected_behind
        assert row.meetings_scheduled == sum(m.status in ("planned", "held") for m in meetings)
        assert row.meetings_held == sum(m.status == "held" for m in meetings)
        assert row.case_count == sum(_in_fy(c.received_on) for c in cases)
        assert row.cases_not_told == expected_not_told
        assert row.exchanges == sum(
            t.exchanges for t in ExchangeTally.objects.filter(station=station) if _in_fy(t.month)
        )
        assert row.contacts == sum(c.consent == "consented" for c in contacts)
        assert row.referrals == sum(_in_fy(r.referred_on) for r in Referral.objects.filter(station=station))
        assert row.attention == expected_errors + expected_behind + expected_not_told
    ordered = [s.attention for s in rows.values()]
    listed = [
        s.attention for s in queries.stations_overview(world.station_a.__class__.objects.all(), queries.Period.of(FY))
    ]
    assert listed == sorted(ordered, reverse=True)  # the stations needing attention first


def test_c10_1_station_councils_and_meetings_by_month_equal_independent_counts(world):
    """C10.1: the station's councils with their findings and meetings, and its meetings per month against the plan."""
    generate(world, 8)
    station = world.station_a
    period = queries.Period.of(FY)
    councils = {c.pk: c for c in Council.objects.filter(station=station).prefetch_related("meetings")}
    found = [f for f in Finding.objects.select_related("subject") if f.subject.source == "council"]
    for row in queries.councils_of_station(station.pk, period):
        council = councils.pop(row.pk)
        mine = [f for f in found if f.subject.object_id == row.pk]
        regular = [m for m in council.meetings.all() if m.kind == "regular" and m.fiscal_year == FY]
        assert row.errors == sum(f.severity == "error" for f in mine)
        assert row.warnings == sum(f.severity == "warning" for f in mine)
        assert bool(row.behind_plan) == _behind(council)
        assert row.regular_scheduled == sum(m.status in ("planned", "held") for m in regular)
        assert row.regular_held == sum(m.status == "held" for m in regular)
        assert row.ad_hoc_held == sum(
            m.kind == "ad_hoc" and m.fiscal_year == FY and m.status == "held" for m in council.meetings.all()
        )
    assert not councils  # every active council has its row
    by_month = queries.meetings_by_month(station.pk, period)
    scheduled, held = Counter(), Counter()
    for meeting in Meeting.objects.filter(council__station=station):
        day = _local(meeting.starts_at)
        if _in_fy(day):
            scheduled[day.replace(day=1)] += meeting.status in ("planned", "held")
            held[day.replace(day=1)] += meeting.status == "held"
    assert [(r["month"], r["scheduled"], r["held"]) for r in by_month["rows"]] == [
        (m, scheduled[m], held[m]) for m in period.months()
    ]
    assert by_month["scheduled"] == sum(scheduled.values()) and by_month["held"] == sum(held.values())


def test_c8_2_requests_by_category_and_status_and_told_back_in_time(world):
    """C8.2: requests of the year by category and status; of the settled ones, told back in time, late, not yet."""
    generate(world, 10)
    tell_days = PrefectureSettings.current().case_tell_days
    figures = queries.cases_by_category(world.station_a.pk, queries.Period.of(FY))
    cases = [c for c in Case.objects.filter(station=world.station_a) if _in_fy(c.received_on)]
    for row in figures["rows"]:
        mine = [c for c in cases if c.category == row["category"]]
        settled = [c for c in mine if c.status in Case.SETTLED]
        assert row["total"] == len(mine)
        assert [n for _s, _l, n in row["statuses"]] == [sum(c.status == s for c in mine) for s in Case.Status.values]
        assert row["told_in_time"] == sum(
            c.told_on is not None and (c.told_on - c.settled_on).days <= tell_days for c in settled
        )
        assert row["told_late"] == sum(
            c.told_on is not None and (c.told_on - c.settled_on).days > tell_days for c in settled
        )
        assert row["not_told"] == sum(c.told_on is None for c in settled)
    assert figures["totals"]["total"] == len(cases)


def test_c8_2_told_on_the_last_day_is_in_time_and_the_day_after_is_late(world):
    """C8.2: the tell-back limit counts whole days after the settlement, on both databases."""
    tell_days = PrefectureSettings.current().case_tell_days
    settled = TODAY - datetime.timedelta(days=tell_days + 5)
    for told in (settled + datetime.timedelta(days=tell_days), settled + datetime.timedelta(days=tell_days + 1)):
        Case.objects.create(
            station=world.station_a,
            received_on=max(settled, FY_START) if settled >= FY_START else FY_START,
            category=Case.Category.CRIME,
            content="要望",
            raised_by_kind=Case.RaisedBy.MEMBER,
            status=Case.Status.DONE,
            settled_on=settled,
            told_on=told,
            created_by=world.user("community_section"),
        )
    totals = queries.cases_by_category(world.station_a.pk, queries.Period.of(FY))["totals"]
    assert (totals["told_in_time"], totals["told_late"]) == (1, 1)


def test_n4_3_contact_persons_by_area_and_consent(world):
    """N4.2, N4.3: contact persons per municipality and 地区 and per consent status."""
    generate(world, 12)
    figures = queries.contacts_by_area(world.station_a.pk)
    expected = defaultdict(Counter)
    for contact in ContactPerson.objects.filter(station=world.station_a):
        expected[(contact.municipality, contact.district)][contact.consent] += 1
    assert {(r["municipality"], r["district"]): r["counts"] for r in figures["rows"]} == {
        area: {c: counts[c] for c in ContactPerson.Consent.values} for area, counts in expected.items()
    }
    assert figures["total"] == ContactPerson.objects.filter(station=world.station_a).count()


def test_n4_4_station_page_shows_exchanges_per_officer_and_recruitment(world, client_for):
    """N4.4, N4.1: the station page carries the chief's exchanges per officer and month and recruitment by section,
    read by the network's own queries."""
    generate(world, 4)
    response = client_for("station_chief").get(reverse("figures:index"))
    assert response.status_code == 200
    exchanges = response.context["exchanges"]
    expected = sum(t.exchanges for t in ExchangeTally.objects.filter(station=world.station_a) if _in_fy(t.month))
    assert exchanges["total"] == expected
    assert sum(r["made"] for r in response.context["recruitment"]) == sum(
        _in_fy(r.referred_on) and r.section_id is not None for r in Referral.objects.filter(station=world.station_a)
    )
    page = response.content.decode()
    for table in ("councils", "meetings", "cases", "exchanges", "contacts", "recruitment"):
        assert f'id="fig-{table}"' in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_c10_1_pages_cost_the_same_number_of_queries_at_two_sizes(world, client_for):
    """C10.1, N4.4: a constant number of queries whatever the data."""
    hq, chief = client_for("hq_admin"), client_for("station_chief")
    hq_url, station_url = reverse("figures:index"), reverse("figures:station", args=[world.station_a.pk])
    generate(world, 2, seed=1)
    hq.get(hq_url), chief.get(station_url)  # the first request of a session reads more (the session itself)
    small = (_queries(hq, hq_url), _queries(chief, station_url), _queries(hq, station_url))
    generate(world, 9, seed=2)
    large = (_queries(hq, hq_url), _queries(chief, station_url), _queries(hq, station_url))
    assert small == large


def test_scope_station_staff_see_their_own_station_and_hq_every_station(world, client_for):
    chief = client_for("station_chief")
    assert chief.get(reverse("figures:index")).context["station"] == world.station_a
    assert chief.get(reverse("figures:station", args=[world.station_b.pk])).status_code == 404
    hq = client_for("hq_admin")
    page = hq.get(reverse("figures:index"))
    assert {s.pk for s in page.context["stations"].stations} == {world.station_a.pk, world.station_b.pk}
    assert hq.get(reverse("figures:station", args=[world.station_b.pk])).status_code == 200
    assert client_for("koban_staff").get(reverse("figures:index")).status_code == 403


def test_the_fiscal_year_chooser_shows_an_earlier_year_and_ignores_odd_values(world, client_for):
    chief = client_for("station_chief")
    earlier = chief.get(reverse("figures:index"), {"fiscal_year": FY - 1})
    assert earlier.context["period"].start == datetime.date(FY - 1, 4, 1)
    assert "年度" in earlier.context["year_label"]
    assert chief.get(reverse("figures:index"), {"fiscal_year": "x"}).context["year"] == FY


@pytest.mark.parametrize("table", ["councils", "meetings", "cases", "exchanges", "contacts", "recruitment"])
def test_each_station_table_exports_to_excel(world, client_for, table):
    generate(world, 3)
    response = client_for("station_chief").get(reverse("figures:index"), {"table": table, "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content])))
    assert book.active.max_row >= 2


def test_the_hq_table_exports_with_one_row_per_station(world, client_for):
    generate(world, 3)
    response = client_for("hq_admin").get(reverse("figures:index"), {"format": "xlsx"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "警察署" and {r[0] for r in rows[1:]} == {world.station_a.name, world.station_b.name}


def test_the_home_page_has_the_figures_card_for_chiefs_and_hq_only(world, client_for):
    generate(world, 3)
    assert 'id="figures-card"' in client_for("station_chief").get("/").content.decode()
    assert 'id="figures-card"' in client_for("hq_admin").get("/").content.decode()
    assert 'id="figures-card"' not in client_for("koban_staff").get("/").content.decode()


def test_another_officer_of_the_station_reaches_the_page(world, client_for):
    deputy = make_officer("deputy", station=world.station_b, username="deputy_b")
    response = client_for(deputy.user).get(reverse("figures:index"))
    assert response.context["station"] == world.station_b


def test_c10_1_each_hq_number_leads_to_a_list_of_as_many_rows(world, client_for):
    """C10.1: HQ's numbers drill down to the lists behind them — the station's councils, those needing action, the
    year's requests, those not told back in time, the consenting contact persons — and each list holds that many."""
    generate(world, 8)
    hq = client_for("hq_admin")
    page = hq.get(reverse("figures:index"))
    row = next(s for s in page.context["stations"].stations if s.pk == world.station_a.pk)
    html = page.content.decode()
    links = {
        "council_count": f"/councils/?station={row.pk}",
        "councils_error": f"/councils/?station={row.pk}&amp;finding=error",
        "case_count": f"/cases/?station={row.pk}&amp;fiscal_year={FY}",
        "cases_not_told": f"/cases/?station={row.pk}&amp;finding=not_told",
        "contacts": f"/network/contacts/?station={row.pk}&amp;consent=consented",
    }
    for figure, link in links.items():
        assert f'href="{link}"' in html, figure
        listed = hq.get(link.replace("&amp;", "&")).context["page"].paginator.count
        assert listed == getattr(row, figure), figure
    assert f'href="/figures/stations/{row.pk}/?fiscal_year={FY}"' in html


def test_c10_1_hq_table_pages_the_stations_needing_attention_first_with_totals_over_all(world, client_for, monkeypatch):
    """Issue 8: the HQ table shows a page of stations, ordered from the tally kept with the stored findings; the totals
    are those of every station, whichever page is shown; the file holds every station."""
    generate(world, 8)
    period = queries.Period.of(FY)
    every = list(queries.stations_overview(world.station_a.__class__.objects.all(), period))
    assert len(every) == 2 and every[0].attention > every[1].attention  # the generated data tells them apart
    expected = {name: sum(getattr(s, name) for s in every) for name in queries.SUMMED}
    assert queries.prefecture_totals(world.station_a.__class__.objects.all(), period) == expected
    monkeypatch.setattr(queries, "STATIONS_PER_PAGE", 1)
    hq = client_for("hq_admin")
    pages = [hq.get(reverse("figures:index"), {"page": n}).context for n in (1, 2)]
    assert [[s.pk for s in p["stations"].stations] for p in pages] == [[every[0].pk], [every[1].pk]]
    assert all(p["stations"].totals == expected for p in pages)
    html = hq.get(reverse("figures:index")).content.decode()
    assert "全署の計" in html and "page=2" in html
    response = hq.get(reverse("figures:index"), {"format": "xlsx", "page": 2})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert len(list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))) == 3  # heading + 2
