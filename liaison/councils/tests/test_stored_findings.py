"""Stored findings equal the live rules over the whole demo, after loading and after each kind of action.

The council list, filters, counts and home pages read the store; the council page computes live. These tests hold
the two together: if an action forgot to refresh, or the daily refresh missed what a passing day changes, the store
would drift from the rules and these tests would say which council and how.
"""

import datetime as dt

import pytest
from django.db.models import Count

from liaison.councils import actions, coverage, queries
from liaison.councils import findings as council_findings
from liaison.councils.models import Council, CouncilReview, Membership
from liaison.findings import store
from liaison.findings.models import StationTally, Subject
from liaison.lib.dates import today_tokyo
from liaison.org.actions import prefecture_settings_update, reorganisation_move_kobans
from liaison.org.models import Koban, Officer, PrefectureSettings, Station
from liaison.people.actions import person_merge, person_update, public_office_record
from liaison.people.models import Person

pytestmark = pytest.mark.django_db


def _as_tuples(found):
    return [(f.code, str(f.severity), f.requirement, f.key, f.params) for f in found]


def assert_stored_equals_live(day=None):
    """Every active council's stored findings, station and kobans are what the rules give today; no others."""
    day = day or today_tokyo()
    active = list(queries.with_current_members(Council.objects.filter(status=Council.Status.ACTIVE), day))
    live = queries.findings_for(active, day)
    stored = council_findings.stored([c.pk for c in active])
    subjects = {s.object_id: s for s in Subject.objects.filter(source="council").prefetch_related("kobans")}
    assert set(subjects) == {c.pk for c in active}
    drift = []
    for council in active:
        if _as_tuples(stored.get(council.pk, [])) != _as_tuples(live[council.pk]):
            drift.append((council.name, _as_tuples(stored.get(council.pk, [])), _as_tuples(live[council.pk])))
        subject = subjects[council.pk]
        assert subject.station_id == council.station_id, council.name
        assert {k.pk for k in subject.kobans.all()} == {k.pk for k in council.kobans.all()}, council.name
    assert not drift, drift[:3]
    assert_coverage_stored_equals_live()
    assert_tally_equals_findings()
    return live


def assert_tally_equals_findings():
    """Issue 8: the tally per station HQ reads holds what counting the stored findings again gives."""
    kept = {
        (t.station_id, t.source, t.code, t.severity, t.codes): t.subjects
        for t in StationTally.objects.exclude(subjects=0)
    }
    assert kept == store.tally_from_findings()
    assert not StationTally.objects.filter(subjects__lt=0).exists()


def assert_coverage_stored_equals_live():
    """C3.1: the kobans with a stored ``no_council`` finding are those no active council covers, each scoped to its
    station and itself; every active koban is a subject, and no closed one."""
    live = set(queries.kobans_without_council(Koban.objects.all()).values_list("pk", flat=True))
    assert set(coverage.uncovered().values_list("subject__object_id", flat=True)) == live
    kobans = dict(Koban.objects.filter(active=True).values_list("pk", "station_id"))
    subjects = {s.object_id: s for s in Subject.objects.filter(source=coverage.SOURCE).prefetch_related("kobans")}
    assert set(subjects) == set(kobans)
    for pk, subject in subjects.items():
        assert subject.station_id == kobans[pk] and [k.pk for k in subject.kobans.all()] == [pk]


def _officer(username):
    return Officer.objects.get(user__username=username)


def _user(username):
    return _officer(username).user


def _serving(council, day=None):
    return list(
        council.memberships.filter(queries.current_memberships(day or today_tokyo()))
        .select_related("person")
        .order_by("pk")
    )


