"""Council summaries: each figure equals the same count made here in plain Python over a generated data set, on
every level (council, station, prefecture), at a constant number of queries; pages, exports and scope."""

from __future__ import annotations

import datetime
import random
from statistics import mean

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.cases.models import Case
from liaison.councils.models import Council, Membership
from liaison.figures import summaries
from liaison.lib.wareki import TOKYO
from liaison.meetings.models import Attendance, Meeting, MeetingCase
from liaison.people.models import Person
from liaison.testing import export_rows

FY = 2025
REFERENCE = datetime.date(2025, 11, 26)
YEAR = summaries.Year.of(FY, REFERENCE)
TELL_DAYS = 30
GENDERS = ["female", "male", "other", "no_answer", ""]
LEADERS = ["a", "i", "u", "e", ""]


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def _birth_date(rng: random.Random) -> datetime.date | None:
    """Ages across every band, with the edges: a birthday on the reference day or the day after, 29 February, none."""
    pick = rng.random()
    if pick < 0.1:
        return None
    if pick < 0.25:  # exactly 30/40/…/80 today, or one day short of it
        years = rng.choice([30, 40, 50, 60, 70, 80])
        return REFERENCE.replace(year=REFERENCE.year - years) + datetime.timedelta(days=rng.choice([0, 1]))
    if pick < 0.3:
        return datetime.date(rng.choice([1948, 1956, 1964, 1996]), 2, 29)
    return _day(rng, datetime.date(1930, 1, 1), datetime.date(2004, 12, 31))


def _generate(world, rng: random.Random, councils_per_station=(3, 2)) -> list[Council]:
    """Councils of stations A and B with members (current, past, future, ended early), meetings of this year and
    others (held, planned, cancelled; some at half past midnight Tokyo time), attendances and cases."""
    user = world.user("community_section")
    councils = []
    seq = 0
    for station, n in zip([world.station_a, world.station_b], councils_per_station, strict=True):
        for c in range(n):
            council = Council.objects.create(
                station=station, name=f"{station.name}第{c + 1}協議会", established_on=datetime.date(2010, 4, 1)
            )
            councils.append(council)
            memberships = []
            for _m in range(rng.randint(3, 14)):
                seq += 1
                person = Person.objects.create(
                    station=station,
                    family_name=f"委員{seq}",
                    given_name="太郎",
                    family_kana="イイン",
                    given_kana="タロウ",
                    gender=rng.choice(GENDERS),
                    birth_date=_birth_date(rng),
                )
                start = _day(rng, datetime.date(2023, 4, 1), datetime.date(2026, 3, 1))
                end = start + datetime.timedelta(days=rng.choice([365, 730]))
                ended_on = None
                if rng.random() < 0.2:
                    ended_on = _day(rng, start, end)
                memberships.append(
                    Membership.objects.create(
                        council=council,
                        person=person,
                        station=station,
                        start_date=start,
                        end_date=end,
                        ended_on=ended_on,
                        leader_category=rng.choice(LEADERS),
                    )
                )
            for _k in range(rng.randint(0, 6)):
                fiscal_year = rng.choice([FY, FY, FY, FY - 1])
                first, last = datetime.date(fiscal_year, 4, 1), datetime.date(fiscal_year + 1, 3, 31)
                day = _day(rng, first, last)
                hour, minute = rng.choice([(0, 30), (10, 0), (19, 0), (23, 45)])
                meeting = Meeting.objects.create(
                    council=council,
                    kind=Meeting.Kind.AD_HOC,
                    fiscal_year=fiscal_year,
                    status=rng.choice(["held", "held", "held", "planned", "cancelled"]),
                    starts_at=datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO),
                    venue_kind=Meeting.VenueKind.KOBAN,
                    venue_name="交番",
                    created_by=user,
                )
                present = [m for m in memberships if m.is_current(day) and rng.random() < 0.7]
                Attendance.objects.bulk_create([Attendance(meeting=meeting, membership=m) for m in present])
                for _o in range(rng.randint(0, 4)):
                    received = _day(rng, datetime.date(FY - 1, 10, 1), datetime.date(FY + 1, 5, 31))
                    status = rng.choice(["received", "considering", "done", "difficult", "long_term"])
                    settled_on = told_on = None
                    if status in ("done", "difficult"):
                        settled_on = received + datetime.timedelta(days=rng.randint(0, 60))
                        if rng.random() < 0.7:
                            told_on = settled_on + datetime.timedelta(days=rng.choice([0, 5, 29, 30, 31, 90]))
                    elif status == "long_term" and rng.random() < 0.5:
                        told_on = received + datetime.timedelta(days=10)  # told, but no measure to count from
                    case = Case.objects.create(
                        station=station,
                        received_on=received,
                        category=rng.choice(Case.Category.values),
                        content="街灯が暗い",
                        raised_by_kind=Case.RaisedBy.MEMBER,
                        status=status,
                        settled_on=settled_on,
                        told_on=told_on,
                        created_by=user,
                    )
                    MeetingCase.objects.create(meeting=meeting, case=case)
    return councils


