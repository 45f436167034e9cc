"""X2: station-scoped visibility, 404 for other stations, 403 for visible-but-not-changeable."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from liaison.access.permissions import ROLE_PERMISSIONS, Perm
from liaison.access.policy import can_change, get_visible_or_404, require_change, visible_to
from liaison.org.models import HQDivision, Koban, Officer, Station

pytestmark = pytest.mark.django_db


def test_x2_station_staff_see_only_their_station(world):
    for role in ("station_chief", "deputy", "community_section", "section_staff", "koban_chief", "koban_staff"):
        user = world.user(role)
        assert list(visible_to(user, Station)) == [world.station_a]
        kobans = set(visible_to(user, Koban))
        assert kobans == {world.koban_a, world.chuzaisho_a}
        assert world.officers["station_chief"] in visible_to(user, Officer)
        assert world.chief_b not in visible_to(user, Officer)


def test_x2_hq_sees_every_station(world):
    for role in ("hq_admin", "hq_staff"):
        assert set(visible_to(world.user(role), Station)) == {world.station_a, world.station_b}


def test_x2_other_station_is_404_like_missing(world):
    user = world.user("station_chief")
    with pytest.raises(Http404):
        get_visible_or_404(user, Koban, pk=world.koban_b.pk)
    with pytest.raises(Http404):
        get_visible_or_404(user, Koban, pk=999999)
    assert get_visible_or_404(user, Koban, pk=world.koban_a.pk) == world.koban_a


def test_x2_koban_staff_change_only_their_koban(world):
    chief = world.user("koban_chief")
    assert can_change(chief, world.koban_a, Perm.APPOINT_MEMBERS)
    assert not can_change(chief, world.chuzaisho_a, Perm.APPOINT_MEMBERS)
    with pytest.raises(PermissionDenied):
        require_change(chief, world.chuzaisho_a, Perm.APPOINT_MEMBERS)
    # The community section changes every koban of its own station, none of another.
    community = world.user("community_section")
    assert can_change(community, world.chuzaisho_a, Perm.APPOINT_MEMBERS)
    assert not can_change(community, world.koban_b, Perm.APPOINT_MEMBERS)


def test_x2_retired_officer_and_user_without_officer_see_nothing(world, django_user_model):
    officer = world.officers["station_chief"]
    officer.active = False
    officer.save()
    assert not visible_to(officer.user, Station).exists()
    stranger = django_user_model.objects.create_user("stranger", password="x")
    assert not visible_to(stranger, Station).exists()


def test_x2_model_without_station_path_is_refused():
    class Unscoped:
        __name__ = "Unscoped"

    with pytest.raises(TypeError):
        from liaison.access.policy import _station_path

        _station_path(Unscoped)


def test_x2_records_without_station_are_visible_to_all_officers(world):
    HQDivision.objects.get_or_create(name="警務部警務課")
    assert visible_to(world.user("koban_staff"), HQDivision).exists()


def test_x2_every_role_has_a_permission_set():
    from liaison.org.models import Officer as O

    assert set(ROLE_PERMISSIONS) == set(O.Role.values)
    # HQ divisions read everything; the one thing they write is the safety information they give stations (N3.1エ).
    assert ROLE_PERMISSIONS[O.Role.HQ_STAFF] == {
        Perm.VIEW_ALL_STATIONS,
        Perm.VIEW_STATION,
        Perm.VIEW_COUNCILS,
        Perm.VIEW_CONTACTS,
        Perm.PUBLISH_SAFETY_INFO,
    }
