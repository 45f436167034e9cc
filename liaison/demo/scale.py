"""A prefecture at the size of the largest real forces, and ten times that, for ``manage.py generate_scale``.

The demo (``load_demo``) goes through the actions, one row at a time, so that it is what a station would have typed
in; at 150,000 people that would take hours. This module writes the same kinds of rows straight into the tables
as plain rows (``RowWriter``: ``COPY`` / INSERTs of thousands of rows), station by station, and holds only one
station's rows in memory at a time:

* HQ divisions and their officers (from ``builders``);
* per station: the station, its five sections, 交番・駐在所, officers with ranks, titles and roles, councils (most
  kobans have a 所管区 council; a few have none, a few pairs of 駐在所 share a 単位連絡協議会, a few urban stations
  add a 職種等連絡協議会) with an operation manager, mostly confirmed by the station chief;
* for each council, seats (one chair, vice-chairs, other posts, members with community-leader categories) and ten
  years of two-year terms: most members are reappointed, some retire at a term's end, a few resign, die or take up
  public office in mid-term (a ``PublicOfficeRecord`` and a notice to the operation manager) and are followed by a
  successor for the rest of the term;
* the people (readings, birth dates, genders, occupations and organisations, addresses, phones) who hold the seats;
* for each council, the meetings of the last fiscal year and of this one so far (2–3 regular meetings a year, numbered
  within the year, now and then an ad hoc one, the next one planned when it is near), with the members serving that
  day who came (about eight), now and then a guest, the officers who attended (2–3, each with the executive class
  of ``liaison.demo.meetings.executive_class``), and the requests raised (about 1.5 a meeting) with their answers and
  a dated history up to their status today.

* the community safety network (issue 10), in a pass of its own after every station (see its section below): about
  27 contact persons a koban (30,000 at ``prefecture``) in every consent state with their dated consent history and
  concurrent roles, a third of them people already on record (council members first: the same person record), the
  rest new people with readings; and a year of information exchanges with them (about 1,000,000 at ``prefecture``),
  their contact persons (the M2M rows), ミニ広報紙・交番速報 handed out, and for 2 % a request, which is a case with
  its history. ``last_exchange_on`` is each contact person's latest exchange; a few consenting ones have not been
  met for more than 90 days. The exchanges and their M2M and material rows are made as tuples, not model instances:
  at ``x10`` they are ten million, not capped; on SQLite their indexes are built once they are all written.

It writes no audit entries, no reviews, no print jobs, no election periods, no problem-solving activities, and of the
network no referrals, safety information, distributions, 地域安全の会 or 巡回連絡強化日.

Every station's rows come from generators seeded with the seed and the station's number alone, so station *n* is
the same at every scale: ``prefecture`` is the first hundred stations of ``x10``, and a page about one station shows
the same data at both. The meetings of a station come from a generator of their own (seeded likewise), so the
organisation and the councils are the same as before meetings were generated. Station 1 is the bench station: the largest, holding the demo logins (``demo_chief`` …,
password ``DEMO_PASSWORD``), which the benchmark uses. Term dates are relative to the day the data is generated
(terms must be ending soon for the renewal workbench to have work), so the same seed on the same day gives the same
rows, ids included: ids are assigned here, in creation order, and the PostgreSQL sequences are moved past them.

The rows satisfy the database's constraints (terms end after they start, one open term per person and one open chair
per council on any first or last day) and the actions' rules (no person holds two seats at once, one chair per term).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import itertools
import math
import random
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models.fields import AutoFieldMixin
from faker import Faker
from faker.providers.address.ja_JP import Provider as FakerAddress

from liaison.cases.models import Case, CaseUpdate
from liaison.councils.models import Council, Membership, Notice
from liaison.councils.rules import add_years, term_end
from liaison.demo.builders import (
    DEMO_PASSWORD,
    FEMALE_SHARE,
    HQ_ADMINS,
    HQ_DIVISIONS,
    HQ_STAFF_POSTS,
    SECTIONS,
    STATIONS,
)
from liaison.demo.councils import (
    AZA,
    OTHER_POSTS,
    RESIGN_NOTES,
    _fit_age,
    _persona,
    _Place,
    _public_office,
)
from liaison.demo.meetings import (
    AD_HOC_TRIGGERS,
    GUESTS,
    PLANNED_AHEAD_DAYS,
    REQUESTS,
    case_story,
    executive_class,
    fiscal_start,
    regular_days,
)
from liaison.demo.meetings import at as meeting_time
from liaison.demo.names import full_name
from liaison.lib.kana import family_given_key, reading_sort_key
from liaison.lib.planner import gather_statistics
from liaison.lib.wareki import TOKYO, to_wareki
from liaison.meetings.models import Attendance, Guest, Meeting, MeetingCase, PoliceAttendee
from liaison.network.models import (
    ConsentChange,
    ContactPerson,
    ContactRole,
    Exchange,
    ExchangeCase,
    ExchangeMaterial,
)
from liaison.network.tally import tally_rows
from liaison.org.models import HQDivision, Koban, Officer, PrefectureSettings, Rank, Section, Station
from liaison.people.models import (
    GRAM_COLUMNS,
    PREFIX_COLUMNS,
    Person,
    PersonNameGram,
    PersonReadingPrefix,
    PublicOfficeRecord,
    gram_values,
    reading_prefix_values,
)

Role = Officer.Role
Post = Membership.Post
Leader = Membership.LeaderCategory
DAY = datetime.timedelta(days=1)
UNUSABLE_PASSWORD = "!"  # Django treats a password starting with "!" as unusable; nobody logs in as these officers


@dataclass(frozen=True)
class Scale:
    """How big a generated prefecture is. Officers, councils and people follow from the per-station choices."""

    name: str
    stations: int
    bench_station_kobans: int  # station 1, whose pages the benchmark requests
    mean_kobans: float  # the other stations: a log-normal spread around this, 3 to 30 kobans each
    history_years: int = 10


SCALES: dict[str, Scale] = {
    # For tests: three small stations, about 15 councils, 200 people.
    "tiny": Scale("tiny", stations=3, bench_station_kobans=6, mean_kobans=4),
    # The largest real forces: about 100 stations, 1,100 kobans, 4,000 officers, 1,100 councils, 15,000 people.
    "prefecture": Scale("prefecture", stations=100, bench_station_kobans=30, mean_kobans=11.5),
    "x10": Scale("x10", stations=1000, bench_station_kobans=30, mean_kobans=11.5),
}

# Chances, tuned so that a prefecture comes out at the sizes above.
URBAN_SHARE = 0.35
NO_COUNCIL_SHARE = 0.02  # kobans whose jurisdiction has no council (C3.1)
UNIT_PAIR_SHARE = 0.1  # two neighbouring 駐在所 share a 単位連絡協議会 (C4)
OCCUPATIONAL_SHARE = 0.25  # an urban station also has a 職種等連絡協議会 (C5)
CONFIRMED_SHARE = 0.9  # the operation manager was confirmed by the station chief (C3.2(3))
RETIRE_AT_TERM_END = 0.10  # a member is not reappointed when the term runs out
MID_TERM_EVENT = 0.02  # a member leaves during a term (resigned, died, public office) and a successor follows
PUBLIC_OFFICE_SHARE = 0.12  # of those events
COUNCIL_SIZES = {8: 1, 9: 2, 10: 4, 11: 2, 12: 1}  # current members; ten on average
PREVIOUS_TERMS = {4: 80, 3: 8, 2: 6, 1: 4, 0: 2}  # terms before the current one (4 = ten years of history)
COHORTS = {"even": 47.5, "odd": 47.5, "soon": 5}  # current term began this April, last April, or ends within months
OCCUPATIONAL_NAMES = {
    Council.OccupationalKind.HOUSING: "共同住宅管理者",
    Council.OccupationalKind.NIGHTLIFE: "繁華街防犯",
    Council.OccupationalKind.FOREIGN: "外国人雇用事業所",
    Council.OccupationalKind.WOMEN: "女性の会",
}
LEADER_WEIGHTS = {Leader.NEIGHBOURHOOD: 4, Leader.PUBLIC_AGENCY: 2, Leader.SAFETY_ASSOCIATION: 3, Leader.VOLUNTEER: 3}
DIRECTIONS = ["", "中央", "東", "西", "南", "北"]
REGULAR_MEETINGS = {2: 6, 3: 4}  # a year, per council
AD_HOC_SHARE = 0.1  # councils with an ad hoc meeting in a year
ATTENDANCE_SHARE = 0.8  # of the members serving on the day
GUEST_SHARE = 0.15  # meetings with a guest
REQUESTS_PER_MEETING = {0: 1, 1: 4, 2: 3, 3: 2}  # 1.6 at a regular meeting; ad hoc meetings raise fewer
VENUES = {
    Meeting.VenueKind.KOBAN: 4,
    Meeting.VenueKind.COMMUNITY_HALL: 3,
    Meeting.VenueKind.MEETING_HALL: 3,
    Meeting.VenueKind.OTHER: 1,
}

# Rows are written in this order at the end of every station, parents before children.
WRITE_ORDER = [
    "auth.User",
    "org.Station",
    "org.Section",
    "org.Koban",
    "org.Officer",
    "councils.Council",
    "councils.Council_kobans",
    "people.Person",
    "people.PersonNameGram",
    "people.PersonReadingPrefix",
    "councils.Membership",
    "people.PublicOfficeRecord",
    "councils.Notice",
    "meetings.Meeting",
    "meetings.Attendance",
    "meetings.Guest",
    "meetings.PoliceAttendee",
    "cases.Case",
    "cases.CaseUpdate",
    "meetings.MeetingCase",
    "network.ContactPerson",
    "network.ContactRole",
    "network.ConsentChange",
]


def _fiscal_year_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year if (day.month, day.day) >= (4, 1) else day.year - 1, 4, 1)


def _first_of_next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TOKYO)


def station_places(seed: int, count: int) -> list[tuple[str, str]]:
    """(station stem, city) for ``count`` stations: the demo's twelve, then Faker's cities and towns, then the same
    stems with a direction (「八千代東」), in an order that depends on the seed alone — so the first stations of a
    bigger prefecture are those of a smaller one."""
    rng = random.Random(f"{seed}:places")
    stems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for spec in STATIONS:
        city = spec.address.split("区")[0] + "区" if "区" in spec.address else spec.address.split("市")[0] + "市"
        stems.append((spec.name.removesuffix("警察署"), city))
    faker: list[tuple[str, str]] = []
    for city in FakerAddress.cities:
        stem = city.split("郡")[-1].removesuffix("市").removesuffix("町").removesuffix("村")
        faker.append((stem, city))
    for town in FakerAddress.towns:
        faker.append((town.removesuffix("町"), f"{town.removesuffix('町')}市"))
    rng.shuffle(faker)
    base = []
    for stem, city in stems + faker:
        if stem and stem not in seen:
            seen.add(stem)
            base.append((stem, city))
    places: dict[str, str] = {}
    for direction in DIRECTIONS:
        for stem, city in base:
            places.setdefault(f"{stem}{direction}", city)
            if len(places) == count:
                return list(places.items())
    raise ValueError(f"at most {len(places)} stations can be named")


class Ids:
    """The next id of each table: the tables start empty, so ids are ours to give, in creation order."""

    def __init__(self):
        self.last: Counter[str] = Counter()

    def __call__(self, table: str) -> int:
        self.last[table] += 1
        return self.last[table]


SQLITE_PARAMETERS = 32766  # values in one SQLite statement, at most (and at most what the library allows)


class RowWriter:
    """Rows written plainly: ``COPY`` on PostgreSQL, INSERTs of thousands of rows each on SQLite.

    Django's ``bulk_create`` composes an INSERT per batch with a placeholder and a prepared value per field: at ``x10``
    (tens of millions of rows) that took most of the run, more than the database's own work. ``write`` takes tuples
    (the exchanges, built as tuples); ``write_objects`` takes unsaved model instances and gives each field's value as
    ``Model.save`` would store it (``pre_save``, then ``get_db_prep_save``).
    """

    def __init__(self):
        self.written: Counter[str] = Counter()
        self._dates: dict[datetime.date, object] = {}

    def date(self, day: datetime.date):
        value = self._dates.get(day)
        if value is None:
            value = self._dates[day] = connection.ops.adapt_datefield_value(day)
        return value

    def write(self, model, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        connection.ensure_connection()
        raw = connection.connection  # the driver's own connection, in the transaction Django opened
        if connection.vendor == "postgresql":
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            # Thousands of rows a statement: SQLite then does its work for many rows at a time, not row by row.
            width = len(columns)
            per_statement = min(SQLITE_PARAMETERS, raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)) // width
            row_marks = "(" + ", ".join(["?"] * width) + ")"
            for start in range(0, len(rows), per_statement):
                chunk = rows[start : start + per_statement]
                # Table and column names come from the models and are quoted; the values go as parameters.
                statement = f"INSERT INTO {table} ({names}) VALUES " + ", ".join([row_marks] * len(chunk))  # nosec B608
                raw.execute(statement, list(itertools.chain.from_iterable(chunk)))
        self.written[model._meta.label] += len(rows)

    @contextlib.contextmanager
    def indexes_built_after(self, models: list):
        """SQLite: the tables' indexes are dropped while the block writes their rows and built again after it, from
        all rows at once, which is faster than keeping them in step row by row. A unique index built again still
        refuses duplicates. (PostgreSQL keeps its indexes: some of them belong to constraints.)"""
        if connection.vendor != "sqlite":
            yield
            return
        tables = [model._meta.db_table for model in models]
        marks = ", ".join(["%s"] * len(tables))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"  # nosec B608
                f" AND tbl_name IN ({marks}) ORDER BY name",
                tables,
            )
            indexes = cursor.fetchall()
            for name, _sql in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield  # an error here leaves them dropped, but the transaction it rolls back brings them back
        with connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)

    def write_objects(self, objs: list) -> None:
        """Insert ``objs``, all of one model; their ids are all given, or all left to the database."""
        if not objs:
            return
        model = type(objs[0])
        fields = list(model._meta.concrete_fields)
        if objs[0].pk is None:
            fields.remove(model._meta.pk)
        if any((obj.pk is None) != (objs[0].pk is None) for obj in objs):  # pragma: no cover - guards the callers
            raise ValueError(f"{model._meta.label}: some ids given, some not")
        db = connections[DEFAULT_DB_ALIAS]  # once: every use of the ``connection`` proxy is a lookup
        plan = [(field, field.attname, _stored_as_is(field)) for field in fields]
        rows = []
        for obj in objs:
            values = obj.__dict__
            row = []
            for column, attname, as_is in plan:
                value = values[attname] if as_is else None
                if as_is and (value is None or type(value) is as_is):
                    row.append(value)
                else:
                    row.append(column.get_db_prep_save(column.pre_save(obj, True), db))
            rows.append(tuple(row))
        self.write(model, [f.column for f in fields], rows)


# The type whose values each of Django's preparations (``get_prep_value``) passes unchanged.
_PREPARED_AS_IS = {
    models.CharField.get_prep_value: str,
    models.TextField.get_prep_value: str,
    models.IntegerField.get_prep_value: int,
    models.BooleanField.get_prep_value: bool,
}
_PLAIN_DB_PREP = {
    models.Field.get_db_prep_value,
    models.IntegerField.get_db_prep_value,
    AutoFieldMixin.get_db_prep_value,
}


def _stored_as_is(field) -> type | None:
    """The Python type of the values that ``field`` stores unchanged (``get_db_prep_save`` returns them as they are),
    or None: most columns are strings, numbers and ids, and preparing tens of millions of them one by one through
    Django took longer than writing them. Fields that prepare their values in any other way (dates, times, custom
    fields) are prepared as ``Model.save`` would."""
    target = field.target_field if field.is_relation else field
    if type(field).pre_save is not models.Field.pre_save:
        return None
    if field.is_relation and type(field).get_db_prep_save is not models.ForeignKey.get_db_prep_save:
        return None
    if type(target).get_db_prep_save is not models.Field.get_db_prep_save:
        return None
    if type(target).get_db_prep_value not in _PLAIN_DB_PREP:
        return None
    return _PREPARED_AS_IS.get(type(target).get_prep_value)


@dataclass
class Sink:
    """Rows waiting to be written, by model label; ``flush`` writes them as plain rows (``RowWriter.write_objects``)
    in ``WRITE_ORDER``."""

    writer: RowWriter = field(default_factory=lambda: RowWriter())
    rows: dict[str, list] = field(default_factory=dict)
    values: dict[str, tuple] = field(default_factory=dict)  # label → (model, columns, rows as tuples)

    @property
    def written(self) -> Counter[str]:
        return self.writer.written

    def add(self, obj) -> None:
        self.rows.setdefault(obj._meta.label, []).append(obj)

    def add_values(self, model, columns: list[str], rows: list[tuple]) -> None:
        """Rows as tuples (no model instance each: the people's search index is millions of rows at ``x10``)."""
        self.values.setdefault(model._meta.label, (model, columns, []))[2].extend(rows)

    def flush(self) -> None:
        for label in WRITE_ORDER:
            objs = self.rows.pop(label, None)
            if objs:
                self.writer.write_objects(objs)
            plain = self.values.pop(label, None)
            if plain:
                self.writer.write(*plain)
        if self.rows or self.values:  # pragma: no cover - guards WRITE_ORDER
            raise RuntimeError(f"no write order for {sorted(self.rows) + sorted(self.values)}")

    def add_search_index(self, person: Person) -> None:
        """The search's index of ``person``, which Person.save would write."""
        self.add_values(PersonNameGram, GRAM_COLUMNS, gram_values(person))
        self.add_values(PersonReadingPrefix, PREFIX_COLUMNS, reading_prefix_values(person))


@dataclass
class _Station:
    """What the meetings of one station's councils need of it."""

    rng: random.Random
    station: Station
    sections: dict[str, Section]
    heads: dict[str, Officer]  # section name → its 課長
    chief: Officer
    koban_staff: dict[int, list[Officer]]


@dataclass
class _Seat:
    post: str
    post_title: str = ""
    leader: str = ""
    gender: str = ""


class Generator:
    """Builds the prefecture into the current database (which must hold no organisation, people or users)."""

    def __init__(
        self,
        scale: Scale,
        seed: int,
        *,
        today: datetime.date,
        progress: Callable[[str], None] | None = None,
        network: bool = True,
    ):
        self.scale = scale
        self.network = network  # the community safety network's pass (issue 10), after every station
        self.seed = seed
        self.today = today
        self.progress = progress or (lambda _line: None)
        self.sink = Sink()
        self.ids = Ids()
        self.settings = PrefectureSettings.current()
        self.term_years = self.settings.term_years
        self.fake = Faker("ja_JP")
        self.user_model = get_user_model()
        self.joined = _at(today, 0)
        # One hash for all the demo logins: Argon2 is slow on purpose, and they share the published password.
        self.login_password = make_password(DEMO_PASSWORD)
        self.officer_seq = 0
        self.this_year = fiscal_start(today)
        self.years = [datetime.date(self.this_year.year - 1, 4, 1), self.this_year]
        self.here: _Station | None = None
        self.terms: list[Membership] = []  # the council being built

    # --- the whole run ----------------------------------------------------------------------------------------

    def run(self) -> Counter[str]:
        self.stations()
        if self.network:
            NetworkPass(self).run()
        self.finish()
        return self.sink.written

    def stations(self) -> None:
        started = time.perf_counter()
        places = station_places(self.seed, self.scale.stations)
        self.hq()
        step = max(1, self.scale.stations // 20)
        for index, (stem, city) in enumerate(places):
            self.station(index, stem, city)
            self.sink.flush()
            if (index + 1) % step == 0 or index + 1 == self.scale.stations:
                written = self.sink.written
                self.progress(
                    f"  警察署 {index + 1:,}/{self.scale.stations:,}  協議会 {written['councils.Council']:,}  "
                    f"住民等 {written['people.Person']:,}  委嘱 {written['councils.Membership']:,}  "
                    f"会議 {written['meetings.Meeting']:,}  意見・要望 {written['cases.Case']:,}  "
                    f"（{time.perf_counter() - started:.0f} 秒）"
                )

    def finish(self) -> None:
        if connection.vendor == "postgresql":
            # The ids were given here; the sequences must start after them, or the app's next insert collides.
            models = [self.user_model, Station, Section, Koban, Officer, Council, Person, Membership]
            models += [PublicOfficeRecord, Notice, Council.kobans.through, HQDivision]
            models += [Meeting, Attendance, Guest, PoliceAttendee, Case, CaseUpdate, MeetingCase]
            models += [ContactPerson, ContactRole, ConsentChange, Exchange, Exchange.contacts.through]
            models += [ExchangeMaterial, ExchangeCase]
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)

    def analyze(self) -> None:
        """The planner's statistics now, as a live database would have them soon after (PostgreSQL's autovacuum,
        SQLite's daily ``gather_statistics``), so that pages measured straight after the load are planned as they
        would be there."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            gather_statistics()

    # --- officers ----------------------------------------------------------------------------------------------

    def officer(
        self,
        rng: random.Random,
        role: str,
        rank: str,
        title: str,
        *,
        station_id: int | None = None,
        section_id: int | None = None,
        koban_id: int | None = None,
        hq_division_id: int | None = None,
        login: str | None = None,
    ) -> Officer:
        gender = "female" if rng.random() < FEMALE_SHARE else "male"
        family, given, family_kana, given_kana = full_name(rng, gender)
        user_id = self.ids("auth.User")
        if login:
            username, password = login, self.login_password
        else:
            self.officer_seq += 1
            username, password = f"o{self.officer_seq:06d}", UNUSABLE_PASSWORD
        self.sink.add(
            self.user_model(
                id=user_id,
                username=username,
                password=password,
                last_name=family,
                first_name=given,
                date_joined=self.joined,
            )
        )
        officer = Officer(
            id=self.ids("org.Officer"),
            user_id=user_id,
            family_name=family,
            given_name=given,
            family_kana=family_kana,
            given_kana=given_kana,
            sort_key=family_given_key(family_kana, given_kana),
            rank=rank,
            title=title,
            role=role,
            hq_division_id=hq_division_id,
            station_id=station_id,
            section_id=section_id,
            koban_id=koban_id,
        )
        self.sink.add(officer)
        return officer

    def hq(self) -> None:
        rng = random.Random(f"{self.seed}:hq")
        for order, (name, is_community, count) in enumerate(HQ_DIVISIONS, start=1):
            division = HQDivision.objects.create(
                id=self.ids("org.HQDivision"), name=name, is_community=is_community, order=order
            )
            posts = []
            if is_community:
                posts += [(Role.HQ_ADMIN, rank, title) for title, rank in HQ_ADMINS]
            staff = HQ_STAFF_POSTS[:1] + HQ_STAFF_POSTS[1:][: max(count - 1, 0)]
            posts += [(Role.HQ_STAFF, rank, title) for title, rank in staff]
            for i, (role, rank, title) in enumerate(posts):
                login = None
                if is_community and i == 0:
                    login = "demo_hq_admin"
                elif name == "生活安全部生活安全企画課" and i == 0:
                    login = "demo_hq_staff"
                self.officer(rng, role, rank, title, hq_division_id=division.pk, login=login)
        self.sink.flush()

    # --- one station -------------------------------------------------------------------------------------------

    def station(self, index: int, stem: str, city: str) -> None:
        rng = random.Random(f"{self.seed}:station:{index}")
        self.fake.seed_instance(self.seed * 1_000_003 + index)
        bench = index == 0
        urban = bench or rng.random() < URBAN_SHARE
        if bench:
            size = self.scale.bench_station_kobans
        else:
            mu = math.log(self.scale.mean_kobans) - 0.08  # the log-normal's mean is exp(mu + 0.4² / 2)
            size = max(3, min(30, round(rng.lognormvariate(mu, 0.4))))
        station = Station(
            id=self.ids("org.Station"),
            name=f"{stem}警察署",
            code=f"S{index + 1:04d}",
            address=f"{city}{rng.choice(FakerAddress.towns)}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}番"
            f"{rng.randint(1, 20)}号",
            order=min(index + 1, 32767),
        )
        self.sink.add(station)
        sections = {}
        for order, (name, is_community) in enumerate(SECTIONS, start=1):
            section = Section(
                id=self.ids("org.Section"), station_id=station.id, name=name, is_community=is_community, order=order
            )
            sections[name] = section
            self.sink.add(section)
        community = sections["地域課"]

        towns = rng.sample([t for t in FakerAddress.towns if t != stem], k=size)
        area_code = f"{rng.randint(980, 999)}"
        kobans: list[Koban] = []
        postal: dict[int, str] = {}
        for order, town in enumerate(towns, start=1):
            is_koban = order == 1 or rng.random() < (0.75 if urban else 0.3)
            koban = Koban(
                id=self.ids("org.Koban"),
                station_id=station.id,
                name=f"{town}{'交番' if is_koban else '駐在所'}",
                kind=Koban.Kind.KOBAN if is_koban else Koban.Kind.CHUZAISHO,
                jurisdiction_name=f"{town}地区",
                municipality=city,
                area=f"{town}一丁目〜{rng.randint(2, 6)}丁目" if is_koban else f"{town}、{rng.choice(AZA)}の一部",
                order=order,
            )
            kobans.append(koban)
            postal[koban.id] = f"{area_code}-{rng.randint(0, 9999):04d}"
            self.sink.add(koban)

        # Officers: chief, deputy, the section heads and their staff, then each koban's chief and staff.
        logins = bench
        chief = self.officer(
            rng, Role.STATION_CHIEF, Rank.KEISHI, "署長", station_id=station.id, login="demo_chief" if logins else None
        )
        big = size >= 8
        self.officer(
            rng,
            Role.DEPUTY,
            Rank.KEISHI if big else Rank.KEIBU,
            "副署長" if big else "次長",
            station_id=station.id,
            login="demo_deputy" if logins else None,
        )
        clerk = None
        heads: dict[str, Officer] = {}
        staff_total = rng.randint(4, 4 + size // 2)
        for name, is_community in SECTIONS:
            role = Role.COMMUNITY_SECTION if is_community else Role.SECTION_STAFF
            login = None
            if logins and is_community:
                login = "demo_community"
            elif logins and name == "生活安全課":
                login = "demo_section"
            head = self.officer(
                rng, role, Rank.KEIBU, f"{name}長", station_id=station.id, section_id=sections[name].id, login=login
            )
            heads[name] = head
            if is_community:
                clerk = head
        for _ in range(staff_total):
            name, is_community = rng.choice(SECTIONS)
            title, rank = rng.choices(
                [("係長", Rank.KEIBUHO), ("主任", Rank.JUNSA_BUCHO), ("係員", Rank.JUNSA)], weights=[2, 3, 4]
            )[0]
            role = Role.COMMUNITY_SECTION if is_community else Role.SECTION_STAFF
            self.officer(rng, role, rank, title, station_id=station.id, section_id=sections[name].id)
        koban_chiefs: dict[int, Officer] = {}
        koban_staff: dict[int, list[Officer]] = {}
        for k_index, koban in enumerate(kobans):
            first = logins and k_index == 0
            if koban.kind == Koban.Kind.KOBAN:
                staff = rng.randint(2, 4) if urban else rng.randint(1, 3)
                rank = Rank.KEIBUHO if urban or rng.random() < 0.5 else Rank.JUNSA_BUCHO
                title = "交番所長"
            else:
                staff = 1 if rng.random() < 0.2 else 0
                rank = rng.choice([Rank.JUNSA_BUCHO, Rank.JUNSA_BUCHO, Rank.JUNSA])
                title = "駐在所長" if staff else "駐在所員"
            koban_chiefs[koban.id] = self.officer(
                rng,
                Role.KOBAN_CHIEF,
                rank,
                title,
                station_id=station.id,
                section_id=community.id,
                koban_id=koban.id,
                login="demo_koban_chief" if first else None,
            )
            koban_staff[koban.id] = []
            for s_index in range(staff):
                koban_staff[koban.id].append(
                    self.officer(
                        rng,
                        Role.KOBAN_STAFF,
                        Rank.JUNSA_BUCHO if rng.random() < 0.3 else Rank.JUNSA,
                        "交番勤務員" if koban.kind == Koban.Kind.KOBAN else "駐在所員",
                        station_id=station.id,
                        section_id=community.id,
                        koban_id=koban.id,
                        login="demo_koban_staff" if first and s_index == 0 else None,
                    )
                )

        self.here = _Station(
            random.Random(f"{self.seed}:meetings:{index}"), station, sections, heads, chief, koban_staff
        )

        # Councils: which kobans each covers.
        plans: list[tuple[list[Koban], dict]] = []
        i = 0
        while i < len(kobans):
            koban = kobans[i]
            following = kobans[i + 1] if i + 1 < len(kobans) else None
            if i > 0 and rng.random() < NO_COUNCIL_SHARE:
                i += 1
                continue
            pair = following is not None and koban.kind == following.kind == Koban.Kind.CHUZAISHO
            if pair and rng.random() < UNIT_PAIR_SHARE:
                stems = [k.jurisdiction_name.removesuffix("地区") for k in (koban, following)]
                plans.append(
                    (
                        [koban, following],
                        {
                            "name": f"{stems[0]}・{stems[1]}地区連絡協議会",
                            "kind": Council.Kind.UNIT,
                            "coverage": Council.Coverage.SEVERAL,
                            "area_description": f"{koban.area}、{following.area}",
                            "reason": "両駐在所の所管区は生活圏が一体であることから、統合して設置する。",
                        },
                    )
                )
                i += 2
                continue
            plans.append(
                (
                    [koban],
                    {
                        "name": f"{koban.name}連絡協議会",
                        "kind": Council.Kind.JURISDICTION,
                        "coverage": Council.Coverage.WHOLE,
                        "area_description": koban.area,
                        "reason": "所管区の住民等の意見・要望を把握し、犯罪・事故の防止に向けて警察と地域が協力して"
                        "取り組むため。",
                    },
                )
            )
            i += 1
        if urban and rng.random() < OCCUPATIONAL_SHARE:
            koban = kobans[0]
            kind = rng.choice(list(OCCUPATIONAL_NAMES))
            plans.append(
                (
                    [koban],
                    {
                        "name": f"{koban.jurisdiction_name}{OCCUPATIONAL_NAMES[kind]}連絡協議会",
                        "kind": Council.Kind.OCCUPATIONAL,
                        "occupational_kind": kind,
                        "coverage": Council.Coverage.WHOLE,
                        "area_description": koban.area,
                        "reason": "所管区の実情に即し、特定の職種等の住民等の意見・要望を警察活動に反映させるため。",
                    },
                )
            )

        for council_kobans, values in plans:
            place = _Place(
                city=city,
                towns=[(postal[k.id], k.jurisdiction_name.removesuffix("地区")) for k in council_kobans],
                rural=not urban or council_kobans[0].kind == Koban.Kind.CHUZAISHO,
                station_stem=stem,
            )
            self.council(rng, station, council_kobans, values, place, koban_chiefs, chief, clerk)

    # --- one council and its terms -----------------------------------------------------------------------------

    def current_start(self, rng: random.Random) -> datetime.date:
        cohort = _weighted(rng, COHORTS)
        fiscal = _fiscal_year_start(self.today)
        if cohort == "even":
            return fiscal
        if cohort == "odd":
            return add_years(fiscal, -1)
        # Set up in mid-year: the current term ends within the next three months.
        return add_years(_first_of_next_month(self.today + rng.randint(0, 75) * DAY), -self.term_years)

    def council(self, rng, station, council_kobans, values, place, koban_chiefs, chief, clerk) -> None:
        current = self.current_start(rng)
        previous_terms = _weighted(rng, PREVIOUS_TERMS)
        previous_terms = min(previous_terms, self.scale.history_years // self.term_years - 1)
        starts = [add_years(current, -self.term_years * k) for k in range(previous_terms, -1, -1)]
        manager = koban_chiefs[council_kobans[0].id]
        confirmed = rng.random() < CONFIRMED_SHARE
        council = Council(
            id=self.ids("councils.Council"),
            station_id=station.id,
            established_on=starts[0],
            operation_manager_id=manager.id,
            operation_manager_confirmed_by_id=chief.user_id if confirmed else None,
            operation_manager_confirmed_at=_at(starts[0] + 14 * DAY) if confirmed else None,
            **values,
        )
        self.sink.add(council)
        for koban in council_kobans:
            self.sink.add(Council.kobans.through(council_id=council.id, koban_id=koban.id))

        self.terms = []
        for seat in self.seats(rng):
            self.seat_history(rng, council, station, seat, starts, place, manager, clerk)
        self.meetings(council, council_kobans, place, manager)

    def seats(self, rng: random.Random) -> list[_Seat]:
        size = _weighted(rng, COUNCIL_SIZES)
        seats = [_Seat(Post.CHAIR)]
        seats += [_Seat(Post.VICE_CHAIR) for _ in range(2 if size >= 10 and rng.random() < 0.5 else 1)]
        for title in rng.sample(OTHER_POSTS, k=rng.choice([0, 1, 1, 2])):
            seats.append(_Seat(Post.OTHER, post_title=title))
        seats += [_Seat(Post.MEMBER) for _ in range(size - len(seats))]
        share = rng.uniform(0.42, 0.6) if rng.random() < 0.85 else rng.uniform(0.2, 0.35)
        order = [0] + rng.sample(range(1, size), k=size - 1)  # the chair is usually a community leader
        for i in order[: round(size * share)]:
            seats[i].leader = _weighted(rng, LEADER_WEIGHTS)
        for seat in seats:
            seat.gender = "female" if rng.random() < 0.3 else "male"
        return seats

    def seat_history(self, rng, council, station, seat, starts, place, manager, clerk) -> None:
        """The terms of one seat from the first generated term to the current one, and the people who held it."""
        person = self.person(rng, station, place, seat, clerk, first_start=starts[0])
        previous: Membership | None = None
        for t, start in enumerate(starts):
            end = term_end(start, self.term_years)
            # Chairs stay longer than members: a council keeps a chair it trusts.
            retires = rng.random() < (RETIRE_AT_TERM_END / 2 if seat.post == Post.CHAIR else RETIRE_AT_TERM_END)
            if t == 0:
                kind = Membership.Kind.NEW
            elif retires:
                person = self.person(rng, station, place, seat, clerk, first_start=start)
                kind, previous = Membership.Kind.NEW, None
            else:
                kind = Membership.Kind.REAPPOINTMENT
            membership = self.membership(council, station, person.id, seat, kind, start, end, previous, clerk)
            previous = membership
            # A chair's departure would leave the council without a chair for a while: the generator spares them.
            if seat.post == Post.CHAIR or rng.random() >= MID_TERM_EVENT:
                continue
            limit = min(end, self.today)
            span = (limit - start).days
            if span < 120:
                continue
            left = start + datetime.timedelta(days=60 + rng.randint(0, span - 120))
            joined = left + datetime.timedelta(days=rng.randint(15, 45))
            if rng.random() < PUBLIC_OFFICE_SHARE:
                reason = Membership.EndReason.PUBLIC_OFFICE
                office = _public_office(place)
                self.public_office(rng, person.id, office, left)
                note = office
                self.notice(council, manager, person, office, left)
            else:
                reason = rng.choice([Membership.EndReason.RESIGNED, Membership.EndReason.RESIGNED, "death"])
                note = rng.choice(RESIGN_NOTES) if reason == Membership.EndReason.RESIGNED else "逝去"
            membership.ended_on, membership.end_reason, membership.end_note = left, reason, note
            successor_seat = _Seat(seat.post, seat.post_title, seat.leader if rng.random() < 0.6 else "", seat.gender)
            person = self.person(rng, station, place, successor_seat, clerk, first_start=joined)
            previous = self.membership(
                council, station, person.id, successor_seat, Membership.Kind.SUCCESSOR, joined, end, membership, clerk
            )

    def membership(self, council, station, person_id, seat, kind, start, end, previous, clerk) -> Membership:
        membership = Membership(
            id=self.ids("councils.Membership"),
            council_id=council.id,
            person_id=person_id,
            station_id=station.id,
            kind=kind,
            start_date=start,
            end_date=end,
            post=seat.post,
            post_title=seat.post_title,
            leader_category=seat.leader,
            previous_id=previous.id if previous else None,
            letter_date=start,
            created_by_id=clerk.user_id,
        )
        self.sink.add(membership)
        self.terms.append(membership)
        return membership

    # --- people ------------------------------------------------------------------------------------------------

    def person(self, rng, station, place: _Place, seat: _Seat, clerk: Officer, *, first_start: datetime.date) -> Person:
        """A new person for ``seat`` who began serving on ``first_start``; old enough to have served since."""
        gender = seat.gender
        family, given, family_kana, given_kana = full_name(rng, gender)
        served = max(0, (self.today - first_start).days // 365)
        age = max(30 + served, min(85, round(rng.triangular(30, 82, 67))))
        occupation, organisation, title = _persona(rng, self.fake, place, "jurisdiction", seat.leader, gender)
        age, occupation, organisation, title = _fit_age(age, occupation, organisation, title, gender)
        age = max(age, 25 + served)  # _fit_age may make a working age younger; never younger than the service
        code, town = rng.choice(place.towns)
        birth = datetime.date(self.today.year - age - 1, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
        if place.rural:
            rest = f"字{rng.choice(AZA)}{rng.randint(1, 250)}番地"
        else:
            rest = f"{rng.randint(1, 4)}丁目{rng.randint(1, 30)}番{rng.randint(1, 25)}号"
        if rng.random() < 0.65:
            phone = f"{rng.choice(['090', '080', '070'])}{rng.randint(10000000, 99999999)}"
        else:
            phone = f"0{rng.randint(100000000, 999999999)}"
        person = Person(
            id=self.ids("people.Person"),
            station_id=station.id,
            family_name=family,
            given_name=given,
            family_kana=family_kana,
            given_kana=given_kana,
            sort_key=family_given_key(family_kana, given_kana),
            given_key=reading_sort_key(given_kana),  # bulk inserts skip Person.save, which keeps the search keys
            birth_date=birth,
            gender=gender,
            occupation=occupation,
            organisation=organisation,
            organisation_title=title,
            postal_code=code,
            address_prefecture=self.settings.name,
            address_city=place.city,
            address_town=town,
            address_rest=rest,
            phone=phone,
            email=f"{rng.choice(['k', 'm', 't', 'y', 'h'])}{rng.randint(1000, 999999)}@example.jp"
            if rng.random() < 0.25
            else "",
            created_by_id=clerk.user_id,
        )
        self.sink.add(person)
        self.sink.add_search_index(person)
        return person

    def public_office(self, rng, person_id: int, office: str, day: datetime.date) -> None:
        kind = rng.choice([PublicOfficeRecord.Kind.CANDIDACY, PublicOfficeRecord.Kind.OFFICE])
        election = day + datetime.timedelta(days=30)
        self.sink.add(
            PublicOfficeRecord(
                id=self.ids("people.PublicOfficeRecord"),
                person_id=person_id,
                kind=kind,
                office=office,
                start_date=day,
                end_date=election if kind == PublicOfficeRecord.Kind.CANDIDACY and election < self.today else None,
                note="立候補の届出" if kind == PublicOfficeRecord.Kind.CANDIDACY else "当選により就任",
            )
        )

    def notice(self, council: Council, manager: Officer, person: Person, office: str, day: datetime.date) -> None:
        """What ``dismiss_for_public_office`` tells the operation manager; read a few days later unless recent."""
        seen = day + datetime.timedelta(days=3)
        self.sink.add(
            Notice(
                id=self.ids("councils.Notice"),
                recipient_id=manager.id,
                council_id=council.id,
                text=f"{person.full_name}さんが公職（{office}）に就く、又は候補者となるため、"
                f"{council.name}委員の職を免じました（{to_wareki(day)}）。",
                read_at=_at(seen, 9) if seen < self.today else None,
            )
        )

    # --- meetings and the requests raised at them ----------------------------------------------------------------

    def meetings(self, council: Council, council_kobans: list[Koban], place: _Place, manager: Officer) -> None:
        """The council's meetings of the last fiscal year and this one so far, with the next one if it is near."""
        here = self.here
        rng = here.rng
        horizon = self.today + PLANNED_AHEAD_DAYS * DAY
        for year_start in self.years:
            days = regular_days(rng, year_start, _weighted(rng, REGULAR_MEETINGS))
            number = 0
            for day in days:
                if day < council.established_on or day > horizon:
                    continue
                number += 1
                self.meeting(council, council_kobans, place, manager, day, Meeting.Kind.REGULAR, number)
            if rng.random() < AD_HOC_SHARE:
                day = year_start + rng.randint(20, 360) * DAY
                if council.established_on <= day < self.today:
                    label, trigger, measures, note = rng.choice(AD_HOC_TRIGGERS)
                    self.meeting(
                        council,
                        council_kobans,
                        place,
                        manager,
                        day,
                        Meeting.Kind.AD_HOC,
                        None,
                        trigger=trigger.format(town=place.towns[0][1], n=rng.randint(3, 7)),
                        measures=list(measures),
                        measures_note=note,
                    )

    def meeting(self, council, council_kobans, place, manager, day, kind, number, **values) -> None:
        here = self.here
        rng = here.rng
        held = day < self.today
        town = rng.choice(place.towns)[1]
        venue = _weighted(rng, VENUES)
        venue_name = {
            Meeting.VenueKind.KOBAN: council_kobans[0].name,
            Meeting.VenueKind.COMMUNITY_HALL: f"{town}公民館",
            Meeting.VenueKind.MEETING_HALL: f"{town}集会所",
            Meeting.VenueKind.OTHER: f"{town}市民センター",
        }[venue]
        starts = meeting_time(day)
        meeting = Meeting(
            id=self.ids("meetings.Meeting"),
            council_id=council.id,
            kind=kind,
            fiscal_year=fiscal_start(day).year,
            number=number,
            status=Meeting.Status.HELD if held else Meeting.Status.PLANNED,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=90),
            venue_kind=venue,
            venue_name=venue_name,
            themes=[Meeting.Theme.KOBAN_ACTIVITY, Meeting.Theme.SITUATION, Meeting.Theme.LOCAL_PROBLEMS],
            minutes=f"{manager.title}から管内の犯罪・事故の発生状況を説明し、委員から意見・要望を聴いた。"
            if held
            else "",
            created_by_id=manager.user_id,
            **values,
        )
        self.sink.add(meeting)
        if not held:
            return
        # Membership.last_day, without the property call per row: the day a term ended early, or its end.
        present = [
            m
            for m in self.terms
            if m.start_date <= day <= min(m.ended_on or m.end_date, m.end_date) and rng.random() < ATTENDANCE_SHARE
        ]
        for membership in present:
            self.sink.add(
                Attendance(id=self.ids("meetings.Attendance"), meeting_id=meeting.id, membership_id=membership.id)
            )
        if rng.random() < GUEST_SHARE:
            organisation, title, reason = rng.choice(GUESTS)
            family, given, _fk, _gk = full_name(rng, rng.choice(["male", "female"]))
            self.sink.add(
                Guest(
                    id=self.ids("meetings.Guest"),
                    meeting_id=meeting.id,
                    name=f"{family} {given}",
                    affiliation=f"{organisation.format(town=town, city=place.city)} {title}",
                    reason=reason,
                )
            )
        officers = [manager, here.heads["地域課"]]
        third = rng.random()
        if third < 0.15:
            officers.append(here.chief)
        elif third < 0.3:
            officers.append(here.heads[rng.choice(["生活安全課", "交通課"])])
        elif third < 0.5 and here.koban_staff.get(manager.koban_id):
            officers.append(rng.choice(here.koban_staff[manager.koban_id]))
        community = here.sections["地域課"].id
        for officer in officers:
            self.sink.add(
                PoliceAttendee(
                    id=self.ids("meetings.PoliceAttendee"),
                    meeting_id=meeting.id,
                    officer_id=officer.id,
                    executive_class=executive_class(
                        officer.rank, officer.title, officer.section_id == community, officer.koban_id is not None
                    ),
                    post=f"{here.station.name} {officer.title}",
                )
            )
        count = _weighted(rng, REQUESTS_PER_MEETING) if kind == Meeting.Kind.REGULAR else rng.randint(0, 1)
        for order in range(1, count + 1):
            self.request(
                meeting, council_kobans[0], town, manager, day, order, rng.choice(present) if present else None
            )

    def request(self, meeting, koban, town, manager, day, order, raiser) -> None:
        here = self.here
        rng = here.rng
        category, content, answer, section, done, difficult = rng.choice(REQUESTS)
        story = case_story(rng, day, self.today)
        if story.status == Case.Status.DIFFICULT and not difficult:
            story.status = Case.Status.DONE
            story.steps[-1] = (story.steps[-1][0], Case.Status.DONE)
        case = Case(
            id=self.ids("cases.Case"),
            station_id=here.station.id,
            koban_id=koban.id,
            received_on=day,
            category=category,
            content=content.format(town=town),
            raised_by_kind=Case.RaisedBy.MEMBER if raiser else Case.RaisedBy.RESIDENT,
            raised_by_person_id=raiser.person_id if raiser else None,
            answer=answer,
            section_id=here.sections[section].id,
            status=story.status,
            settled_on=story.settled_on,
            told_on=story.told_on,
            created_by_id=manager.user_id,
        )
        self.sink.add(case)
        notes = {Case.Status.DONE: done, Case.Status.DIFFICULT: difficult}
        for on, status in story.steps:
            self.sink.add(
                CaseUpdate(
                    id=self.ids("cases.CaseUpdate"),
                    case_id=case.id,
                    on=on,
                    status=status,
                    note=notes.get(status, ""),
                    officer_id=manager.id,
                    created_by_id=manager.user_id,
                )
            )
        self.sink.add(
            MeetingCase(id=self.ids("meetings.MeetingCase"), meeting_id=meeting.id, case_id=case.id, order=order)
        )


