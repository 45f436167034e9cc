"""Scheduling, numbering, holding and cancelling meetings; election periods; attendance (C7.1, C7.3, C7.4, C8.1,
C10.2, C10.3), through the actions on a real database."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from liaison.audit.models import AuditEntry
from liaison.meetings.actions import meetings as actions
from liaison.meetings.models import Meeting, PoliceAttendee
from liaison.org.models import Rank
from liaison.testing import make_officer

from .conftest import values

D = datetime.date
pytestmark = pytest.mark.django_db


def _schedule(council, world, day, **kw):
    reason = kw.pop("reason", "")
    return actions.meeting_schedule(
        council=council,
        values=values(day, **kw),
        acting_user=world.user("koban_chief"),
        election_override_reason=reason,
    )


def test_c7_1_regular_meetings_are_numbered_within_the_fiscal_year(world, council):
    first = _schedule(council, world, D(2026, 5, 20))
    second = _schedule(council, world, D(2027, 2, 10))
    ad_hoc = _schedule(council, world, D(2026, 6, 1), kind="ad_hoc", trigger="空き巣の連続発生")
    next_year = _schedule(council, world, D(2027, 4, 15))
    assert (first.fiscal_year, first.number) == (2026, 1)
    assert (second.fiscal_year, second.number) == (2026, 2)
    assert ad_hoc.number is None and str(ad_hoc).endswith("臨時会議")
    assert (next_year.fiscal_year, next_year.number) == (2027, 1)
    assert str(second).endswith("定期会議 第2回")


def test_c7_1_a_cancelled_last_meeting_frees_its_number_and_a_moved_meeting_is_renumbered(world, council):
    first = _schedule(council, world, D(2026, 5, 20))
    second = _schedule(council, world, D(2026, 9, 20))
    actions.meeting_cancel(meeting=second, reason="台風", acting_user=world.user("koban_chief"))
    assert _schedule(council, world, D(2026, 10, 20)).number == 2
    assert AuditEntry.objects.filter(action="meeting.cancel", object_id=str(second.pk)).exists()
    # Moving 第1回 into the next fiscal year makes it that year's 第1回.
    first.refresh_from_db()
    moved = actions.meeting_update(
        meeting=first, values=values(D(2027, 5, 1)), version=first.version, acting_user=world.user("koban_chief")
    )
    assert (moved.fiscal_year, moved.number) == (2027, 1)


def test_c7_1_the_database_refuses_two_planned_meetings_with_one_number(world, council):
    from django.db import IntegrityError, transaction

    first = _schedule(council, world, D(2026, 5, 20))
    clash = Meeting(council=council, created_by=world.user("koban_chief"), fiscal_year=2026, number=first.number)
    for key, value in values(D(2026, 6, 20)).items():
        setattr(clash, key, value)
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()


def test_c7_3_an_ad_hoc_meeting_records_its_trigger_and_measures(world, council):
    with pytest.raises(ValidationError) as refused:
        _schedule(council, world, D(2026, 6, 1), kind="ad_hoc")
    assert "開催の契機" in str(refused.value)
    meeting = _schedule(
        council,
        world,
        D(2026, 6, 1),
        kind="ad_hoc",
        trigger="空き巣の連続発生",
        measures=["information", "emergency_contact"],
        measures_note="連絡網を作る",
    )
    meeting.refresh_from_db()
    assert meeting.measures == ["information", "emergency_contact"] and meeting.trigger == "空き巣の連続発生"


def test_c8_1_themes_are_kept_and_unknown_ones_refused(world, council):
    meeting = _schedule(council, world, D(2026, 6, 1), themes=["koban_activity", "local_events"], theme_note="防犯")
    meeting.refresh_from_db()
    assert meeting.themes == ["koban_activity", "local_events"] and meeting.theme_note == "防犯"
    with pytest.raises(ValidationError):
        _schedule(council, world, D(2026, 6, 2), themes=["gossip"])


def test_c10_3_a_meeting_inside_an_election_period_needs_a_reason_and_the_override_is_audited(world, council):
    period = actions.election_period_create(
        values={
            "name": "県議会議員選挙",
            "starts_on": D(2026, 7, 1),
            "ends_on": D(2026, 7, 10),
            "municipalities": ["仙台市青葉区"],
        },
        station=None,
        acting_user=world.user("hq_admin"),
    )
    with pytest.raises(ValidationError) as refused:
        _schedule(council, world, D(2026, 7, 5))
    assert "県議会議員選挙" in str(refused.value) and not Meeting.objects.exists()
    meeting = _schedule(council, world, D(2026, 7, 5), reason="連続発生した空き巣への緊急の対策のため")
    assert meeting.election_period == period
    entry = AuditEntry.objects.get(action="meeting.election_override")
    assert entry.detail["reason"] == "連続発生した空き巣への緊急の対策のため"
    # Outside the period, or in another town, nothing is asked.
    assert _schedule(council, world, D(2026, 7, 11)).election_period is None


def test_c10_3_another_stations_period_does_not_apply(world, council):
    actions.election_period_create(
        values={"name": "泉区の選挙", "starts_on": D(2026, 7, 1), "ends_on": D(2026, 7, 10), "whole_prefecture": True},
        station=world.station_b,
        acting_user=world.user("hq_admin"),
    )
    assert _schedule(council, world, D(2026, 7, 5)).election_period is None


def test_c7_4_c10_2_attendance_records_members_guests_and_classed_officers(world, council):
    meeting = _schedule(council, world, D(2026, 5, 20))
    chief = make_officer("community_section", station=world.station_a, rank=Rank.KEIBU, title="地域課長")
    detective = make_officer("section_staff", station=world.station_a, rank=Rank.KEIBU, title="刑事課長")
    members = list(council.memberships.all()[:6])
    counts = actions.attendance_record(
        meeting=meeting,
        memberships=members,
        guests=[{"name": "小学校 校長", "affiliation": "一番町小学校", "reason": "声掛け事案"}],
        officers=[world.officers["koban_chief"], chief, detective],
        acting_user=world.user("koban_chief"),
    )
    assert (counts.members, counts.guests, counts.police) == (6, 1, 3)
    assert (counts.community_executives, counts.other_executives) == (1, 1)
    classes = dict(PoliceAttendee.objects.filter(meeting=meeting).values_list("officer_id", "executive_class"))
    assert classes == {
        world.officers["koban_chief"].pk: "other",
        chief.pk: "community",
        detective.pk: "other_executive",
    }
    # Recording again replaces the record.
    counts = actions.attendance_record(
        meeting=meeting, memberships=members[:2], guests=[], officers=[], acting_user=world.user("koban_chief")
    )
    assert meeting.attendances.count() == 2 and not meeting.guests.exists() and counts.police == 0


def test_holding_is_refused_before_the_day_and_cancelled_meetings_stay_cancelled(world, council):
    future = _schedule(council, world, D(2099, 5, 20))
    with pytest.raises(ValidationError):
        actions.meeting_hold(meeting=future, acting_user=world.user("koban_chief"))
    past = _schedule(council, world, D(2025, 5, 20))
    assert actions.meeting_hold(meeting=past, acting_user=world.user("koban_chief")).status == "held"
    actions.meeting_cancel(meeting=future, reason="", acting_user=world.user("koban_chief"))
    with pytest.raises(ValidationError):
        actions.meeting_hold(meeting=future, acting_user=world.user("koban_chief"))
