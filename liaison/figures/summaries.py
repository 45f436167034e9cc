"""Council summaries as prefectures publish them: member mix (gender, age band, community-leader category ア–エ,
C3.2(2)ア・イ), attendance rate, opinions and requests by category, and how soon attendees were told the outcome
(C8.2) — per council, per station, per prefecture, for one fiscal year.

Every figure is one SQL aggregate grouped by council or by station (conditional ``Count``), so a page costs the same
number of queries whatever the number of councils, members, meetings or cases; Python only lays the aggregated rows
out as tables and divides two totals for a rate.

Definitions (the pages state them too):

* **Members counted** are the terms (memberships) current on the year's *reference date*: today while the fiscal
  year runs, its last day (31 March) for a past year, its first day (1 April) for a future one.
* **Age band**: ten-year bands of the age in full years on the reference date. An age band is a range of birth
  dates (aged 30 or more ⇔ born on or before the reference date thirty years earlier), so SQL compares dates and
  never computes an age. No birth date, or one after the reference date, is 不明.
* **Gender** as recorded; a blank one is 不明. **Leader category** ア–エ as recorded on the term, or none.
* **Attendance rate** = member attendances ÷ members invited, over the year's held meetings, where the members
  invited to a meeting are the terms current on its day (members × meetings, each meeting with its own members).
* **Opinions** are the cases raised at the council's meetings and received in the fiscal year, by category.
* **Time to tell** counts, of those cases, the settled ones (措置済・措置困難, which have a 措置日): told how many days
  after the measure — the average, and how many within ``case_tell_days`` — and how many are not told yet. The
  average and the count within the limit are SQL aggregates; a median is not computed (SQLite has no percentile
  function, and reading every case's days into Python would make the cost grow with the cases).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Func, IntegerField, Q, QuerySet
from django.db.models.functions import TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from liaison.cases.models import Case
from liaison.cases.rules import fiscal_year_of, fiscal_year_range
from liaison.councils.models import Membership
from liaison.lib.wareki import TOKYO, era_year
from liaison.meetings.models import Meeting, MeetingCase
from liaison.people.models import Person

# The unit a table has one row per: the path from each aggregated model to it.
STATION, COUNCIL = "station", "council"
_PATHS = {
    Membership: {STATION: "council__station", COUNCIL: "council"},
    Meeting: {STATION: "council__station", COUNCIL: "council"},
    MeetingCase: {STATION: "meeting__council__station", COUNCIL: "meeting__council"},
}
_COUNCIL_PATH = {Membership: "council", Meeting: "council", MeetingCase: "meeting__council"}

UNKNOWN = "unknown"
NOT_LEADER = "none"

# (key, label, lowest age, age the band ends before); the last band has no end.
AGE_BANDS: list[tuple[str, object, int, int | None]] = [
    ("under_30", _("〜29歳"), 0, 30),
    ("30s", _("30代"), 30, 40),
    ("40s", _("40代"), 40, 50),
    ("50s", _("50代"), 50, 60),
    ("60s", _("60代"), 60, 70),
    ("70s", _("70代"), 70, 80),
    ("80_plus", _("80歳以上"), 80, None),
]
GENDERS: list[tuple[str, object]] = [*Person.Gender.choices, (UNKNOWN, _("不明"))]
LEADERS: list[tuple[str, object]] = [
    ("a", _("ア")),
    ("i", _("イ")),
    ("u", _("ウ")),
    ("e", _("エ")),
    (NOT_LEADER, _("リーダー以外")),
]
CATEGORIES: list[tuple[str, object]] = list(Case.Category.choices)


# --- The year ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Year:
    """A fiscal year (April to March) and the day its members are counted on."""

    fiscal_year: int
    start: datetime.date
    end: datetime.date
    reference: datetime.date

    @classmethod
    def of(cls, fiscal_year: int, today: datetime.date) -> Year:
        start, end = fiscal_year_range(fiscal_year)
        reference = today if start <= today <= end else end if today > end else start
        return cls(fiscal_year, start, end, reference)

    @property
    def label(self) -> str:
        return fiscal_year_label(self.fiscal_year)


def fiscal_year_label(year: int) -> str:
    """``2025`` → ``令和7年度（2025年度）``. A year is named in the era of its last day, so the year in which an era
    began is its first year (2019 → 令和元年度, as offices write it, not 平成31年度)."""
    start, end = fiscal_year_range(year)
    name, end_year = era_year(end)
    era_number = end_year - (end.year - start.year)
    if era_number < 1:  # the era began in the year's last three months: name the year in the era of its start
        name, era_number = era_year(start)
    number = "元" if era_number == 1 else str(era_number)
    return f"{name}{number}年度（{year}年度）"


def current_fiscal_year(today: datetime.date) -> int:
    return fiscal_year_of(today)


def councils_of_year(councils: QuerySet, year: Year) -> QuerySet:
    """The councils that existed at some time in the year: set up before its end, not closed before its start."""
    return councils.filter(established_on__lte=year.end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=year.start)
    )


# --- The aggregates ------------------------------------------------------------------------------------------------


class DaysAfter(Func):
    """Whole days from the second date column to the first (``later - earlier``; NULL when either is NULL), the same
    on SQLite and PostgreSQL."""

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL: date - date is an integer number of days
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _grouped(qs: QuerySet, model, by: str, **aggregates) -> dict[int, dict]:
    """One GROUP BY query: ``{unit id: {name: value}}`` for the units (stations or councils) that have rows."""
    rows = qs.values(unit=F(_PATHS[model][by])).annotate(**aggregates).order_by()
    return {row.pop("unit"): row for row in rows}


def _of_councils(model, councils: QuerySet) -> Q:
    return Q(**{f"{_COUNCIL_PATH[model]}__in": councils.values("pk")})


def _years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` earlier; 29 February becomes 28 February in a common year (who was born on 28
    February is a year older on 29 February, and who was born on 1 March is not yet)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _age_band_filter(reference: datetime.date, low: int, high: int | None) -> Q:
    """The members whose age in full years on ``reference`` is at least ``low`` and below ``high``."""
    condition = Q(person__birth_date__lte=_years_before(reference, low))
    if high is not None:
        condition &= Q(person__birth_date__gt=_years_before(reference, high))
    return condition


def current_on(day) -> Q:
    """Terms served on ``day`` (a date or a date expression): started, not past their end, not ended early."""
    return Q(start_date__lte=day, end_date__gte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day))


def member_mix(councils: QuerySet, year: Year, by: str) -> dict[int, dict]:
    """Members on the reference date by gender, age band and leader category, per unit: one query."""
    ref = year.reference
    count = {"members": Count("pk")}
    for key, _label in GENDERS:
        gender = "" if key == UNKNOWN else key
        count[f"gender_{key}"] = Count("pk", filter=Q(person__gender=gender))
    for key, _label, low, high in AGE_BANDS:
        count[f"age_{key}"] = Count("pk", filter=_age_band_filter(ref, low, high))
    count[f"age_{UNKNOWN}"] = Count("pk", filter=Q(person__birth_date__isnull=True) | Q(person__birth_date__gt=ref))
    for key, _label in LEADERS:
        count[f"leader_{key}"] = Count("pk", filter=Q(leader_category="" if key == NOT_LEADER else key))
    qs = Membership.objects.filter(_of_councils(Membership, councils), current_on(ref))
    return _grouped(qs, Membership, by, **count)


def _held(councils: QuerySet, year: Year) -> QuerySet:
    return Meeting.objects.filter(_of_councils(Meeting, councils), fiscal_year=year.fiscal_year, status="held")


def attendance(councils: QuerySet, year: Year, by: str) -> dict[int, dict]:
    """Held meetings of the year, member attendances and members invited, per unit: two queries (the attendances
    and the members are two joins of the meetings, so they are counted apart to keep either from multiplying)."""
    attended = _grouped(
        _held(councils, year), Meeting, by, held=Count("pk", distinct=True), attended=Count("attendances")
    )
    day = TruncDate("starts_at", tzinfo=TOKYO)
    invited_on_day = Q(
        council__memberships__start_date__lte=day,
        council__memberships__end_date__gte=day,
    ) & (Q(council__memberships__ended_on__isnull=True) | Q(council__memberships__ended_on__gte=day))
    invited = _grouped(_held(councils, year), Meeting, by, invited=Count("council__memberships", filter=invited_on_day))
    return {unit: {**row, **invited.get(unit, {"invited": 0})} for unit, row in attended.items()}


def opinions(councils: QuerySet, year: Year, by: str, *, tell_days: int) -> dict[int, dict]:
    """Cases raised at the units' meetings and received in the year, by category, and how soon the settled ones were
    told back (C8.2), per unit: one query."""
    days = DaysAfter("case__told_on", "case__settled_on")
    settled = Q(case__settled_on__isnull=False)
    count = {"cases": Count("pk")}
    for key, _label in CATEGORIES:
        count[f"category_{key}"] = Count("pk", filter=Q(case__category=key))
    count.update(
        settled=Count("pk", filter=settled),
        told=Count("pk", filter=settled & Q(case__told_on__isnull=False)),
        within=Count("pk", filter=LessThanOrEqual(days, tell_days)),
        not_told=Count("pk", filter=settled & Q(case__told_on__isnull=True)),
        average_days=Avg(days),
    )
    qs = MeetingCase.objects.filter(
        _of_councils(MeetingCase, councils), case__received_on__range=(year.start, year.end)
    )
    return _grouped(qs, MeetingCase, by, **count)


# --- The tables ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: object
    kind: str = "count"  # count, rate (a percentage), days (an average)


@dataclass
class Row:
    """One unit's row: its name, the page it links to, and one value per column (None shows as —)."""

    label: str
    url: str = ""
    values: list = field(default_factory=list)
    cells: list[tuple[Column, object]] = field(default_factory=list, init=False)  # (column, value), for templates


