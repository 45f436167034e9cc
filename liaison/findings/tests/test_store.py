"""The findings store: scoped like the objects, rebuilt by command, refreshed by date, deferred in long actions."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import translation

from liaison.access.policy import for_work, visible_to
from liaison.councils import actions, queries
from liaison.councils import findings as council_findings
from liaison.councils.models import Council, Membership
from liaison.findings import store
from liaison.findings.models import Finding, Subject
from liaison.lib.dates import today_tokyo
from liaison.testing import make_council_with_members, make_person

pytestmark = pytest.mark.django_db


def _live(day):
    active = list(queries.with_current_members(Council.objects.filter(status=Council.Status.ACTIVE), day))
    return {
        c.pk: [(f.code, f.key, f.params) for f in found]
        for c, found in zip(active, queries.findings_for(active, day).values(), strict=True)
    }


def _stored():
    return {
        c: [(f.code, f.key, f.params) for f in found]
        for c, found in council_findings.stored(
            Subject.objects.filter(source="council").values_list("object_id", flat=True)
        ).items()
    }


@pytest.fixture
def two_councils(world):
    a, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=3)
    b, _ = make_council_with_members(world, world.koban_b, acting_user=world.chief_b.user, count=2)
    return a, b


def test_x2_stored_findings_are_scoped_like_their_council(world, two_councils):
    """X2: a station sees its own councils' findings only; a koban-level role works on its koban's only."""
    a, b = two_councils
    assert (
        visible_to(world.user("hq_staff"), Finding).filter(subject__source="council", subject__object_id=b.pk).exists()
    )
    mine = visible_to(world.user("community_section"), Finding)
    assert (
        mine.filter(subject__source="council", subject__object_id=a.pk).exists()
        and not mine.filter(subject__source="council", subject__object_id=b.pk).exists()
    )
    chuzaisho, _ = make_council_with_members(
        world, world.chuzaisho_a, acting_user=world.user("deputy"), count=1, name="作並"
    )
    koban_work = for_work(world.user("koban_staff"), Finding)
    assert koban_work.filter(subject__source="council", subject__object_id=a.pk).exists()
    assert not koban_work.filter(subject__source="council", subject__object_id=chuzaisho.pk).exists()
    assert (
        visible_to(world.user("koban_staff"), Finding)
        .filter(subject__source="council", subject__object_id=chuzaisho.pk)
        .exists()
    )


def test_messages_are_rendered_in_the_readers_language(two_councils):
    """X3: a stored finding keeps its code and values; each reader gets the message in their language."""
    size = Finding.objects.get(subject__source="council", subject__object_id=two_councils[0].pk, code="size")
    assert size.params == {"size": 3, "min": 8, "max": 12}
    assert size.message == "委員は3人です。おおむね10人程度（8〜12人）が目安です。"
    with translation.override("en"):
        assert size.message == "The council has 3 members. About 10 (8 to 12) is the guideline."


def test_a_closed_council_keeps_no_findings(world, two_councils):
    a, _ = two_councils
    Council.objects.filter(pk=a.pk).update(status=Council.Status.CLOSED)
    council_findings.refresh([a.pk])
    assert not Subject.objects.filter(source="council", object_id=a.pk).exists()
    assert not Finding.objects.filter(subject__source="council", subject__object_id=a.pk).exists()


def test_refresh_findings_command_rebuilds_everything_in_batches(world, two_councils, monkeypatch):
    """``manage.py refresh_findings`` rebuilds the store from nothing; ``--date-driven`` twice does nothing twice."""
    monkeypatch.setattr(store, "BATCH", 1)
    Subject.objects.all().delete()
    Subject.objects.create(source="council", object_id=999_999, computed_on=today_tokyo())  # a council long gone
    call_command("refresh_findings", verbosity=0)
    assert _stored() == _live(today_tokyo())
    assert not Subject.objects.filter(source="council", object_id=999_999).exists()
    Finding.objects.all().delete()  # only a full rebuild restores what is gone without a reason
    call_command("refresh_findings", "--date-driven", verbosity=0)
    assert not Finding.objects.exists()
    call_command("refresh_findings", verbosity=0)
    assert _stored() == _live(today_tokyo())


def test_date_driven_refresh_stores_the_councils_that_have_none_yet(world, two_councils):
    """Councils recorded before the store existed (no subject) are filled by the daily refresh."""
    a, b = two_councils
    store.refresh_date_driven()  # every source up to date today (other programmes store findings of councils too)
    Subject.objects.filter(source="council", object_id=a.pk).delete()
    assert store.refresh_date_driven() == 1
    assert _stored() == _live(today_tokyo())


def test_c3_2_2_a_birthday_changes_the_age_spread_on_the_day_it_happens(world):
    """C3.2(2)ア: three members in their thirties; the day one turns forty the warning goes, with no action taken."""
    today = today_tokyo()
    council = Council.objects.create(station=world.station_a, name="年齢協議会", established_on=dt.date(2010, 4, 1))
    council.kobans.set([world.koban_a])
    tomorrow = today + dt.timedelta(days=1)
    births = [
        tomorrow.replace(year=tomorrow.year - 40)
        if (tomorrow.month, tomorrow.day) != (2, 29)
        else dt.date(tomorrow.year - 40, 3, 1)
    ]
    births += [dt.date(today.year - 35, 1, 1), dt.date(today.year - 33, 1, 1)]
    for i, born in enumerate(births):
        person = make_person(world.station_a, given=f"{i}", birth_date=born)
        Membership.objects.create(
            council=council,
            person=person,
            station=world.station_a,
            start_date=today - dt.timedelta(days=10),
            end_date=today + dt.timedelta(days=700),
            post="chair" if i == 0 else "member",
        )
    store.refresh_all(day=today)
    assert "age_spread" in [code for code, _k, _p in _stored()[council.pk]]
    store.refresh_date_driven(tomorrow)
    assert "age_spread" not in [code for code, _k, _p in _stored()[council.pk]]
    assert _stored() == _live(tomorrow)


def test_c6_4_2_service_begun_on_29_february_counts_a_year_more_on_1_march(world):
    """C6.4(2): a member serving since 29 February 2020 has served 7 years on 1 March 2027, not yet on 28 February."""
    council = Council.objects.create(station=world.station_a, name="閏日協議会", established_on=dt.date(2010, 4, 1))
    council.kobans.set([world.koban_a])
    person = make_person(world.station_a)
    Membership.objects.create(
        council=council,
        person=person,
        station=world.station_a,
        start_date=dt.date(2020, 2, 29),
        end_date=dt.date(2028, 2, 28),
        post="chair",
    )
    store.refresh_all(day=dt.date(2027, 2, 27))
    years = lambda: next(p["years"] for code, _k, p in _stored()[council.pk] if code == "long_tenure")  # noqa: E731
    assert years() == 6
    store.refresh_date_driven(dt.date(2027, 2, 28))
    assert years() == 6
    store.refresh_date_driven(dt.date(2027, 3, 1))
    assert years() == 7
    assert _stored() == _live(dt.date(2027, 3, 1))


def test_a_deferred_block_refreshes_once_at_its_end_and_not_at_all_when_it_fails(world, two_councils):
    """Many steps, one refresh: inside the block the store waits; a failed block leaves it as it was."""
    a, _ = two_councils
    person = make_person(world.station_a, "新井", "聡", "アライ", "サトシ")
    with council_findings.deferred():
        actions.membership_appoint(council=a, person=person, start_date=today_tokyo(), acting_user=world.user("deputy"))
        assert (
            Finding.objects.get(subject__source="council", subject__object_id=a.pk, code="size").params["size"] == 3
        )  # not yet
    assert Finding.objects.get(subject__source="council", subject__object_id=a.pk, code="size").params["size"] == 4
    other = make_person(world.station_a, "別人", "次郎", "ベツジン", "ジロウ")
    with pytest.raises(RuntimeError), council_findings.deferred():
        actions.membership_appoint(council=a, person=other, start_date=today_tokyo(), acting_user=world.user("deputy"))
        raise RuntimeError("stop")
    assert Finding.objects.get(subject__source="council", subject__object_id=a.pk, code="size").params["size"] == 4
    assert not Membership.objects.filter(person=other).exists()
