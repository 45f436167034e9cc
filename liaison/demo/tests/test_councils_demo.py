"""The demo councils give every council screen content and realistic findings; their meetings, opinions and
requests give the meeting and case screens theirs."""

import datetime
from collections import defaultdict

import pytest

from liaison.cases.models import Case
from liaison.councils import queries
from liaison.councils.models import Council, CouncilReview, Membership
from liaison.demo.meetings import ELECTION_OVERRIDE_COUNCIL, NO_REGULAR_MEETING_THIS_YEAR
from liaison.lib.dates import today_tokyo
from liaison.lib.wareki import TOKYO
from liaison.meetings.models import (
    Activity,
    Attendance,
    ElectionPeriod,
    Guest,
    Meeting,
    MeetingCase,
    MemberContact,
    MemberInformation,
    PoliceAttendee,
)
from liaison.org.models import Koban, Officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def councils(demo_once):
    day = today_tokyo()
    active = list(queries.with_current_members(Council.objects.filter(status=Council.Status.ACTIVE), day))
    return active, queries.findings_for(active, day)


def test_most_kobans_have_a_council_but_some_have_none(councils):
    """C3.1: a council for each jurisdiction as a rule; the kobans without one are listed."""
    without = queries.kobans_without_council(Koban.objects.all())
    total = Koban.objects.filter(active=True).count()
    assert 5 <= len(without) <= 9
    assert len(without) < total * 0.15
    kinds = {c.kind for c in councils[0]}
    assert kinds == {Council.Kind.JURISDICTION, Council.Kind.UNIT, Council.Kind.OCCUPATIONAL}
    aoba = [c for c in councils[0] if c.station.order == 1]
    assert {c.kind for c in aoba} == kinds


def test_demo_koban_council_has_about_ten_members_and_one_chair(councils):
    """C6.1, C3.2(1): the demo koban chief's koban has an active council of about ten with exactly one chair."""
    koban = Officer.objects.get(user__username="demo_koban_chief").koban
    council = next(c for c in councils[0] if koban in c.kobans.all())
    assert 8 <= len(council.current_members) <= 12
    assert sum(m.post == Membership.Post.CHAIR for m in council.current_members) == 1
    assert council.operation_manager.koban_id == koban.pk
    for other in councils[0]:
        assert sum(m.post == Membership.Post.CHAIR for m in other.current_members) == 1, other.name


def test_findings_are_realistic(councils):
    """C6.4(2) long tenure, C6.2(1) terms ending soon, C3.2(2)イ / C6.1 leader share and size warnings."""
    codes = [{f.code for f in found} for found in councils[1].values()]
    assert any("long_tenure" in c for c in codes)
    assert any("term_ending" in c for c in codes)
    assert any({"leader_share", "size"} & c for c in codes)
    assert not any({"many_chairs", "no_chair", "public_office"} & c for c in codes)
    assert sum(1 for c in codes if not c) >= 10  # plenty of councils in good order too


def test_members_who_took_public_office_were_dismissed(councils):
    """C6.4(1): members who stood for or took public office are no longer members; their seats have successors."""
    day = today_tokyo()
    dismissed = Membership.objects.filter(end_reason=Membership.EndReason.PUBLIC_OFFICE)
    assert dismissed.exists()
    for membership in dismissed:
        assert membership.following.filter(kind=Membership.Kind.SUCCESSOR).exists()
    for council in councils[0]:
        for member in council.current_members:
            assert member.person.public_office_on(day) is None


def test_history_has_successors_reappointments_and_a_review(demo_once):
    """C6.2(1) successors and reappointments, C4.3 a merger explained to the members before it took effect."""
    assert Membership.objects.filter(kind=Membership.Kind.SUCCESSOR, previous__end_reason="resigned").exists()
    assert Membership.objects.filter(kind=Membership.Kind.REAPPOINTMENT).count() > 100
    review = CouncilReview.objects.get()
    assert review.explained_on < review.effective_date
    assert review.predecessors.count() == 2
    merged = review.successors.get()
    assert merged.memberships.filter(kind=Membership.Kind.RECOMMISSION).exists()
    assert all(c.status == Council.Status.CLOSED for c in review.predecessors.all())


# --- meetings, opinions and requests (liaison.demo.meetings) ------------------------------------------------------


def _this_fiscal_year() -> int:
    today = today_tokyo()
    return today.year if today.month >= 4 else today.year - 1


def _expected_executive_class(officer: Officer) -> str:
    """C10.2 as the circular puts it: 警部 and above, or a 課長・署長・副署長 post, is an executive; in the community
    section a 地域幹部, elsewhere その他の幹部."""
    executive = officer.rank in {"keibu", "keishi", "keishisei", "keishicho", "keishikan"} or any(
        post in officer.title for post in ("課長", "署長", "副署長")
    )
    if not executive:
        return PoliceAttendee.ExecutiveClass.OTHER
    community = officer.section is not None and officer.section.is_community
    return PoliceAttendee.ExecutiveClass.COMMUNITY if community else PoliceAttendee.ExecutiveClass.OTHER_EXECUTIVE


