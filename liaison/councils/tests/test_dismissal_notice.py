"""C6.4(1): a member dismissed for public office is always told to someone, and the person page shows what ended."""

import datetime

import pytest

from liaison.councils.models import Notice
from liaison.people.actions import public_office_record
from liaison.testing import make_council_with_members

pytestmark = pytest.mark.django_db


def _dismiss(world, person):
    public_office_record(
        person=person,
        kind="candidacy",
        office="仙台市議会議員",
        start_date=datetime.date(2025, 6, 1),
        acting_user=world.user("community_section"),
    )


def test_c6_4_1_dismissal_in_a_council_without_operation_manager_is_told_to_the_station_community_section(world):
    council, people = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=2)
    assert council.operation_manager_id is None
    _dismiss(world, people[1])
    notices = Notice.objects.filter(council=council)
    assert {n.recipient for n in notices} == {world.officers["community_section"]}
    assert "仙台市議会議員" in notices.get().text and people[1].full_name in notices.get().text


def test_c6_4_1_dismissal_is_told_to_the_operation_manager_when_there_is_one(world):
    council, people = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=2)
    council.operation_manager = world.officers["koban_chief"]
    council.save(update_fields=["operation_manager"])
    _dismiss(world, people[0])
    assert [n.recipient for n in Notice.objects.filter(council=council)] == [world.officers["koban_chief"]]


def test_c6_4_1_the_person_page_shows_which_memberships_the_public_office_record_ended(world, client_for):
    council, people = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=2)
    _dismiss(world, people[1])
    page = client_for("community_section").get(f"/people/{people[1].pk}/").content.decode()
    assert "公職歴の登録により終了した委嘱" in page
    section = page.split("公職歴の登録により終了した委嘱", 1)[1].split("</div>", 1)[0]
    assert council.name in section and "仙台市議会議員" in section
    other = client_for("community_section").get(f"/people/{people[0].pk}/").content.decode()
    assert "公職歴の登録により終了した委嘱" not in other