def test_stored_findings_equal_the_rules_for_every_demo_council_after_each_kind_of_action(
    demo_once, django_capture_on_commit_callbacks
):
    """Stored == live over the whole demo: after loading, and after appoint, end, successor, reappoint, council
    create and update, operation manager confirm, public office record, person edit and merge, review, settings
    change and reorganisation (C3–C6 findings, DESIGN "Findings are stored")."""
    today = today_tokyo()
    live = assert_stored_equals_live()
    assert sum(len(f) for f in live.values()) > 50  # the demo has plenty to compare
    admin = _user("demo_hq_admin")
    chief = _officer("demo_chief")
    station = chief.station
    clerk = _user("demo_community")
    councils = list(Council.objects.filter(station=station, status=Council.Status.ACTIVE).order_by("pk"))
    first, second, third = councils[0], councils[1], councils[2]

    # appoint a new person (recorded and appointed in one step)
    actions.person_record_and_appoint(
        person_data={"family_name": "新井", "given_name": "聡", "family_kana": "アライ", "given_kana": "サトシ"},
        council=first,
        start_date=today,
        acting_user=clerk,
    )
    assert_stored_equals_live()

    # end a term (resigned yesterday), then a successor for the rest of it from today
    leaving = _serving(first)[0]
    actions.membership_end(
        membership=leaving, ended_on=today - dt.timedelta(days=1), reason="resigned", acting_user=clerk
    )
    assert_stored_equals_live()
    newcomer = Person.objects.create(
        station=station, family_name="後任", given_name="花子", family_kana="コウニン", given_kana="ハナコ"
    )
    actions.membership_appoint_successor(predecessor=leaving, person=newcomer, start_date=today, acting_user=clerk)
    assert_stored_equals_live()

    # reappoint every term of the station ending soon
    ending = queries.memberships_ending(
        Membership.objects.filter(council__station=station), today, today + dt.timedelta(days=120)
    )
    done, _refused = actions.memberships_reappoint_bulk(memberships=list(ending), acting_user=clerk)
    assert done
    assert_stored_equals_live()

    # council created for a koban without one; another council turned into an occupational one, with new kobans
    free = Koban.objects.filter(station=station, active=True).exclude(councils__status=Council.Status.ACTIVE).first()
    actions.council_create(
        station=station,
        values={"name": "新設連絡協議会", "kind": "jurisdiction", "coverage": "whole", "established_on": today},
        kobans=[free],
        acting_user=clerk,
    )
    assert_stored_equals_live()
    second = Council.objects.get(pk=second.pk)
    actions.council_update(
        council=second,
        values={
            "name": second.name,
            "kind": "occupational",
            "occupational_kind": "women",
            "coverage": "several",
            "established_on": second.established_on,
        },
        kobans=[*second.kobans.all(), free],
        version=second.version,
        acting_user=clerk,
    )
    assert_stored_equals_live()

    # operation manager confirmed
    officer = queries.proposed_operation_manager(third)
    actions.operation_manager_confirm(council=third, officer=officer, acting_user=chief.user)
    assert_stored_equals_live()

    # a serving member takes public office: dismissed
    holder = _serving(third)[0].person
    public_office_record(person=holder, kind="office", office="仙台市議会議員", start_date=today, acting_user=clerk)
    assert_stored_equals_live()

    # a serving member's particulars change (name in messages, age, occupation)
    person = _serving(third)[0].person
    data = {name: getattr(person, name) for name in ("family_name", "given_name", "family_kana", "given_kana")}
    data.update(family_name="改名", birth_date=dt.date(1940, 1, 1), occupation="主婦", gender="female")
    person_update(person=person, data=data, version=person.version, acting_user=clerk)
    assert_stored_equals_live()

    # a serving member merged into another record: the seat now carries the kept person's name
    remove = _serving(first)[-1].person
    keep = Person.objects.create(
        station=station, family_name="統合", given_name="先", family_kana="トウゴウ", given_kana="サキ"
    )
    person_merge(keep=keep, remove=remove, acting_user=admin)
    assert_stored_equals_live()

    # two councils merged into one (C4.3); the predecessors close and keep no findings
    a, b = (Council.objects.get(pk=c.pk) for c in councils[3:5])
    review = actions.council_review(
        kind=CouncilReview.Kind.MERGE,
        councils=[a, b],
        explained_on=today - dt.timedelta(days=30),
        effective_date=today,
        successors=[
            {
                "name": "統合後連絡協議会",
                "kind": "unit",
                "coverage": "several",
                "kobans": [*a.kobans.all(), *b.kobans.all()],
            }
        ],
        assignment={m.pk: 0 for m in _serving(a) + _serving(b)},
        acting_user=clerk,
    )
    assert not Subject.objects.filter(source="council", object_id__in=[a.pk, b.pk]).exists()
    assert review.successors.count() == 1
    assert_stored_equals_live()

    # warning limits changed in the prefecture settings (X4): every council is recomputed by the background worker
    settings = PrefectureSettings.current()
    with django_capture_on_commit_callbacks(execute=True):
        prefecture_settings_update(
            values={"council_size_min": 9, "long_tenure_years": 4, "term_ending_days": 150},
            version=settings.version,
            acting_user=admin,
        )
    run_worker_once()
    assert_stored_equals_live()

    # a koban and its council pass to another station (C6.2(2)): members re-commissioned, findings follow
    single = Council.objects.filter(status="active").annotate(n=Count("kobans")).filter(n=1).order_by("pk")
    koban = next(k for c in single for k in c.kobans.all() if k.councils.filter(status="active").count() == 1)
    other = Station.objects.filter(active=True).exclude(pk=koban.station_id).order_by("pk").first()
    reorganisation_move_kobans(
        from_station=koban.station, to_station=other, kobans=[koban], effective_date=today, acting_user=admin
    )
    moved = Council.objects.get(kobans=koban, status="active")
    assert moved.station_id == other.pk
    assert Subject.objects.get(source="council", object_id=moved.pk).station_id == other.pk
    assert_stored_equals_live()


