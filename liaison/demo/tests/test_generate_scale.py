"""``manage.py generate_scale`` at the tiny scale: it fills every table it should, keeps the rules the actions and the
database keep, gives the same rows for the same seed, and refuses a database that already holds data."""

import datetime
import io
from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction

from liaison.cases.models import Case, CaseUpdate
from liaison.councils.models import Council, Membership, Notice
from liaison.councils.queries import current_memberships
from liaison.demo.builders import DEMO_LOGINS, DEMO_PASSWORD
from liaison.demo.management.commands import generate_scale
from liaison.demo.scale import SCALES, Generator
from liaison.lib.dates import today_tokyo
from liaison.lib.kana import family_given_key, reading_sort_key
from liaison.lib.wareki import TOKYO
from liaison.meetings.models import Attendance, Guest, Meeting, MeetingCase, PoliceAttendee
from liaison.network import tally
from liaison.network.models import ConsentChange, ContactPerson, Exchange, ExchangeCase
from liaison.org.models import HQDivision, Koban, Officer, Section, Station
from liaison.people.models import Person, PublicOfficeRecord

pytestmark = pytest.mark.django_db


def _generate(seed: int = 3) -> str:
    out = io.StringIO()
    call_command("generate_scale", "--scale", "tiny", "--seed", str(seed), stdout=out)
    return out.getvalue()


# Everything but what the database or the clock sets: created_at/updated_at, password hashes (salted), the ids of
# the council–koban link rows.
SNAPSHOT = {
    Station: ["id", "name", "code", "address", "order"],
    Section: ["id", "station", "name", "is_community"],
    Koban: ["id", "station", "name", "kind", "jurisdiction_name", "municipality", "area"],
    Officer: ["id", "user__username", "family_name", "given_kana", "rank", "title", "role", "station", "koban"],
    Council: ["id", "station", "name", "kind", "established_on", "operation_manager", "operation_manager_confirmed_at"],
    Person: ["id", "family_name", "given_name", "family_kana", "birth_date", "gender", "occupation", "phone"],
    Membership: ["id", "council", "person", "kind", "start_date", "end_date", "post", "leader_category", "previous"],
    PublicOfficeRecord: ["id", "person", "kind", "office", "start_date"],
    Notice: ["id", "recipient", "council", "text"],
    Meeting: ["id", "council", "kind", "fiscal_year", "number", "status", "starts_at", "venue_name"],
    Attendance: ["id", "meeting", "membership"],
    PoliceAttendee: ["id", "meeting", "officer", "executive_class"],
    Case: ["id", "station", "received_on", "category", "status", "settled_on", "told_on"],
    CaseUpdate: ["id", "case", "on", "status"],
    MeetingCase: ["id", "meeting", "case", "order"],
    ContactPerson: ["id", "person", "station", "koban", "officer", "consent", "consent_on", "last_exchange_on"],
    ConsentChange: ["id", "contact", "consent", "on", "method"],
    Exchange: ["id", "station", "koban", "on", "officer", "kind"],
    ExchangeCase: ["id", "exchange", "case"],
}


def _snapshot() -> dict:
    rows = {
        model.__name__: list(model.objects.order_by("pk").values_list(*fields)) for model, fields in SNAPSHOT.items()
    }
    rows["kobans"] = sorted(Council.kobans.through.objects.values_list("council_id", "koban_id"))
    return rows


class _Rollback(Exception):
    pass


def _generate_and_roll_back(seed: int) -> dict:
    try:
        with transaction.atomic():
            _generate(seed)
            snapshot = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    assert not Person.objects.exists()
    return snapshot


def test_same_seed_same_rows_and_another_seed_other_rows():
    first = _generate_and_roll_back(3)
    assert first == _generate_and_roll_back(3)
    other = _generate_and_roll_back(4)
    assert other["Person"] != first["Person"]
    assert other["Membership"] != first["Membership"]