# === the community safety network (issue 10) ======================================================================
#
# A pass of its own after every station is written, so that the rows above are byte for byte what they were before
# the network was generated: its people and cases take ids after all the councils' ones. Each station's network comes
# from a generator seeded with the seed and the station's number alone, over what that station already holds (its
# kobans, officers and people, read back in id order), so station n's network is the same at every scale; only the
# ids of its new people and of its cases differ between scales, as they follow the whole prefecture's.

CONTACTS_PER_KOBAN = (20, 34)  # about 27
CONTACT_FROM_PEOPLE = 1 / 3  # council members or other people already on record: the same person record (N2.2)
CONTACT_CONSENT = {"consented": 65, "candidate": 8, "asked": 7, "declined": 10, "withdrawn": 10}
CONTACT_SOURCES = {"acquaintance": 3, "cooperator": 3, "group": 3, "community_council": 2, "other": 1}
CONTACT_ROLE_KINDS = ["neighbourhood_head", "group_head", "safety_promoter", "juvenile_guidance", "police_volunteer"]
CONSENT_METHODS = ["in_person", "in_person", "document", "phone"]
STALE_CONTACT_SHARE = 0.04  # consenting contact persons not met for more than 90 days (N4.4)
EXCHANGES_PER_MONTH = 5.0  # per consenting contact person: about 1,000,000 a year at ``prefecture``
EXCHANGE_KINDS = {"home_visit": 45, "patrol": 30, "phone": 10, "campaign": 6, "meeting": 5, "other": 4}
EXCHANGE_PAIR_SHARE = 0.1  # an exchange with two neighbouring contact persons at once
EXCHANGE_MATERIAL_SHARE = 0.3
EXCHANGE_REQUEST_SHARE = 0.02  # exchanges at which a request was received: a case with its history (N3.1ウ)
EXCHANGE_COLUMNS = ["id", "station_id", "koban_id", "on", "officer_id", "section_id", "kind", "advice", "notes"]
EXCHANGE_COLUMNS += ["created_by_id", "created_at"]