def test_two_fiscal_years_of_regular_and_ad_hoc_meetings(demo_once):
    """C7.1, C7.3, C8.1: regular meetings numbered 第N回 in date order within each fiscal year, ad hoc meetings with
    their trigger and measures, held ones in the past, planned ones ahead, at every kind of venue."""
    year = _this_fiscal_year()
    today = today_tokyo()
    meetings = list(Meeting.objects.order_by("starts_at", "pk"))
    assert {m.fiscal_year for m in meetings} == {year - 1, year}
    numbers = defaultdict(list)
    for m in meetings:
        day = m.starts_at.astimezone(TOKYO).date()
        assert m.fiscal_year == (day.year if day.month >= 4 else day.year - 1)
        assert (m.status == Meeting.Status.HELD) == (day < today), m
        assert m.venue_name and m.themes
        if m.kind == Meeting.Kind.REGULAR:
            numbers[(m.council_id, m.fiscal_year)].append(m.number)
        else:
            assert m.number is None and m.trigger and m.measures and m.measures_note, m
    for found in numbers.values():
        assert found == list(range(1, len(found) + 1))
    assert max(len(found) for found in numbers.values()) == 3
    assert Meeting.objects.filter(kind=Meeting.Kind.AD_HOC, status=Meeting.Status.HELD).count() >= 3
    assert Meeting.objects.filter(status=Meeting.Status.PLANNED).exists()
    assert {m.venue_kind for m in meetings} == set(Meeting.VenueKind.values)
    held = Meeting.objects.filter(status=Meeting.Status.HELD)
    assert not held.filter(minutes="").exists()
    # The demo koban chief's council met in both years.
    koban = Officer.objects.get(user__username="demo_koban_chief").koban
    assert {m.fiscal_year for m in held.filter(council__kobans=koban)} == {year - 1, year}


def test_one_council_has_no_regular_meeting_this_fiscal_year(demo_once):
    """C7.2: exactly one active council set up before this fiscal year has held no regular meeting in it."""
    year = _this_fiscal_year()
    met = Meeting.objects.filter(kind=Meeting.Kind.REGULAR, fiscal_year=year, status=Meeting.Status.HELD)
    without = Council.objects.filter(status=Council.Status.ACTIVE, established_on__lt=datetime.date(year, 4, 1))
    without = without.exclude(pk__in=met.values("council_id"))
    assert [c.name for c in without] == [NO_REGULAR_MEETING_THIS_YEAR]


def test_attendance_is_of_members_serving_that_day_and_officers_are_classed_by_the_rule(demo_once):
    """C7.4, C10.2: members ticked are the council's serving that day, most of them came; guests say who they are and
    why they came; each officer's executive class follows rank, section and post, in all three classes."""
    attendances = Attendance.objects.select_related("meeting", "membership")
    assert attendances.count() > 500
    for a in attendances:
        day = a.meeting.starts_at.astimezone(TOKYO).date()
        assert a.membership.council_id == a.meeting.council_id
        assert a.membership.start_date <= day <= a.membership.last_day
    held = Meeting.objects.filter(status=Meeting.Status.HELD)
    assert not Attendance.objects.exclude(meeting__in=held).exists()
    assert attendances.count() / held.count() >= 6
    guests = Guest.objects.all()
    assert guests.count() >= 5 and not guests.filter(affiliation="").exists() and not guests.filter(reason="").exists()
    attendees = list(PoliceAttendee.objects.select_related("officer__section", "meeting__council"))
    for attendee in attendees:
        assert attendee.executive_class == _expected_executive_class(attendee.officer), attendee.officer.title
        assert attendee.officer.station_id == attendee.meeting.council.station_id
    assert {a.executive_class for a in attendees} == set(PoliceAttendee.ExecutiveClass.values)


def test_cases_in_every_status_with_history_answers_and_outcomes_told(demo_once):
    """C8.2: requests raised at meetings (in order, with answers) and a few outside them, in every action status, each
    with a dated history ending in its status; settled ones mostly told, the lately settled not yet."""
    cases = Case.objects.prefetch_related("updates")
    assert {c.status for c in cases} == set(Case.Status.values)
    for case in cases:
        steps = list(case.updates.all())
        assert steps[0].status == Case.Status.RECEIVED and steps[0].on == case.received_on
        assert steps[-1].status == case.status
        assert [s.on for s in steps] == sorted(s.on for s in steps)
        if case.status in Case.SETTLED:
            assert case.settled_on == steps[-1].on
            assert case.told_on is None or case.told_on > case.settled_on
        else:
            assert case.settled_on is None and case.told_on is None
    settled = Case.objects.filter(status__in=Case.SETTLED)
    assert settled.filter(told_on__isnull=True).exists() and settled.filter(told_on__isnull=False).exists()
    linked = MeetingCase.objects.select_related("case", "meeting")
    assert not linked.filter(case__answer="").exists()
    for link in linked:
        assert link.case.received_on == link.meeting.starts_at.astimezone(TOKYO).date()
        assert link.case.station_id == link.meeting.council.station_id
    orders = defaultdict(list)
    for meeting_id, order in MeetingCase.objects.values_list("meeting_id", "order"):
        orders[meeting_id].append(order)
    assert all(sorted(found) == list(range(1, len(found) + 1)) for found in orders.values())
    # Raised outside meetings and outside the network's exchanges and 地域安全の会 (those have tests of their own).
    outside = Case.objects.filter(
        meeting_link__isnull=True, exchange_link__isnull=True, safety_meeting_link__isnull=True
    )
    assert 3 <= outside.count() <= 10


