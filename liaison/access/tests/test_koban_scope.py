"""X2: koban-level roles (交番所長・交番勤務員) are offered, and may change, only what belongs to their own koban.

The station of the world fixture has two kobans: 一番町交番 (koban_a, where the koban chief and staff work) and
作並駐在所 (chuzaisho_a). Reads stay station-wide; lists of work and every change are narrowed to the own koban.
"""

import datetime

import pytest
from django.urls import reverse

from liaison.access.permissions import Perm
from liaison.access.policy import can_change, for_work, visible_to
from liaison.councils import actions as council_actions
from liaison.councils.models import Council, Membership
from liaison.org.models import Koban, Station
from liaison.people.models import Person, PublicOfficeRecord
from liaison.testing import make_council_with_members, make_person

pytestmark = pytest.mark.django_db

D = datetime.date


def _council(world, *kobans, name=None, count=1):
    council, people = make_council_with_members(
        world, kobans[0], acting_user=world.user("community_section"), count=count, name=name
    )
    council.kobans.add(*kobans)
    return council, people


def test_x2_koban_chief_may_not_record_public_office_for_another_kobans_member(world, client_for):
    """X2: the 一番町交番 chief recording a public office for a 作並駐在所 council member gets 403; nothing changes."""
    council, (member,) = _council(world, world.chuzaisho_a)
    url = reverse("people:public_office_new", args=[member.pk])
    data = {"kind": "office", "office": "仙台市議会議員", "start_date": "2025-06-01"}

    response = client_for("koban_chief").post(url, data)

    assert response.status_code == 403
    assert not PublicOfficeRecord.objects.filter(person=member).exists()
    membership = Membership.objects.get(person=member)
    assert membership.ended_on is None
    # The person is still the station's: the koban chief may read the page, only not change it.
    page = client_for("koban_chief").get(reverse("people:detail", args=[member.pk]))
    assert page.status_code == 200 and url not in page.content.decode()
    assert client_for("koban_chief").get(reverse("people:edit", args=[member.pk])).status_code == 403
    # The community section changes every person of its station.
    assert client_for("community_section").get(url).status_code == 200


def test_x2_koban_chief_records_public_office_for_own_kobans_member(world, client_for):
    """X2, C6.4(1): for a member of the own koban's council the public office is recorded and the term ends."""
    council, (member,) = _council(world, world.koban_a)
    url = reverse("people:public_office_new", args=[member.pk])
    data = {"kind": "office", "office": "仙台市議会議員", "start_date": "2025-06-01"}
    # The person page offers the change only to those who may make it.
    assert url in client_for("koban_chief").get(reverse("people:detail", args=[member.pk])).content.decode()

    response = client_for("koban_chief").post(url, data)

    assert response.status_code == 302
    assert Membership.objects.get(person=member).ended_on == D(2025, 6, 1)