# --- The same figures, counted here in plain Python ----------------------------------------------------------------


def _band(person: Person) -> str:
    age = person.age(REFERENCE)
    if age is None:
        return "unknown"
    if age < 30:
        return "under_30"
    if age >= 80:
        return "80_plus"
    return f"{age // 10 * 10}s"


def _expected(councils: list[Council]) -> dict:
    """Every count of the summaries over ``councils``, from the rows one by one."""
    ids = [c.pk for c in councils]
    members = [
        m for m in Membership.objects.filter(council__in=ids).select_related("person") if m.is_current(REFERENCE)
    ]
    result: dict = {"members": len(members)}
    for gender in GENDERS:
        result[f"gender_{gender or 'unknown'}"] = sum(m.person.gender == gender for m in members)
    for band in ["under_30", "30s", "40s", "50s", "60s", "70s", "80_plus", "unknown"]:
        result[f"age_{band}"] = sum(_band(m.person) == band for m in members)
    for leader in LEADERS:
        result[f"leader_{leader or 'none'}"] = sum(m.leader_category == leader for m in members)

    held = [m for m in Meeting.objects.filter(council__in=ids) if m.status == "held" and m.fiscal_year == FY]
    result["held"] = len(held)
    result["attended"] = sum(Attendance.objects.filter(meeting=m).count() for m in held)
    all_terms = list(Membership.objects.filter(council__in=ids))
    result["invited"] = sum(
        sum(t.council_id == m.council_id and t.is_current(m.starts_at.astimezone(TOKYO).date()) for t in all_terms)
        for m in held
    )

    cases = [
        link.case
        for link in MeetingCase.objects.filter(meeting__council__in=ids).select_related("case")
        if YEAR.start <= link.case.received_on <= YEAR.end
    ]
    result["cases"] = len(cases)
    for category in Case.Category.values:
        result[f"category_{category}"] = sum(c.category == category for c in cases)
    settled = [c for c in cases if c.settled_on is not None]
    told_days = [(c.told_on - c.settled_on).days for c in settled if c.told_on is not None]
    result["settled"] = len(settled)
    result["told"] = len(told_days)
    result["within"] = sum(d <= TELL_DAYS for d in told_days)
    result["not_told"] = sum(c.told_on is None for c in settled)
    result["average_days"] = round(mean(told_days), 1) if told_days else None
    return result


def _as_counts(figures: list[summaries.Figure], row_of) -> dict:
    """The numbers of one row of every table, by column key."""
    found = {}
    for figure in figures:
        row = row_of(figure)
        for column, value in row.cells:
            found[column.key] = value
    return found


def _comparable(expected: dict) -> dict:
    """The expected counts as the tables show them (rates and the late count derived the same way)."""
    shown = dict(expected)
    members, non = expected["members"], expected["leader_none"]
    shown["leader_rate"] = round(100 * (members - non) / members, 1) if members else None
    shown["attendance_rate"] = (
        round(100 * expected["attended"] / expected["invited"], 1) if expected["invited"] else None
    )
    shown["late"] = expected["told"] - expected["within"]
    return shown


def _units(councils):
    return [summaries.Unit(c.pk, c.name) for c in councils]


def _station_units(world):
    return [summaries.Unit(s.pk, s.name) for s in (world.station_a, world.station_b)]