def test_problem_solving_activity_has_an_overdue_interim_report(demo_once):
    """C8.2: one open problem-solving activity of the demo koban's council, with its cases, one interim report given
    at a meeting and one past its due date unreported."""
    activity = Activity.objects.get()
    koban = Officer.objects.get(user__username="demo_koban_chief").koban
    assert activity.status == Activity.Status.OPEN and koban in activity.council.kobans.all()
    assert activity.cases.count() == 2
    reports = list(activity.interim_reports.all())
    assert any(r.reported_on and r.meeting for r in reports)
    assert any(r.reported_on is None and r.due_on < today_tokyo() for r in reports)


def test_election_periods_and_the_one_meeting_held_in_one(demo_once):
    """C10.3: a past prefecture-wide election and a municipal one ahead; the one meeting held during a campaign
    records why, and no other meeting falls in a period covering its council's area."""
    periods = list(ElectionPeriod.objects.all())
    assert any(p.whole_prefecture and p.ends_on < today_tokyo() for p in periods)
    assert any(not p.whole_prefecture and p.municipalities and p.starts_on > today_tokyo() for p in periods)
    overridden = Meeting.objects.exclude(election_period=None)
    assert [m.council.name for m in overridden] == [ELECTION_OVERRIDE_COUNCIL]
    assert overridden.get().election_override_reason
    for meeting in Meeting.objects.filter(election_period=None).prefetch_related("council__kobans"):
        day = meeting.starts_at.astimezone(TOKYO).date()
        area = {k.municipality for k in meeting.council.kobans.all()}
        for p in periods:
            assert not (p.starts_on <= day <= p.ends_on and (p.whole_prefecture or area & set(p.municipalities)))


def test_member_information_and_contacts(demo_once):
    """C9.1, C9.2: information handed over by members, one reported to the station chief and one not yet; the
    operation staff's visits and calls."""
    information = MemberInformation.objects.all()
    assert information.filter(reported_on__isnull=False).count() == 1
    assert information.filter(reported_on__isnull=True).count() == 1
    assert MemberContact.objects.count() >= 3


def test_c11_1_2_good_practice_reports_in_every_routing_state(demo_once):
    """C11.1(2): the demo station has good-practice reports accepted, returned with a comment and waiting for HQ,
    recorded and routed through the actions (so audited); another station has one, so HQ's list spans stations."""
    from liaison.audit.models import AuditEntry
    from liaison.reports.models import GoodPractice, Submission

    chief = Officer.objects.get(user__username="demo_chief")
    own = GoodPractice.objects.filter(station=chief.station_id)
    states = set(
        Submission.objects.filter(kind="good_practice", object_id__in=own.values("pk")).values_list("status", flat=True)
    )
    assert states == {"approved", "returned", "submitted"}
    assert Submission.objects.filter(kind="good_practice", status="returned").exclude(comment="").exists()
    assert GoodPractice.objects.exclude(station=chief.station_id).exists()
    assert own.filter(meetings__isnull=False).exists() and own.filter(cases__isnull=False).exists()
    assert AuditEntry.objects.filter(action="good_practice.create").count() == GoodPractice.objects.count()


def test_c11_2_held_meetings_were_reported_and_decided_but_the_koban_s_latest(demo_once):
    """C11.2: the demo's held meetings have an approved Form 3 — decided by the deputy when routine, else by the
    station chief — except the demo koban's latest, whose missing report is the finding its chief sees."""
    from liaison.findings.models import Finding
    from liaison.meetings.models import Meeting
    from liaison.reports.models import Submission

    rounds = Submission.objects.filter(kind="form3").select_related("decided_by__officer")
    assert rounds.count() > 50 and not rounds.exclude(status="approved").exists()
    for submission in rounds:
        expected = "deputy" if submission.routine else "station_chief"
        assert submission.decided_by.officer.role == expected
        assert submission.decided_at > submission.submitted_at
    koban = Officer.objects.get(user__username="demo_koban_chief").koban_id
    latest = Meeting.objects.filter(council__kobans=koban, status="held").order_by("-starts_at", "-pk").first()
    missing = Finding.objects.filter(subject__source="meeting_report")
    assert list(missing.values_list("subject__object_id", flat=True)) == [latest.pk]


def test_x2_the_demo_leaves_an_unbroken_audit_chain(demo_once):
    """X2 (issue 12): every entry the demo loader writes (through the actions) is chained; verify_audit finds no break."""
    from liaison.audit.models import AuditEntry
    from liaison.audit.verify import verify_chain

    verdict = verify_chain()
    assert verdict.ok and verdict.count == AuditEntry.objects.count() > 0