def run_worker_once():
    """Run the queued background tasks as the worker would, in this test's connection: the real ``db_worker``
    closes its database connection when it stops, which would end the test's transaction on PostgreSQL."""
    from django_tasks_db.models import DBTaskResult

    queued = list(DBTaskResult.objects.ready())
    assert queued, "nothing was queued for the worker"
    for result in queued:
        result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        DBTaskResult.objects.filter(pk=result.pk).delete()


def test_x4_a_changed_limit_is_recomputed_in_the_background_not_in_the_request(
    demo_once, django_capture_on_commit_callbacks
):
    """X4: saving a warning limit queues one rebuild of the councils' findings for the worker, after the commit; the
    request itself leaves the store as it was, and the worker brings it to the new limit."""
    admin = Officer.objects.get(user__username="demo_hq_admin").user
    settings = PrefectureSettings.current()
    before = council_findings.stored(Subject.objects.filter(source="council").values_list("object_id", flat=True))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        prefecture_settings_update(values={"council_size_min": 30}, version=settings.version, acting_user=admin)
    assert len(callbacks) == 1
    after_request = council_findings.stored(
        Subject.objects.filter(source="council").values_list("object_id", flat=True)
    )
    assert {c: _as_tuples(f) for c, f in after_request.items()} == {c: _as_tuples(f) for c, f in before.items()}
    run_worker_once()
    sized = Subject.objects.filter(source="council", findings__code="size").distinct().count()
    assert sized == Council.objects.filter(status="active").count()  # every council is now below 30 members
    assert_stored_equals_live()


def test_daily_refresh_keeps_the_store_equal_to_the_rules_day_after_day(demo_once):
    """C6.2(1) terms ending, C6.4(2) long tenure and ages change with the date alone: the date-driven refresh run
    each day (and after a few days' gap) leaves the store as the rules find on that day; a second run does nothing."""
    today = today_tokyo()
    store.refresh_all(day=today)
    assert_stored_equals_live(today)
    day = today
    steps = [1] * 12 + [3, 7, 30, 1, 45]  # daily, then gaps; the last is past DATE_DRIVEN_MAX_DAYS (a full rebuild)
    changed_days = 0
    for step in steps:
        before = {
            c: _as_tuples(f)
            for c, f in council_findings.stored(
                Subject.objects.filter(source="council").values_list("object_id", flat=True)
            ).items()
        }
        day += dt.timedelta(days=step)
        refreshed = store.refresh_date_driven(day)
        live = assert_stored_equals_live(day)
        if {c: _as_tuples(f) for c, f in live.items() if f} != {c: f for c, f in before.items() if f}:
            changed_days += 1
            assert refreshed
        assert store.refresh_date_driven(day) == 0  # idempotent: nothing left to do the same day
        assert set(Subject.objects.values_list("computed_on", flat=True)) == {day}
    assert changed_days >= 5  # the days really changed findings (days left, terms running out …)