def _figures(councils_qs, by, units):
    return summaries.figures(councils_qs, YEAR, by, units, tell_days=TELL_DAYS, personal={"gender", "age"})


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_c3_2_2_a_c3_2_2_i_c8_2_each_council_figure_equals_an_independent_count(world, seed):
    """C3.2(2)ア・イ, C8.2: per council, members by gender, age band and leader category, attendance, opinions by
    category and time to tell all equal the counts made row by row in Python."""
    councils = _generate(world, random.Random(seed))
    figures = _figures(Council.objects.all(), summaries.COUNCIL, _units(councils))
    for i, council in enumerate(councils):
        found = _as_counts(figures, lambda f, i=i: f.rows[i])
        expected = _comparable(_expected([council]))
        assert found == {k: expected[k] for k in found}, council.name
        assert set(expected) - set(found) == set()  # every independent count is shown somewhere


@pytest.mark.django_db
def test_c10_1_station_and_prefecture_rows_and_totals_equal_independent_counts(world):
    """C10.1: one row per station (and the prefecture's total) equal to the counts over the stations' councils."""
    councils = _generate(world, random.Random(3))
    figures = _figures(Council.objects.all(), summaries.STATION, _station_units(world))
    for i, station in enumerate([world.station_a, world.station_b]):
        found = _as_counts(figures, lambda f, i=i: f.rows[i])
        expected = _comparable(_expected([c for c in councils if c.station_id == station.pk]))
        assert found == {k: expected[k] for k in found}, station.name
    total = _as_counts(figures, lambda f: f.total)
    expected = _comparable(_expected(councils))
    assert total == {k: expected[k] for k in total}


@pytest.mark.django_db
def test_summary_costs_the_same_number_of_queries_for_few_and_many_councils(world, django_assert_num_queries):
    """Lists cost the same at any size: four aggregate queries for 2 councils and for 12."""
    _generate(world, random.Random(4), councils_per_station=(1, 1))
    units = _station_units(world)
    with django_assert_num_queries(4):
        _figures(Council.objects.all(), summaries.STATION, units)
    _generate(world, random.Random(5), councils_per_station=(6, 4))
    with django_assert_num_queries(4):
        _figures(Council.objects.all(), summaries.STATION, units)


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_pages_cost_the_same_number_of_queries_at_any_size(world, client_for):
    """The prefecture, station and council pages read a fixed number of queries whatever the data."""
    hq = client_for("hq_admin")
    urls = lambda c: [  # noqa: E731
        reverse("figures:summary_prefecture"),
        reverse("figures:summary_station", args=[world.station_a.pk]),
        reverse("figures:summary_council", args=[c.pk]),
    ]
    small = _generate(world, random.Random(6), councils_per_station=(1, 1))
    for url in urls(small[0]):  # the first request of a session also reads and creates what later ones find
        hq.get(url)
    before = [_page_queries(hq, url) for url in urls(small[0])]
    more = _generate(world, random.Random(7), councils_per_station=(5, 3))
    assert [_page_queries(hq, url) for url in urls(more[0])] == before


def test_fiscal_year_labels_are_named_in_the_era_of_the_year():
    assert summaries.fiscal_year_label(2025) == "令和7年度（2025年度）"
    assert summaries.fiscal_year_label(2019) == "令和元年度（2019年度）"
    assert summaries.fiscal_year_label(2018) == "平成30年度（2018年度）"
    assert summaries.fiscal_year_label(1988) == "昭和63年度（1988年度）"  # 平成 began in its last three months


def test_the_reference_date_is_today_in_the_year_its_end_after_it_its_start_before_it():
    assert summaries.Year.of(2025, datetime.date(2025, 11, 26)).reference == datetime.date(2025, 11, 26)
    assert summaries.Year.of(2024, datetime.date(2025, 11, 26)).reference == datetime.date(2025, 3, 31)
    assert summaries.Year.of(2026, datetime.date(2025, 11, 26)).reference == datetime.date(2026, 4, 1)


# --- Pages, links, exports and scope -------------------------------------------------------------------------------