@dataclass
class Figure:
    """One table of a summary page: its id (the HTML id and the ``?table=`` of its export), its title, its columns,
    one row per unit and the total row. Charts read the same object."""

    key: str
    title: object
    columns: list[Column]
    rows: list[Row]
    total: Row
    personal_field: str = ""  # the personal-data field (gender, age) a reader must be allowed to see, if any

    def __post_init__(self):
        for row in [*self.rows, self.total]:
            row.cells = list(zip(self.columns, row.values, strict=True))


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class Unit:
    pk: int
    label: str
    url: str = ""


def _sum(rows: Iterable[dict], key: str) -> int:
    return sum(row.get(key, 0) for row in rows)


def _figure(
    key, title, columns, units: list[Unit], data: dict[int, dict], values: Callable[[dict], list], **extra
) -> Figure:
    rows = [Row(unit.label, unit.url, values(data.get(unit.pk, {}))) for unit in units]
    keys = {k for row in data.values() for k in row}
    totals = {k: _sum((data.get(unit.pk, {}) for unit in units), k) for k in keys if k != "average_days"}
    if "average_days" in keys:  # the average of all told cases: each unit's average weighted by its told cases
        told = totals.get("told", 0)
        weighted = sum((data.get(u.pk, {}).get("average_days") or 0) * data.get(u.pk, {}).get("told", 0) for u in units)
        totals["average_days"] = weighted / told if told else None
    return Figure(key, title, columns, rows, Row(str(_("計")), "", values(totals)), **extra)