def test_every_table_it_should_fill_has_rows():
    output = _generate()
    for model in [HQDivision, Station, Section, Koban, Officer, get_user_model(), Council, Council.kobans.through]:
        assert model.objects.exists(), model
    for model in [Person, Membership, PublicOfficeRecord, Notice]:
        assert model.objects.exists(), model
    for model in [Meeting, Attendance, Guest, PoliceAttendee, Case, CaseUpdate, MeetingCase]:
        assert model.objects.exists(), model
    assert Koban.objects.filter(kind=Koban.Kind.CHUZAISHO).exists()
    assert "作成しました" in output


def test_generated_people_are_found_by_the_person_search():
    """The bulk insert sets the reading keys the search looks up (Person.save, which sets them, is skipped)."""
    from liaison.people.queries import search

    _generate()
    people = list(Person.objects.only("family_kana", "given_kana", "sort_key", "given_key")[:50])
    assert all(p.given_key == reading_sort_key(p.given_kana) for p in people)
    sample = people[0]
    assert search(Person.objects.all(), sample.given_kana).filter(pk=sample.pk).exists()


def test_rows_keep_the_rules_of_the_actions_and_the_database():
    """C6.2(1), C6.4(1), C3.2(3): terms, chairs, successors, dismissals and operation managers as the actions make
    them; the database's own constraints held anyway, or the insert would have failed."""
    _generate()
    today = today_tokyo()
    memberships = list(Membership.objects.select_related("council", "previous"))
    by_person = defaultdict(list)
    for m in memberships:
        assert m.start_date <= m.end_date
        assert m.ended_on is None or m.ended_on <= m.end_date
        assert m.station_id == m.council.station_id
        by_person[m.person_id].append(m)
        if m.kind == Membership.Kind.REAPPOINTMENT:
            assert m.previous.person_id == m.person_id
            assert m.start_date == m.previous.end_date + datetime.timedelta(days=1)
        elif m.kind == Membership.Kind.SUCCESSOR:
            assert m.previous.person_id != m.person_id and m.previous.ended_on < m.start_date
            assert m.end_date == m.previous.end_date
        if m.end_reason == Membership.EndReason.PUBLIC_OFFICE:
            assert PublicOfficeRecord.objects.filter(person=m.person_id, start_date=m.ended_on).exists()
            assert Notice.objects.filter(council=m.council_id, recipient=m.council.operation_manager_id).exists()
    # One seat at a time: a person's terms never overlap.
    for terms in by_person.values():
        terms.sort(key=lambda m: m.start_date)
        for earlier, later in zip(terms, terms[1:], strict=False):
            assert earlier.last_day < later.start_date
    for council in Council.objects.filter(status=Council.Status.ACTIVE):
        current = Membership.objects.filter(current_memberships(today), council=council)
        assert current.filter(post=Membership.Post.CHAIR).count() == 1, council
        assert 7 <= current.count() <= 12, council
        manager = council.operation_manager
        assert manager.role == Officer.Role.KOBAN_CHIEF and council.kobans.filter(pk=manager.koban_id).exists()
    assert Membership.objects.filter(kind=Membership.Kind.SUCCESSOR).exists()
    assert Membership.objects.exclude(leader_category="").exists()
    for person in Person.objects.all():
        assert person.sort_key == family_given_key(person.family_kana, person.given_kana)
        assert person.age(today) >= 25


def test_demo_logins_work_and_other_officers_cannot_log_in():
    _generate()
    users = get_user_model().objects.filter(username__in=DEMO_LOGINS)
    assert sorted(u.username for u in users) == sorted(DEMO_LOGINS)
    assert all(u.check_password(DEMO_PASSWORD) for u in users)
    for username, role in DEMO_LOGINS.items():
        assert Officer.objects.get(user__username=username).role == role
    # The station and koban logins are of the first, largest station and its first koban.
    chief = Officer.objects.get(user__username="demo_chief")
    assert chief.station.code == "S0001"
    assert chief.station.kobans.count() == max(s.kobans.count() for s in Station.objects.all())
    assert Officer.objects.get(user__username="demo_koban_chief").koban.order == 1
    others = get_user_model().objects.exclude(username__in=DEMO_LOGINS)
    assert not any(u.has_usable_password() for u in others)