def test_x2_person_belongs_to_a_koban_only_when_every_serving_term_covers_it(world):
    """X2: a koban-level role changes a person only when all the person's serving terms are in its koban's councils.

    A person serving nowhere belongs to the koban whose officer recorded them.
    """
    chief = world.user("koban_chief")
    own, _ = _council(world, world.koban_a, name="一番町交番連絡協議会", count=0)
    other, _ = _council(world, world.chuzaisho_a, name="作並駐在所連絡協議会", count=0)
    shared, _ = _council(world, world.koban_a, world.chuzaisho_a, name="一番町・作並連絡協議会", count=0)
    acting = world.user("community_section")

    def appoint(person, council, start=None):
        return council_actions.membership_appoint(
            council=council, person=person, start_date=start or D(2025, 4, 1), post="member", acting_user=acting
        )

    own_only = make_person(world.station_a, "一", "一", "イチ", "イチ")
    appoint(own_only, own)
    other_only = make_person(world.station_a, "二", "二", "ニ", "ニ")
    appoint(other_only, other)
    both = make_person(world.station_a, "三", "三", "サン", "サン")
    appoint(both, own)
    appoint(both, other)
    in_shared = make_person(world.station_a, "四", "四", "シ", "シ")
    appoint(in_shared, shared)
    used_to_serve_elsewhere = make_person(world.station_a, "五", "五", "ゴ", "ゴ")
    old = appoint(used_to_serve_elsewhere, other, start=D(2020, 4, 1))
    Membership.objects.filter(pk=old.pk).update(end_date=D(2022, 3, 31))
    appoint(used_to_serve_elsewhere, own)
    recorded_by_chief = make_person(world.station_a, "六", "六", "ロク", "ロク", created_by=chief)
    recorded_by_section = make_person(world.station_a, "七", "七", "ナナ", "ナナ", created_by=acting)

    changeable = {p for p in visible_to(chief, Person) if can_change(chief, p, Perm.MANAGE_PEOPLE)}
    assert changeable == {own_only, in_shared, used_to_serve_elsewhere, recorded_by_chief}
    assert set(for_work(chief, Person)) == changeable
    # Reads are unchanged: the koban chief still sees every person of the station.
    assert set(visible_to(chief, Person)) == {
        own_only, other_only, both, in_shared, used_to_serve_elsewhere, recorded_by_chief, recorded_by_section
    }  # fmt: skip
    # Station-level roles are not narrowed.
    section = world.user("community_section")
    assert all(can_change(section, p, Perm.MANAGE_PEOPLE) for p in visible_to(section, Person))


def test_x2_lists_of_work_are_narrowed_to_the_own_koban(world):
    """X2: for_work gives koban-level roles their koban's councils, terms and koban; others what they may see."""
    own, _ = _council(world, world.koban_a, name="一番町交番連絡協議会")
    other, _ = _council(world, world.chuzaisho_a, name="作並駐在所連絡協議会")
    for role in ("koban_chief", "koban_staff"):
        user = world.user(role)
        assert list(for_work(user, Council)) == [own]
        assert set(for_work(user, Membership)) == set(own.memberships.all())
        assert list(for_work(user, Koban)) == [world.koban_a]
    section = world.user("community_section")
    assert set(for_work(section, Council)) == {own, other}
    assert for_work(world.chief_b.user, Council).count() == 0


def test_x2_renewal_workbench_and_home_offer_only_the_own_kobans_terms(world, client_for):
    """X2: the koban chief's renewal workbench and to-do list count only terms of the own koban's councils."""
    start = D(2024, 12, 1)
    make_council_with_members(
        world, world.koban_a, acting_user=world.user("deputy"), count=2, start=start, name="一番町交番連絡協議会"
    )
    make_council_with_members(
        world, world.chuzaisho_a, acting_user=world.user("deputy"), count=3, start=start, name="作並駐在所連絡協議会"
    )
    ending = Membership.objects.first().end_date
    page = (
        client_for("koban_chief")
        .get(reverse("councils:renewals"), {"from": (ending - datetime.timedelta(days=1)).isoformat(), "to": ending})
        .content.decode()
    )
    assert "一番町交番連絡協議会" in page and "作並駐在所連絡協議会" not in page
    section_page = (
        client_for("community_section")
        .get(reverse("councils:renewals"), {"from": (ending - datetime.timedelta(days=1)).isoformat(), "to": ending})
        .content.decode()
    )
    assert "一番町交番連絡協議会" in section_page and "作並駐在所連絡協議会" in section_page


def test_x2_a_model_without_a_koban_scope_is_not_changeable_by_koban_roles(world):
    """X2: fail closed: a record that names no koban is outside every koban-level role's change scope."""
    assert not can_change(world.user("koban_chief"), world.station_a, Perm.APPOINT_MEMBERS)
    assert for_work(world.user("koban_chief"), Station).count() == 0
    assert can_change(world.user("community_section"), world.station_a, Perm.APPOINT_MEMBERS)
