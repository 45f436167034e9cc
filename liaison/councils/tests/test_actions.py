"""Council and membership actions against the database (C3–C6)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from liaison.audit.models import AuditEntry
from liaison.councils import actions, queries
from liaison.councils.models import Council, CouncilReview, Membership, Notice
from liaison.org.actions import reorganisation_move_kobans
from liaison.org.models import PrefectureSettings
from liaison.people.models import PublicOfficeRecord
from liaison.testing import make_council_with_members, make_person

pytestmark = pytest.mark.django_db
START = dt.date(2025, 4, 1)


@pytest.fixture
def council(world):
    council, people = make_council_with_members(world, world.koban_a, acting_user=world.user("community_section"))
    council.people = people
    return council


def current(council, day=dt.date(2025, 6, 1)):
    return list(council.memberships.filter(queries.current_memberships(day)).order_by("person__sort_key"))


def test_c6_2_1_appointment_gets_two_year_term_from_settings(council):
    m = current(council)[0]
    assert (m.start_date, m.end_date) == (START, dt.date(2027, 3, 31))
    assert m.kind == Membership.Kind.NEW and m.station == council.station
    assert AuditEntry.objects.filter(action="membership.new", personal_data=True).count() == 10


def test_x4_term_length_follows_prefecture_settings(world, council):
    settings = PrefectureSettings.current()
    settings.term_years = 3
    settings.save()
    person = make_person(world.station_a, "新井", "聡", "アライ", "サトシ")
    m = actions.membership_appoint(council=council, person=person, start_date=START, acting_user=world.user("deputy"))
    assert m.end_date == dt.date(2028, 3, 31)


def test_c6_4_1_appointing_a_public_office_holder_is_refused(world, council):
    person = make_person(world.station_a, "議員", "太郎", "ギイン", "タロウ")
    PublicOfficeRecord.objects.create(
        person=person, kind="office", office="仙台市議会議員", start_date=dt.date(2023, 5, 1)
    )
    with pytest.raises(ValidationError) as error:
        actions.membership_appoint(council=council, person=person, start_date=START, acting_user=world.user("deputy"))
    assert "公職（仙台市議会議員）" in error.value.messages[0]
    assert not council.memberships.filter(person=person).exists()


def test_c6_4_1_recording_public_office_dismisses_and_tells_the_manager(world, council):
    from liaison.people.actions import public_office_record

    actions.operation_manager_confirm(
        council=council, officer=world.officers["koban_chief"], acting_user=world.user("station_chief")
    )
    member = council.people[3]
    public_office_record(
        person=member,
        kind="candidacy",
        office="仙台市議会議員選挙の候補者",
        start_date=dt.date(2026, 1, 10),
        acting_user=world.user("community_section"),
    )
    m = Membership.objects.get(council=council, person=member)
    assert m.ended_on == dt.date(2026, 1, 10) and m.end_reason == Membership.EndReason.PUBLIC_OFFICE
    notice = Notice.objects.get(recipient=world.officers["koban_chief"])
    assert member.full_name in notice.text and "免じました" in notice.text


def test_c3_2_1_a_second_chair_is_refused(world, council):
    person = make_person(world.station_a, "新井", "聡", "アライ", "サトシ")
    with pytest.raises(ValidationError) as error:
        actions.membership_appoint(
            council=council, person=person, start_date=START, post="chair", acting_user=world.user("deputy")
        )
    assert "会長は1人" in error.value.messages[0]


def test_c6_2_1_same_person_twice_in_one_period_is_refused(world, council):
    with pytest.raises(ValidationError):
        actions.membership_appoint(
            council=council, person=council.people[5], start_date=dt.date(2026, 1, 1), acting_user=world.user("deputy")
        )


def test_c6_2_1_reappointment_starts_the_day_after_and_keeps_post(world, council):
    chair = current(council)[0]
    assert chair.post == "chair"
    new = actions.membership_reappoint(membership=chair, acting_user=world.user("deputy"))
    assert (new.start_date, new.end_date, new.kind, new.post) == (
        dt.date(2027, 4, 1),
        dt.date(2029, 3, 31),
        Membership.Kind.REAPPOINTMENT,
        "chair",
    )
    assert new.previous == chair
    with pytest.raises(ValidationError):
        actions.membership_reappoint(membership=chair, acting_user=world.user("deputy"))


def test_c6_2_3_changed_term_needs_the_members_consent(world, council):
    m = current(council)[2]
    with pytest.raises(ValidationError) as error:
        actions.membership_reappoint(membership=m, term_years=1, acting_user=world.user("deputy"))
    assert "承諾" in error.value.messages[0]
    new = actions.membership_reappoint(
        membership=m,
        term_years=1,
        consent_date=dt.date(2027, 2, 1),
        consent_note="電話で承諾",
        acting_user=world.user("deputy"),
    )
    assert (
        new.end_date == dt.date(2028, 3, 31)
        and new.term_changed_with_consent
        and new.consent_date == dt.date(2027, 2, 1)
    )


def test_c6_2_1_bulk_reappointment_reports_refusals_and_continues(world, council):
    ms = current(council)
    PublicOfficeRecord.objects.create(
        person=ms[1].person, kind="office", office="町議会議員", start_date=dt.date(2027, 1, 1)
    )
    done, refused = actions.memberships_reappoint_bulk(memberships=ms, acting_user=world.user("deputy"))
    assert len(done) == 9 and len(refused) == 1 and "町議会議員" in refused[0]


def test_c6_2_1_successor_serves_the_remaining_term(world, council):
    m = current(council)[4]
    with pytest.raises(ValidationError):
        actions.membership_appoint_successor(
            predecessor=m,
            person=make_person(world.station_a, "後任", "一", "コウニン", "ハジメ"),
            start_date=dt.date(2026, 1, 1),
            acting_user=world.user("deputy"),
        )
    actions.membership_end(
        membership=m, ended_on=dt.date(2025, 12, 31), reason="resigned", acting_user=world.user("deputy")
    )
    successor = actions.membership_appoint_successor(
        predecessor=m,
        person=make_person(world.station_a, "後任", "一", "コウニン", "ハジメ"),
        start_date=dt.date(2026, 1, 15),
        acting_user=world.user("deputy"),
    )
    assert successor.end_date == m.end_date == dt.date(2027, 3, 31)
    assert successor.kind == Membership.Kind.SUCCESSOR and successor.previous == m


def test_c6_2_2_reorganisation_recommissions_for_the_remaining_term(world, council):
    reorganisation_move_kobans(
        from_station=world.station_a,
        to_station=world.station_b,
        kobans=[world.koban_a],
        effective_date=dt.date(2026, 4, 1),
        acting_user=world.user("hq_admin"),
    )
    council.refresh_from_db()
    assert council.station == world.station_b
    now = current(council, dt.date(2026, 5, 1))
    assert len(now) == 10
    assert all(m.kind == Membership.Kind.RECOMMISSION and m.station == world.station_b for m in now)
    assert all(m.end_date == dt.date(2027, 3, 31) and m.start_date == dt.date(2026, 4, 1) for m in now)
    old = Membership.objects.filter(council=council, station=world.station_a)
    assert all(m.ended_on == dt.date(2026, 3, 31) and m.end_reason == "reorganised" for m in old)


def test_c4_3_review_requires_explanation_and_links_councils(world, council):
    kwargs = dict(
        kind=CouncilReview.Kind.SPLIT,
        councils=[council],
        effective_date=dt.date(2026, 4, 1),
        successors=[
            {"name": "一番町北地区連絡協議会", "kind": "unit", "coverage": "part", "kobans": [world.koban_a]},
            {"name": "一番町南地区連絡協議会", "kind": "unit", "coverage": "part", "kobans": [world.koban_a]},
        ],
        acting_user=world.user("community_section"),
    )
    with pytest.raises(ValidationError) as error:
        actions.council_review(explained_on=None, assignment={}, **kwargs)
    assert "説明した日" in error.value.messages[0]
    members = current(council, dt.date(2026, 3, 1))
    assignment = {m.pk: i % 2 for i, m in enumerate(members)}
    review = actions.council_review(explained_on=dt.date(2026, 2, 1), assignment=assignment, **kwargs)
    council.refresh_from_db()
    assert council.status == Council.Status.CLOSED
    north, south = review.successors.order_by("name")
    assert set(review.predecessors.all()) == {council}
    carried = Membership.objects.filter(council__in=[north, south])
    assert carried.count() == 10 and all(m.end_date == dt.date(2027, 3, 31) for m in carried)
    assert all(m.previous.council == council for m in carried)


def test_c4_3_merge_and_dissolve(world, council):
    other, _ = make_council_with_members(
        world, world.chuzaisho_a, acting_user=world.user("community_section"), count=3, name="作並地区連絡協議会"
    )
    review = actions.council_review(
        kind=CouncilReview.Kind.MERGE,
        councils=[council, other],
        explained_on=dt.date(2026, 2, 1),
        effective_date=dt.date(2026, 4, 1),
        successors=[
            {
                "name": "統合連絡協議会",
                "kind": "unit",
                "coverage": "several",
                "kobans": [world.koban_a, world.chuzaisho_a],
            }
        ],
        assignment={},
        acting_user=world.user("community_section"),
    )
    merged = review.successors.get()
    dissolve = actions.council_review(
        kind=CouncilReview.Kind.DISSOLVE,
        councils=[merged],
        explained_on=dt.date(2026, 5, 1),
        effective_date=dt.date(2026, 6, 1),
        successors=[],
        assignment={},
        acting_user=world.user("community_section"),
    )
    merged.refresh_from_db()
    assert merged.status == Council.Status.CLOSED and dissolve.successors.count() == 0


def test_c4_3_review_screen_merge_covers_every_koban_and_carries_the_merged_councils_members(world, council):
    """C4.3: the review screen's action: the one successor is a unit council over both councils' kobans (several
    jurisdictions); this council's members go where assigned (or end), the merged council's members all carry over."""
    other, _ = make_council_with_members(
        world, world.chuzaisho_a, acting_user=world.user("community_section"), count=3, name="作並地区連絡協議会"
    )
    leaving, *staying = current(council, dt.date(2026, 3, 1))
    review = actions.council_review_with_named_successors(
        kind=CouncilReview.Kind.MERGE,
        council=council,
        others=[other],
        names=["統合連絡協議会"],
        explained_on=dt.date(2026, 2, 1),
        effective_date=dt.date(2026, 4, 1),
        assignment={m.pk: 0 for m in staying},
        note="生活圏が一体のため",
        acting_user=world.user("community_section"),
    )
    merged = review.successors.get()
    assert (merged.kind, merged.coverage, merged.reason) == (
        Council.Kind.UNIT,
        Council.Coverage.SEVERAL,
        "生活圏が一体のため",
    )
    assert set(merged.kobans.all()) == {world.koban_a, world.chuzaisho_a}
    carried = {m.previous_id for m in merged.memberships.all()}
    assert carried == {m.pk for m in staying} | set(other.memberships.values_list("pk", flat=True))
    assert Membership.objects.get(pk=leaving.pk).end_reason == Membership.EndReason.REORGANISED


def test_c4_3_review_screen_split_makes_councils_covering_part_of_the_jurisdiction(world, council):
    """C4.3: a split from the screen: each named council covers part of the one koban; members go where assigned."""
    members = current(council, dt.date(2026, 3, 1))
    review = actions.council_review_with_named_successors(
        kind=CouncilReview.Kind.SPLIT,
        council=council,
        others=[],
        names=["北地区連絡協議会", "南地区連絡協議会"],
        explained_on=dt.date(2026, 2, 1),
        effective_date=dt.date(2026, 4, 1),
        assignment={m.pk: i % 2 for i, m in enumerate(members)},
        acting_user=world.user("community_section"),
    )
    north, south = review.successors.order_by("pk")
    assert [c.name for c in (north, south)] == ["北地区連絡協議会", "南地区連絡協議会"]
    assert {c.coverage for c in (north, south)} == {Council.Coverage.PART}
    assert (north.memberships.count(), south.memberships.count()) == (5, 5)


def test_c6_4_1_a_notice_keeps_the_time_it_was_first_read(world, council):
    notice = Notice.objects.create(recipient=world.officers["koban_chief"], council=council, text="お知らせ")
    actions.notice_mark_read(notice=notice, acting_user=world.user("koban_chief"))
    first = Notice.objects.get(pk=notice.pk).read_at
    assert first is not None
    actions.notice_mark_read(notice=notice, acting_user=world.user("koban_chief"))
    assert Notice.objects.get(pk=notice.pk).read_at == first


def test_c3_2_3_station_chief_designates_operation_manager_from_koban_staff(world, council):
    proposal = queries.proposed_operation_manager(council)
    assert proposal == world.officers["koban_chief"]
    with pytest.raises(ValidationError):
        actions.operation_manager_confirm(
            council=council, officer=world.officers["section_staff"], acting_user=world.user("station_chief")
        )
    actions.operation_manager_confirm(council=council, officer=proposal, acting_user=world.user("station_chief"))
    council.refresh_from_db()
    assert council.operation_manager == proposal and council.operation_manager_confirmed_by == world.user(
        "station_chief"
    )


def test_c3_2_4_operation_staff_are_all_koban_officers(world, council):
    staff = queries.operation_staff(council)
    assert set(staff) == {world.officers["koban_chief"], world.officers["koban_staff"]}


def test_c4_unit_council_covering_several_kobans(world):
    council = actions.council_create(
        station=world.station_a,
        values={"name": "青葉西部地区連絡協議会", "kind": "unit", "coverage": "several", "established_on": START},
        kobans=[world.koban_a, world.chuzaisho_a],
        acting_user=world.user("community_section"),
    )
    assert set(council.kobans.all()) == {world.koban_a, world.chuzaisho_a}
    with pytest.raises(ValidationError):
        actions.council_create(
            station=world.station_a,
            values={"name": "x", "kind": "unit", "coverage": "several", "established_on": START},
            kobans=[world.koban_a],
            acting_user=world.user("community_section"),
        )
    with pytest.raises(ValidationError):
        actions.council_create(
            station=world.station_a,
            values={"name": "x", "kind": "jurisdiction", "coverage": "whole", "established_on": START},
            kobans=[world.koban_b],
            acting_user=world.user("community_section"),
        )


def test_c5_occupational_council_needs_its_sub_kind(world):
    with pytest.raises(ValidationError):
        actions.council_create(
            station=world.station_a,
            values={
                "name": "国分町地区防犯連絡協議会",
                "kind": "occupational",
                "coverage": "part",
                "established_on": START,
            },
            kobans=[world.koban_a],
            acting_user=world.user("community_section"),
        )
    council = actions.council_create(
        station=world.station_a,
        values={
            "name": "国分町地区防犯連絡協議会",
            "kind": "occupational",
            "occupational_kind": "nightlife",
            "coverage": "part",
            "established_on": START,
        },
        kobans=[world.koban_a],
        acting_user=world.user("community_section"),
    )
    assert "繁華街" in council.kind_label


def test_c3_1_kobans_without_council(world, council):
    from liaison.org.models import Koban

    missing = queries.kobans_without_council(Koban.objects.all())
    assert world.koban_a not in missing and world.chuzaisho_a in missing and world.koban_b in missing


def test_c6_4_2_long_tenure_found_through_consecutive_terms(world, council):
    m = current(council)[0]
    for _ in range(3):
        m = actions.membership_reappoint(membership=m, acting_user=world.user("deputy"))
    day = dt.date(2031, 6, 1)
    loaded = list(queries.with_current_members(Council.objects.filter(pk=council.pk), day))
    findings = queries.findings_for(loaded, day)[council.pk]
    assert any(f.code == "long_tenure" and m.person.full_name in f.message for f in findings)


def test_c3_1_a_koban_with_an_active_council_cannot_be_closed(world, council):
    from liaison.org.actions import koban_close

    world.koban_a.officers.update(active=False)
    with pytest.raises(ValidationError) as error:
        koban_close(koban=world.koban_a, acting_user=world.user("hq_admin"))
    assert "一番町交番連絡協議会" in error.value.messages[0]
    world.koban_a.refresh_from_db()
    assert world.koban_a.active


def test_n2_2_merging_two_records_serving_on_the_same_council_at_once_is_refused(world, council):
    from liaison.people.actions import person_merge

    keep, remove = council.people[0], council.people[1]
    with pytest.raises(ValidationError) as error:
        person_merge(keep=keep, remove=remove, acting_user=world.user("community_section"))
    assert "同じ時期に" in error.value.messages[0]
    remove.refresh_from_db()
    assert remove.merged_into is None
    # A record whose terms do not clash merges, and the terms move to the kept record.
    outsider = make_person(world.station_a, "外部", "太郎", "ガイブ", "タロウ")
    person_merge(keep=outsider, remove=remove, acting_user=world.user("community_section"))
    assert Membership.objects.filter(person=outsider, council=council).count() == 1