def test_new_rows_after_generation_get_fresh_ids():
    """The generator gives ids itself; PostgreSQL's sequences must be moved past them for the app to add rows."""
    _generate()
    station = Station.objects.get(code="S0001")
    person = Person.objects.create(station=station, family_name="新規", given_name="太郎", family_kana="シンキ")
    assert person.pk > Person.objects.exclude(pk=person.pk).order_by("-pk").values_list("pk", flat=True)[0]
    Station.objects.create(name="新設警察署", code="NEW")
    guest = Guest.objects.create(meeting=Meeting.objects.first(), name="新規 花子")
    assert guest.pk > Guest.objects.exclude(pk=guest.pk).order_by("-pk").values_list("pk", flat=True)[0]
    contact = ContactPerson.objects.filter(consent="candidate").first()
    step = ConsentChange.objects.create(
        contact=contact, consent="asked", on=today_tokyo(), created_by_id=contact.created_by_id
    )
    assert step.pk > ConsentChange.objects.exclude(pk=step.pk).order_by("-pk").values_list("pk", flat=True)[0]


def test_issue8_rows_written_plainly_read_back_as_the_orm_would_store_them():
    """The generator writes its rows plainly (``RowWriter.write_objects``: COPY / executemany), not through
    ``bulk_create``: dates, aware datetimes, empty values, nulls and the ``auto_now_add`` stamps read back as the
    same row saved by the ORM."""
    from liaison.demo.scale import RowWriter

    _generate()
    kept = [Notice.objects.exclude(read_at=None).first()]
    kept += [Council.objects.exclude(operation_manager_confirmed_at=None).first()]
    kept += [Person.objects.exclude(email="").first(), Person.objects.filter(email="").first()]
    kept += [Case.objects.exclude(settled_on=None).first(), Case.objects.filter(settled_on=None).first()]
    kept += [ConsentChange.objects.exclude(method="").first()]
    assert None not in kept
    stamps = ("id", "created_at", "updated_at")
    writer = RowWriter()
    for obj in kept:
        model = type(obj)
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in stamps]
        by_orm, plain = (model(**{f: getattr(obj, f) for f in fields}) for _ in range(2))
        by_orm.save(force_insert=True)
        plain.pk = by_orm.pk + 1000  # the generator gives the ids itself (past the sequence, which goes on)
        writer.write_objects([plain])
        stored_orm = model.objects.filter(pk=by_orm.pk).values(*fields).get()
        assert model.objects.filter(pk=plain.pk).values(*fields).get() == stored_orm, model
        assert stored_orm == {f: getattr(obj, f) for f in fields}, model
        made = [f.attname for f in model._meta.concrete_fields if f.attname in stamps[1:]]
        for row in model.objects.filter(pk__in=[by_orm.pk, plain.pk]).values(*made):
            assert all(stamp is not None and stamp.tzinfo is not None for stamp in row.values()), model
    assert writer.written[Person._meta.label] == 2


def test_refuses_a_database_that_holds_data():
    Station.objects.create(name="既存警察署", code="X01")
    with pytest.raises(CommandError, match="空ではありません"):
        _generate()
    assert not Person.objects.exists()


def test_refuses_to_run_twice():
    _generate()
    with pytest.raises(CommandError, match="空ではありません"):
        _generate()


def test_keep_existing_leaves_the_same_scale_as_it_is_and_refuses_other_data():
    """The benchmark measures a database built earlier again (``--keep-existing``): the same scale is left as it is,
    anything else is still refused."""
    _generate()
    before = {model: model.objects.count() for model in (Station, Person, Officer)}
    out = io.StringIO()
    call_command("generate_scale", "--scale", "tiny", "--keep-existing", stdout=out)
    assert "作成済み" in out.getvalue()
    assert {model: model.objects.count() for model in before} == before
    with pytest.raises(CommandError, match="空ではありません"):
        call_command("generate_scale", "--scale", "prefecture", "--keep-existing", stdout=io.StringIO())


def test_follow_up_commands_run_when_they_exist(monkeypatch):
    """The stored findings' rebuild is a follow-up command: run when defined, skipped while it is not."""
    monkeypatch.setattr(generate_scale, "FOLLOW_UPS", ["no_such_command", "demo_logins"])
    output = _generate()
    assert "no_such_command" not in output
    assert "demo_chief" in output and "demo_logins:" in output