def figures(
    councils: QuerySet, year: Year, by: str, units: list[Unit], *, tell_days: int, personal: Iterable[str] = ()
) -> list[Figure]:
    """Every table of a summary page: one row per unit (stations or councils, in the order given) and a total.
    ``personal`` names the personal-data fields (gender, age) the reader may see; the tables of the others are left
    out. Four queries, whatever the number of units."""
    personal = set(personal)
    mix = member_mix(councils, year, by)
    met = attendance(councils, year, by)
    raised = opinions(councils, year, by, tell_days=tell_days)

    def g(row: dict, key: str) -> int:  # a unit without rows has zeros
        return row.get(key, 0)

    def leaders(row):
        members, non = g(row, "members"), g(row, f"leader_{NOT_LEADER}")
        return [members, *[g(row, f"leader_{k}") for k, _l in LEADERS], _rate(members - non, members)]

    result = [
        _figure(
            "leaders",
            _("委員数とコミュニティ・リーダーの区分"),
            [
                Column("members", _("委員数")),
                *[Column(f"leader_{k}", label) for k, label in LEADERS],
                Column("leader_rate", _("リーダーの割合（%）"), "rate"),
            ],
            units,
            mix,
            leaders,
        )
    ]
    if "gender" in personal:
        result.append(
            _figure(
                "gender",
                _("委員の性別"),
                [Column("members", _("委員数")), *[Column(f"gender_{k}", label) for k, label in GENDERS]],
                units,
                mix,
                lambda row: [g(row, "members"), *[g(row, f"gender_{k}") for k, _l in GENDERS]],
                personal_field="gender",
            )
        )
    if "age" in personal:
        ages = [*[(k, label) for k, label, _lo, _hi in AGE_BANDS], (UNKNOWN, _("不明"))]
        result.append(
            _figure(
                "age",
                _("委員の年齢層"),
                [Column("members", _("委員数")), *[Column(f"age_{k}", label) for k, label in ages]],
                units,
                mix,
                lambda row: [g(row, "members"), *[g(row, f"age_{k}") for k, _l in ages]],
                personal_field="age",
            )
        )
    result.append(
        _figure(
            "attendance",
            _("会議への出席"),
            [
                Column("held", _("開催した会議")),
                Column("invited", _("延べ委員数")),
                Column("attended", _("延べ出席委員数")),
                Column("attendance_rate", _("出席率（%）"), "rate"),
            ],
            units,
            met,
            lambda row: [
                g(row, "held"),
                g(row, "invited"),
                g(row, "attended"),
                _rate(g(row, "attended"), g(row, "invited")),
            ],
        )
    )
    result.append(
        _figure(
            "opinions",
            _("分類別の意見・要望"),
            [Column("cases", _("件数")), *[Column(f"category_{k}", label) for k, label in CATEGORIES]],
            units,
            raised,
            lambda row: [g(row, "cases"), *[g(row, f"category_{k}") for k, _l in CATEGORIES]],
        )
    )
    result.append(
        _figure(
            "telling",
            _("措置状況の連絡までの日数"),
            [
                Column("settled", _("措置した件数")),
                Column("told", _("連絡済み")),
                Column("average_days", _("平均日数"), "days"),
                Column("within", _("%(days)s日以内に連絡") % {"days": tell_days}),
                Column("late", _("%(days)s日を過ぎて連絡") % {"days": tell_days}),
                Column("not_told", _("未連絡")),
            ],
            units,
            raised,
            lambda row: [
                g(row, "settled"),
                g(row, "told"),
                None if row.get("average_days") is None else round(row["average_days"], 1),
                g(row, "within"),
                g(row, "told") - g(row, "within"),
                g(row, "not_told"),
            ],
        )
    )
    return result