def _cumulative(weights: dict) -> tuple[list, list[float]]:
    total, cum = 0.0, []
    for weight in weights.values():
        total += weight
        cum.append(total)
    return list(weights), cum


def _pick(rng: random.Random, table: tuple[list, list[float]]):
    """``rng.choices(values, cum_weights=cumulative)[0]``, the same draw, without the list it builds: once per
    exchange, ten million times at ``x10``."""
    values, cumulative = table
    return values[bisect.bisect(cumulative, rng.random() * cumulative[-1], 0, len(values) - 1)]


@dataclass
class _Contact:
    id: int
    koban: Koban
    officer: tuple  # (id, user_id, section_id, koban_id, title)
    consented_on: datetime.date | None
    ended_on: datetime.date | None
    stale: bool
    obj: object = None

    def met_on(self, day: datetime.date) -> bool:
        return (
            self.consented_on is not None
            and self.consented_on <= day
            and (self.ended_on is None or day < self.ended_on)
            and not self.stale
        )


class NetworkPass:
    """The contact persons of every station with their consent history and roles, and a year of exchanges."""

    def __init__(self, generator: Generator):
        self.g = generator
        self.rows = generator.sink.writer
        self.today = generator.today
        self.year_ago = generator.today - 365 * DAY
        self.created = connection.ops.adapt_datetimefield_value(generator.joined)
        self.kinds = _cumulative(EXCHANGE_KINDS)
        self.consents = _cumulative(CONTACT_CONSENT)
        self.sources = _cumulative(CONTACT_SOURCES)

    def run(self) -> None:
        stations = list(Station.objects.order_by("pk").values_list("pk", flat=True))
        started = time.perf_counter()
        step = max(1, len(stations) // 20)
        with self.rows.indexes_built_after([Exchange, Exchange.contacts.through, ExchangeMaterial]):
            for index, station_id in enumerate(stations):
                self.station(index, station_id)
                if (index + 1) % step == 0 or index + 1 == len(stations):
                    self.g.progress(
                        f"  地域安全連絡員 警察署 {index + 1:,}/{len(stations):,}  "
                        f"連絡員 {self.g.sink.written['network.ContactPerson']:,}  "
                        f"情報交換 {self.rows.written['network.Exchange']:,}  "
                        f"（{time.perf_counter() - started:.0f} 秒）"
                    )
        self.g.progress(f"  地域安全連絡員 索引の作成まで（{time.perf_counter() - started:.0f} 秒）")

    def station(self, index: int, station_id: int) -> None:
        rng, today = random.Random(f"{self.g.seed}:network:{index}"), self.today
        kobans = list(Koban.objects.filter(station_id=station_id).order_by("pk"))
        officers = list(
            Officer.objects.filter(station_id=station_id)
            .order_by("pk")
            .values_list("pk", "user_id", "section_id", "koban_id", "title")
        )
        by_koban: dict[int, list[tuple]] = {}
        for officer in officers:
            if officer[3]:
                by_koban.setdefault(officer[3], []).append(officer)
        clerk = next((o for o in officers if o[4] == "地域課長"), officers[0])
        sections = dict(Section.objects.filter(station_id=station_id).values_list("name", "pk"))
        serving = (
            Membership.objects.filter(station_id=station_id, start_date__lte=today, end_date__gte=today)
            .exclude(ended_on__lt=today)
            .values("person_id")
        )
        people = Person.objects.filter(station_id=station_id).order_by("pk")
        members = list(people.filter(pk__in=serving).values_list("pk", "email"))
        others = list(people.exclude(pk__in=serving).values_list("pk", "email"))
        rng.shuffle(members)
        rng.shuffle(others)
        known = members + others  # today's council members first
        known.reverse()  # popped from the end

        contacts: list[_Contact] = []
        for koban in kobans:
            koban_officers = by_koban.get(koban.pk) or [clerk]
            for _ in range(rng.randint(*CONTACTS_PER_KOBAN)):
                contacts.append(self.contact(rng, station_id, koban, koban_officers, clerk, known))
        neighbours: dict[int, list[_Contact]] = {}
        for found in contacts:
            if found.consented_on is not None:
                neighbours.setdefault(found.koban.pk, []).append(found)

        exchanges, links, materials, requests, tallied = [], [], [], [], []
        last: dict[int, datetime.date] = {}
        for found in contacts:
            if found.consented_on is None:
                continue
            start = max(found.consented_on, self.year_ago)
            end = found.ended_on - DAY if found.ended_on else today
            if found.stale:
                end = today - rng.randint(91, 200) * DAY
            if end < start:
                continue
            span = (end - start).days + 1
            count = max(1, round(EXCHANGES_PER_MONTH * span / 30.4 * rng.uniform(0.6, 1.4)))
            koban = found.koban
            koban_officers = by_koban.get(koban.pk) or [clerk]
            for offset in sorted(rng.randrange(span) for _ in range(count)):
                day = start + offset * DAY
                officer = found.officer if rng.random() < 0.7 else rng.choice(koban_officers)
                exchange_id = self.g.ids("network.Exchange")
                exchanges.append(
                    (exchange_id, station_id, koban.pk, self.rows.date(day), officer[0], officer[2])
                    + (_pick(rng, self.kinds), "", "", officer[1], self.created)
                )
                links.append((self.g.ids("network.Exchange_contacts"), exchange_id, found.id))
                tallied.append((station_id, officer[0], koban.pk, day))
                last[found.id] = day if found.id not in last else max(day, last[found.id])
                if rng.random() < EXCHANGE_PAIR_SHARE:
                    other = rng.choice(neighbours[koban.pk])
                    if other is not found and other.met_on(day):
                        links.append((self.g.ids("network.Exchange_contacts"), exchange_id, other.id))
                        last[other.id] = day if other.id not in last else max(day, last[other.id])
                if rng.random() < EXCHANGE_MATERIAL_SHARE:
                    kind = "mini_newsletter" if rng.random() < 0.5 else "koban_bulletin"
                    title = f"{koban.name}{'だより' if kind == 'mini_newsletter' else '速報'} {day.month}月号"
                    materials.append((self.g.ids("network.ExchangeMaterial"), exchange_id, kind, title))
                if rng.random() < EXCHANGE_REQUEST_SHARE:
                    requests.append((exchange_id, self.request(rng, station_id, koban, day, officer, found, sections)))
        for found in contacts:
            found.obj.last_exchange_on = last.get(found.id)
        self.g.sink.flush()  # people, contact persons, consent history, roles, cases
        self.rows.write(Exchange, EXCHANGE_COLUMNS, exchanges)
        self.rows.write(Exchange.contacts.through, ["id", "exchange_id", "contactperson_id"], links)
        self.rows.write(ExchangeMaterial, ["id", "exchange_id", "kind", "title"], materials)
        # The chief's view reads the monthly tally, which the exchange action keeps; rows written here count too.
        self.rows.write_objects(tally_rows(tallied))
        self.rows.write(
            ExchangeCase,
            ["id", "exchange_id", "case_id"],
            [(self.g.ids("network.ExchangeCase"), e, c) for e, c in requests],
        )

    def contact(self, rng, station_id, koban: Koban, koban_officers, clerk, known: list) -> _Contact:
        sink, today = self.g.sink, self.today
        consent = _pick(rng, self.consents)
        wants_email = rng.random() < 0.3
        if known and rng.random() < CONTACT_FROM_PEOPLE:
            person_id, email = known.pop()
            wants_email = wants_email and bool(email)
        else:
            person_id = self.person(rng, station_id, koban, clerk, wants_email)
        town = koban.jurisdiction_name.removesuffix("地区")
        source = _pick(rng, self.sources)
        officer = rng.choice(koban_officers)
        contact_id = self.g.ids("network.ContactPerson")
        registered = today - rng.randint(30, 900) * DAY
        steps = [("candidate", registered, "", "")]
        day = registered

        def step(to: str, low: int, high: int, method: str = "", note: str = "") -> None:
            nonlocal day
            day = min(day + rng.randint(low, high) * DAY, today)
            steps.append((to, day, method, note))

        consented_on = ended_on = None
        if consent != "candidate":
            if not (consent == "consented" and rng.random() < 0.25):
                step("asked", 3, 20)
            if consent == "declined":
                step("declined", 5, 30, note="本人の都合により辞退")
            elif consent in ("consented", "withdrawn"):
                step("consented", 2, 25, method=rng.choice(CONSENT_METHODS))
                consented_on = day
                if consent == "withdrawn":
                    ended_on = min(today, max(day + 30 * DAY, today - rng.randint(20, 330) * DAY))
                    steps.append(("withdrawn", ended_on, "", "本人の申出により辞任"))
        method = steps[-1][2] if consent == "consented" else ""
        obj = ContactPerson(
            id=contact_id,
            person_id=person_id,
            station_id=station_id,
            koban_id=koban.pk,
            municipality=koban.municipality,
            district=f"{town}地区",
            source=source,
            source_detail=f"{town}町内会" if source == "group" else "",
            officer_id=officer[0],
            contact_way="email" if wants_email and rng.random() < 0.5 else rng.choice(["visit", "visit", "phone"]),
            wants_email=wants_email,
            consent=consent,
            consent_on=consented_on if consent == "consented" else None,
            consent_method=method,
            created_by_id=clerk[1],
        )
        sink.add(obj)
        for kind in rng.sample(CONTACT_ROLE_KINDS, k=rng.choice([0, 0, 1, 1, 2])):
            sink.add(ContactRole(id=self.g.ids("network.ContactRole"), contact_id=contact_id, kind=kind))
        for to, on, how, note in steps:
            sink.add(
                ConsentChange(
                    id=self.g.ids("network.ConsentChange"),
                    contact_id=contact_id,
                    consent=to,
                    on=on,
                    method=how,
                    note=note,
                    created_by_id=clerk[1],
                )
            )
        stale = consent == "consented" and consented_on < today - 210 * DAY and rng.random() < STALE_CONTACT_SHARE
        return _Contact(contact_id, koban, officer, consented_on, ended_on, stale, obj)

    def person(self, rng, station_id, koban: Koban, clerk, wants_email: bool) -> int:
        gender = "female" if rng.random() < 0.35 else "male"
        family, given, family_kana, given_kana = full_name(rng, gender)
        age = round(rng.triangular(35, 84, 68))
        person = Person(
            id=self.g.ids("people.Person"),
            station_id=station_id,
            family_name=family,
            given_name=given,
            family_kana=family_kana,
            given_kana=given_kana,
            sort_key=family_given_key(family_kana, given_kana),
            given_key=reading_sort_key(given_kana),
            birth_date=datetime.date(self.today.year - age - 1, 1, 1) + rng.randint(0, 364) * DAY,
            gender=gender,
            address_prefecture=self.g.settings.name,
            address_city=koban.municipality,
            address_town=koban.jurisdiction_name.removesuffix("地区"),
            address_rest=f"{rng.randint(1, 4)}丁目{rng.randint(1, 30)}番{rng.randint(1, 25)}号",
            phone=f"{rng.choice(['090', '080', '070'])}{rng.randint(10000000, 99999999)}",
            email=f"c{rng.randint(1000, 9999999)}@example.jp" if wants_email else "",
            created_by_id=clerk[1],
        )
        self.g.sink.add(person)
        self.g.sink.add_search_index(person)
        return person.id

    def request(self, rng, station_id, koban: Koban, day, officer, found: _Contact, sections) -> int:
        category, content, answer, section, done, difficult = rng.choice(REQUESTS)
        story = case_story(rng, day, self.today)
        if story.status == Case.Status.DIFFICULT and not difficult:
            story.status = Case.Status.DONE
            story.steps[-1] = (story.steps[-1][0], Case.Status.DONE)
        case_id = self.g.ids("cases.Case")
        self.g.sink.add(
            Case(
                id=case_id,
                station_id=station_id,
                koban_id=koban.pk,
                received_on=day,
                category=category,
                content=content.format(town=koban.jurisdiction_name.removesuffix("地区")),
                raised_by_kind=Case.RaisedBy.CONTACT_PERSON,
                raised_by_person_id=found.obj.person_id,
                answer=answer,
                section_id=sections[section],
                status=story.status,
                settled_on=story.settled_on,
                told_on=story.told_on,
                created_by_id=officer[1],
            )
        )
        notes = {Case.Status.DONE: done, Case.Status.DIFFICULT: difficult}
        for on, status in story.steps:
            self.g.sink.add(
                CaseUpdate(
                    id=self.g.ids("cases.CaseUpdate"),
                    case_id=case_id,
                    on=on,
                    status=status,
                    note=notes.get(status, ""),
                    officer_id=officer[0],
                    created_by_id=officer[1],
                )
            )
        return case_id
