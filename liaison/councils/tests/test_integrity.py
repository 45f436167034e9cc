"""The database holds the membership rules the actions enforce, and council edits never overwrite each other."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from liaison.councils import actions
from liaison.councils.models import Council, Membership
from liaison.testing import make_council_with_members, make_person

pytestmark = pytest.mark.django_db
START = dt.date(2025, 4, 1)
END = dt.date(2027, 3, 31)


@pytest.fixture
def council(world):
    council, people = make_council_with_members(
        world, world.koban_a, acting_user=world.user("community_section"), count=2
    )
    council.people = people
    return council


def _insert(council, person, **values):
    """A row written straight into the table, past the actions: only the database's constraints stand in the way."""
    values = {"start_date": START, "end_date": END, **values}
    with transaction.atomic():
        return Membership.objects.create(council=council, person=person, station=council.station, **values)


def _chair(council):
    return council.memberships.get(post=Membership.Post.CHAIR)


def test_c6_2_1_the_database_refuses_a_term_ending_before_it_starts(world, council):
    """C6.2(1): a term's end is not before its start."""
    with pytest.raises(IntegrityError):
        _insert(council, make_person(world.station_a), start_date=START, end_date=START - dt.timedelta(days=1))


def test_c6_2_1_the_database_refuses_a_membership_ended_after_its_term(world, council):
    """C6.2(1): a membership ends early or when its term runs out, never after the end of its term."""
    with pytest.raises(IntegrityError):
        _insert(council, make_person(world.station_a), ended_on=END + dt.timedelta(days=1), end_reason="resigned")
    _insert(council, make_person(world.station_a, given="次郎"), ended_on=END, end_reason="expired")


def test_c3_2_1_the_database_refuses_a_second_open_chair_for_the_same_term(world, council):
    """C3.2(1): one chair per council: two open chairs starting, or ending, on the same day always overlap."""
    with pytest.raises(IntegrityError):
        _insert(council, make_person(world.station_a), post=Membership.Post.CHAIR, end_date=dt.date(2026, 3, 31))
    with pytest.raises(IntegrityError):
        _insert(council, make_person(world.station_a), post=Membership.Post.CHAIR, start_date=dt.date(2025, 10, 1))
    # A vice chair, or the next chair after this one's term, is fine.
    _insert(council, make_person(world.station_a, given="三郎"), post=Membership.Post.VICE_CHAIR)
    _insert(
        council,
        make_person(world.station_a, given="四郎"),
        post=Membership.Post.CHAIR,
        start_date=END + dt.timedelta(days=1),
        end_date=dt.date(2029, 3, 31),
    )


def test_c3_2_1_an_ended_chair_leaves_room_for_the_successor_in_the_same_term(world, council):
    """C3.2(1), C6.2(1): a chair who resigned is followed by a successor chair for the rest of the same term."""
    chair = _chair(council)
    actions.membership_end(membership=chair, ended_on=dt.date(2025, 9, 30), reason="resigned", acting_user=None)
    successor = actions.membership_appoint_successor(
        predecessor=chair,
        person=make_person(world.station_a, "後任", "一", "コウニン", "ハジメ"),
        start_date=dt.date(2025, 10, 1),
        acting_user=world.user("deputy"),
    )
    assert (successor.post, successor.end_date) == (Membership.Post.CHAIR, chair.end_date)


def test_c6_2_1_the_database_refuses_the_same_person_twice_in_one_term(world, council):
    """C6.2(1): one membership per person and council at a time (same first or last day: always overlapping)."""
    person = council.people[1]
    with pytest.raises(IntegrityError):
        _insert(council, person, end_date=dt.date(2026, 3, 31))
    with pytest.raises(IntegrityError):
        _insert(council, person, start_date=dt.date(2025, 10, 1))
    # A term that was ended before it began does not count.
    member = council.memberships.get(person=person)
    actions.membership_end(
        membership=member, ended_on=START - dt.timedelta(days=1), reason="other", acting_user=world.user("deputy")
    )
    again = actions.membership_appoint(
        council=council, person=person, start_date=START, acting_user=world.user("deputy")
    )
    assert again.end_date == END


def test_c6_2_1_a_vacancy_gets_one_successor(world, council):
    """C6.2(1): a successor serves the predecessor's remaining term: a second successor for the same seat is refused."""
    member = council.memberships.get(person=council.people[1])
    actions.membership_end(
        membership=member, ended_on=dt.date(2025, 9, 30), reason="resigned", acting_user=world.user("deputy")
    )
    first = make_person(world.station_a, "後任", "一", "コウニン", "ハジメ")
    second = make_person(world.station_a, "後任", "二", "コウニン", "ジロウ")
    actions.membership_appoint_successor(
        predecessor=member, person=first, start_date=dt.date(2025, 10, 1), acting_user=world.user("deputy")
    )
    with pytest.raises(ValidationError, match="後任には、すでに"):
        actions.membership_appoint_successor(
            predecessor=member, person=second, start_date=dt.date(2025, 10, 1), acting_user=world.user("deputy")
        )
    assert council.memberships.filter(previous=member).count() == 1


def _opened(client, url) -> dict:
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value
    return data


def test_c3_1_second_council_edit_from_the_same_version_gets_the_conflict_screen(world, council, client_for):
    """Nothing is lost: two officers edit the same council; the second sees both versions and saves nothing."""
    url = f"/councils/{council.pk}/edit/"
    one, two = client_for("community_section"), client_for("deputy")
    data_one, data_two = _opened(one, url), _opened(two, url)
    assert one.post(url, {**data_one, "area_description": "一番町一丁目〜四丁目"}).status_code == 302
    response = two.post(url, {**data_two, "area_description": "国分町全域"})
    assert response.status_code in (200, 409)
    page = response.content.decode()
    assert "他の人がこの協議会を変更しました" in page
    assert "現在の保存内容" in page and "一番町一丁目〜四丁目" in page
    assert "あなたの入力" in page and 'value="国分町全域"' in page
    assert Council.objects.get(pk=council.pk).area_description == "一番町一丁目〜四丁目"
    assert two.post(url, response.context["form"].data).status_code == 302
    assert Council.objects.get(pk=council.pk).area_description == "国分町全域"