def test_issue8_generated_people_have_their_name_grams_and_reading_prefixes():
    """The generator writes people in bulk (no Person.save): each still gets exactly the grams of their names and
    the prefixes of their readings, so the search finds them at x10 as it finds people recorded through the
    screens."""
    from liaison.people.tests.test_name_index import assert_grams_complete
    from liaison.people.tests.test_reading_prefix import assert_prefixes_complete

    _generate()
    assert Person.objects.exists()
    assert_grams_complete()
    assert_prefixes_complete()


def _expected_executive_class(officer: Officer) -> str:
    """C10.2: the class the meetings' rule gives the officer (rank, title, section, koban)."""
    from liaison.meetings.rules import executive_class

    return executive_class(
        rank=officer.rank,
        title=officer.title,
        section_is_community=officer.section is not None and officer.section.is_community,
        at_koban=officer.koban_id is not None,
    )


def test_meetings_and_cases_at_scale_keep_the_rules():
    """C7.1, C7.4, C10.2, C8.2: two fiscal years of meetings, 2–3 a council a year; each regular meeting's 第N回
    unique and in date order per council and fiscal year; attendance only of the council's members serving on the
    day, about eight a meeting; 2–3 officers, each classed by the rule; about 1.5 requests a meeting, each with a
    history ending in its status."""
    _generate()
    today = today_tokyo()
    this_year = today.year if today.month >= 4 else today.year - 1
    meetings = list(Meeting.objects.order_by("starts_at", "pk"))
    assert {m.fiscal_year for m in meetings} == {this_year - 1, this_year}
    numbers = defaultdict(list)
    for m in meetings:
        day = m.starts_at.astimezone(TOKYO).date()
        assert m.fiscal_year == (day.year if day.month >= 4 else day.year - 1)
        assert (m.status == Meeting.Status.HELD) == (day < today)
        if m.kind == Meeting.Kind.REGULAR:
            numbers[(m.council_id, m.fiscal_year)].append(m.number)
        else:
            assert m.number is None and m.trigger and m.measures
    for found in numbers.values():
        assert found == list(range(1, len(found) + 1))
    councils = Council.objects.count()
    last_year = [m for m in meetings if m.fiscal_year == this_year - 1]
    assert 2 <= len(last_year) / councils <= 3.5

    held = Meeting.objects.filter(status=Meeting.Status.HELD)
    attendances = Attendance.objects.select_related("meeting", "membership")
    for a in attendances:
        day = a.meeting.starts_at.astimezone(TOKYO).date()
        assert a.membership.council_id == a.meeting.council_id
        assert a.membership.start_date <= day <= a.membership.last_day
    assert not attendances.exclude(meeting__in=held).exists()
    assert 6.5 <= attendances.count() / held.count() <= 9.5

    attendees = list(PoliceAttendee.objects.select_related("officer__section", "meeting__council"))
    for attendee in attendees:
        assert attendee.executive_class == _expected_executive_class(attendee.officer), attendee.officer.title
        assert attendee.officer.station_id == attendee.meeting.council.station_id
    assert {a.executive_class for a in attendees} == set(PoliceAttendee.ExecutiveClass.values)
    assert 2 <= len(attendees) / held.count() <= 3

    cases = Case.objects.prefetch_related("updates")
    assert 1 <= cases.filter(meeting_link__isnull=False).count() / held.count() <= 2
    assert {c.status for c in cases} == set(Case.Status.values)
    for case in cases:
        steps = list(case.updates.all())
        assert steps[0].status == Case.Status.RECEIVED and steps[-1].status == case.status
        assert case.told_on is None or case.settled_on < case.told_on
    for link in MeetingCase.objects.select_related("meeting", "case"):
        assert link.case.received_on == link.meeting.starts_at.astimezone(TOKYO).date()
        assert link.meeting.status == Meeting.Status.HELD


def _generate_without_network_and_roll_back(seed: int) -> dict:
    try:
        with transaction.atomic():
            Generator(SCALES["tiny"], seed, today=today_tokyo(), network=False).run()
            snapshot = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    return snapshot