def _current_year_council(world, station):
    """A council with two current members (a woman of 45, a leader ア; a man with no birth date) and a held meeting."""
    from liaison.lib.dates import today_tokyo

    today = today_tokyo()
    council = Council.objects.create(
        station=station, name=f"{station.name}中央協議会", established_on=today.replace(year=2010)
    )
    for gender, birth, leader in [("female", today.replace(year=today.year - 45), "a"), ("male", None, "")]:
        person = Person.objects.create(
            station=station, family_name="委員", given_name="花子", family_kana="イイン", given_kana="ハナコ",
            gender=gender, birth_date=birth,
        )  # fmt: skip
        Membership.objects.create(
            council=council, person=person, station=station, start_date=today.replace(year=today.year - 1),
            end_date=today.replace(year=today.year + 1), leader_category=leader,
        )  # fmt: skip
    return council


@pytest.mark.django_db
def test_c10_1_pages_drill_down_from_prefecture_to_station_to_council(world, client_for):
    """C10.1: the prefecture links each station to its page, the station each council, the council its own page."""
    council = _current_year_council(world, world.station_a)
    hq = client_for("hq_admin")
    page = hq.get(reverse("figures:summary_prefecture")).content.decode()
    assert reverse("figures:summary_station", args=[world.station_a.pk]) in page
    assert 'id="table-leaders"' in page and 'id="table-gender"' in page and 'class="cards"' in page
    page = hq.get(reverse("figures:summary_station", args=[world.station_a.pk])).content.decode()
    assert reverse("figures:summary_council", args=[council.pk]) in page
    response = hq.get(reverse("figures:summary_council", args=[council.pk]))
    assert reverse("councils:detail", args=[council.pk]) in response.content.decode()
    leaders = response.context["leaders"]
    assert leaders.rows[0].values[:2] == [2, 1]  # two members, one of category ア
    # one in her forties, one of unknown age
    assert response.context["age"].rows[0].values[3] == 1 and response.context["age"].rows[0].values[-1] == 1


@pytest.mark.django_db
def test_x2_station_users_see_their_station_and_not_the_prefecture_or_another_station(world, client_for):
    """X2: a station user opens their station and its councils; the prefecture is 403, station B's pages 404."""
    own = _current_year_council(world, world.station_a)
    other = _current_year_council(world, world.station_b)
    chief = client_for("station_chief")
    assert chief.get(reverse("figures:summary")).url == reverse("figures:summary_station", args=[world.station_a.pk])
    assert chief.get(reverse("figures:summary_prefecture")).status_code == 403
    assert chief.get(reverse("figures:summary_council", args=[own.pk])).status_code == 200
    assert chief.get(reverse("figures:summary_station", args=[world.station_b.pk])).status_code == 404
    assert chief.get(reverse("figures:summary_council", args=[other.pk])).status_code == 404


@pytest.mark.django_db
def test_x2_gender_and_age_tables_only_for_those_who_may_see_those_fields(world, client_for):
    """X2: section staff (no people permission) get no gender or age table and may not export one."""
    council = _current_year_council(world, world.station_a)
    url = reverse("figures:summary_council", args=[council.pk])
    staff = client_for("section_staff")
    response = staff.get(url)
    assert "gender" not in response.context and "age" not in response.context
    assert 'id="table-gender"' not in response.content.decode()
    assert staff.get(url, {"table": "gender", "format": "xlsx"}).status_code == 403
    assert staff.get(url, {"table": "leaders", "format": "csv"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_each_table_exports_its_rows_and_total(world, client_for, fmt):
    """Every table of the station page exports as the page shows it, audited."""
    from liaison.audit.models import AuditEntry

    councils = _generate(world, random.Random(8))
    client = client_for("community_section")
    url = reverse("figures:summary_station", args=[world.station_a.pk])
    page = client.get(url, {"year": FY})
    for figure in page.context["figures"]:
        rows = export_rows(client.get(url, {"year": FY, "table": figure.key, "format": fmt}))
        assert rows[0] == ["連絡協議会", *[str(c.label) for c in figure.columns]]
        assert [r[0] for r in rows[1:]] == [
            *sorted(c.name for c in councils if c.station_id == world.station_a.pk),
            "計",
        ]
        assert [float(v) if v else None for v in rows[-1][1:]] == figure.total.values  # Excel keeps 31.0 as 31
    assert AuditEntry.objects.filter(action__startswith="figures.summary_").count() == len(page.context["figures"])