def test_the_network_leaves_every_other_row_as_it_was():
    """Issue 10: the network is generated in a pass of its own, so the organisation, councils, people, meetings and
    cases are the same rows, ids included, as without it; its people and cases only follow them."""
    without = _generate_without_network_and_roll_back(3)
    with_network = _generate_and_roll_back(3)
    assert with_network["ContactPerson"] and not without["ContactPerson"]
    for name, rows in without.items():
        if name in ("Person", "Case", "CaseUpdate"):
            assert with_network[name][: len(rows)] == rows, name
            assert len(with_network[name]) > len(rows), name
        else:
            assert with_network[name] == rows or not rows, name


def test_n4_2_the_network_at_scale_keeps_the_rules():
    """N4.2, N2.2, N4.4: every consent state with its dated history; about 27 contact persons a koban, a third of
    them people already on record; nobody met before consenting or after declining or withdrawing; last_exchange_on
    is each contact person's latest exchange; some consenting contact persons not met for over 90 days; requests
    received at exchanges are cases raised by the contact person."""
    _generate()
    today = today_tokyo()
    contacts = {c.pk: c for c in ContactPerson.objects.all()}
    assert {c.consent for c in contacts.values()} == set(ContactPerson.Consent.values)
    assert 20 <= len(contacts) / Koban.objects.count() <= 34
    members = set(Membership.objects.values_list("person_id", flat=True))
    from_people = sum(1 for c in contacts.values() if c.person_id in members)
    assert 0.2 <= from_people / len(contacts) <= 0.45
    history = defaultdict(list)
    for step in ConsentChange.objects.order_by("on", "pk"):
        history[step.contact_id].append(step)
    consented, ended = {}, {}
    for pk, contact in contacts.items():
        steps = history[pk]
        assert steps[0].consent == "candidate" and steps[-1].consent == contact.consent
        assert all(a.on <= b.on <= today for a, b in zip(steps, steps[1:], strict=False))
        if contact.consent == "consented":
            assert contact.consent_on == steps[-1].on and contact.consent_method
        for step in steps:
            if step.consent == "consented":
                consented[pk] = step.on
            if step.consent == "withdrawn":
                ended[pk] = step.on
    latest = {}
    for pk, on in Exchange.contacts.through.objects.values_list("contactperson_id", "exchange__on"):
        assert pk in consented and consented[pk] <= on and (pk not in ended or on < ended[pk])
        assert contacts[pk].koban_id is not None
        latest[pk] = max(on, latest.get(pk, on))
    assert all(c.last_exchange_on == latest.get(pk) for pk, c in contacts.items())
    stale = today - datetime.timedelta(days=90)
    assert any(
        c.consent == "consented" and c.last_exchange_on and c.last_exchange_on < stale for c in contacts.values()
    )
    assert not Exchange.objects.filter(on__lt=today - datetime.timedelta(days=366)).exists()
    assert Exchange.objects.count() > 20 * sum(1 for c in contacts.values() if c.consent == "consented")
    links = ExchangeCase.objects.select_related("case", "exchange")
    assert links.exists()
    for link in links:
        assert link.case.raised_by_kind == Case.RaisedBy.CONTACT_PERSON and link.case.received_on == link.exchange.on
        assert link.case.station_id == link.exchange.station_id
    assert tally.stored() == tally.live()  # the chief's view reads the monthly tally (issue 8)


def test_without_network_skips_the_network_and_keeps_every_other_row():
    """``--without-network`` (a measurement that needs no network) writes no contact or exchange, and every other
    row as without the option."""
    try:
        with transaction.atomic():
            out = io.StringIO()
            call_command("generate_scale", "--scale", "tiny", "--seed", "3", "--without-network", stdout=out)
            skipped = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    assert "作成しました" in out.getvalue()
    assert not skipped["ContactPerson"] and not skipped["Exchange"] and not skipped["ConsentChange"]
    assert skipped == _generate_without_network_and_roll_back(3)
    assert skipped["Person"] and skipped["Membership"] and skipped["Case"]
