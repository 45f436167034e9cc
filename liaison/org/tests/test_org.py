"""X1, X4, C6.2(2): organisation records, prefecture settings and station reorganisation."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from liaison.audit.models import AuditEntry
from liaison.org import actions
from liaison.org.models import KobanTransfer, PrefectureSettings, Rank, Reorganisation
from liaison.org.signals import kobans_transferred

pytestmark = pytest.mark.django_db


def test_x1_ranks_are_the_real_list_in_order():
    assert [label for _, label in Rank.choices] == [
        "巡査", "巡査部長", "警部補", "警部", "警視", "警視正", "警視長", "警視監",
    ]  # fmt: skip


def test_x1_officers_sort_by_reading(world):
    from liaison.org.models import Officer
    from liaison.testing import make_officer

    make_officer("section_staff", station=world.station_a, family="渡辺", family_kana="ワタナベ", given_kana="ハナコ")
    make_officer("section_staff", station=world.station_a, family="阿部", family_kana="アベ", given_kana="ジロウ")
    names = [o.family_name for o in Officer.objects.all()]
    assert names[0] == "阿部" and names[-1] == "渡辺"


def test_x4_settings_have_sensible_defaults():
    s = PrefectureSettings.current()
    assert (s.term_years, s.council_size_min, s.council_size_max) == (2, 8, 12)
    assert (s.leader_share_min, s.leader_share_max, s.long_tenure_years) == (40, 60, 6)
    assert s.hq_doc_prefix == "宮本地第" and s.station_doc_prefix == "宮地第"


def test_x4_hq_admin_edits_settings_in_the_app(world, client_for):
    client = client_for("hq_admin")
    form = client.get("/org/settings/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(name="香川県", hq_doc_prefix="香本地第", term_years=3)
    response = client.post("/org/settings/", data)
    assert response.status_code == 302
    s = PrefectureSettings.current()
    assert (s.name, s.hq_doc_prefix, s.term_years, s.version) == ("香川県", "香本地第", 3, 2)
    assert AuditEntry.objects.filter(action="settings.update").exists()


def test_x4_stale_settings_edit_is_refused_and_keeps_what_was_typed(world, client_for):
    client = client_for("hq_admin")
    form = client.get("/org/settings/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    # Someone else saves first.
    actions.prefecture_settings_update(values={"name": "他県"}, version=1, acting_user=world.user("hq_admin"))
    data["name"] = "私の入力"
    response = client.post("/org/settings/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "他の人がこの設定を保存しました" in page and "私の入力" in page and "他県" in page
    assert PrefectureSettings.current().name == "他県"
    # Saving again after seeing the conflict goes through.
    assert client.post("/org/settings/", response.context["form"].data).status_code == 302
    assert PrefectureSettings.current().name == "私の入力"


def test_x4_settings_form_rejects_inconsistent_limits(world, client_for):
    client = client_for("hq_admin")
    form = client.get("/org/settings/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(council_size_min=15, council_size_max=8)
    response = client.post("/org/settings/", data)
    assert "委員数の下限が上限を超えています" in response.content.decode()


def test_c6_2_2_moving_kobans_keeps_history_and_tells_listeners(world):
    received = []

    def listener(sender, reorganisation, transfers, acting_user, **kwargs):
        received.append([t.koban for t in transfers])

    kobans_transferred.connect(listener)
    try:
        reorg = actions.reorganisation_move_kobans(
            from_station=world.station_a,
            to_station=world.station_b,
            kobans=[world.koban_a],
            effective_date=datetime.date(2026, 4, 1),
            acting_user=world.user("hq_admin"),
        )
    finally:
        kobans_transferred.disconnect(listener)
    world.koban_a.refresh_from_db()
    assert world.koban_a.station == world.station_b
    assert received == [[world.koban_a]]
    transfer = KobanTransfer.objects.get(reorganisation=reorg)
    assert (transfer.from_station, transfer.to_station) == (world.station_a, world.station_b)
    # Koban staff move with their koban into the new station's 地域課.
    staff = world.officers["koban_staff"]
    staff.refresh_from_db()
    assert staff.station == world.station_b and staff.section.is_community and staff.section.station == world.station_b
    assert AuditEntry.objects.filter(action="org.reorganise").exists()


def test_c6_2_2_merging_stations_moves_everything(world):
    reorg = actions.reorganisation_merge_stations(
        from_station=world.station_b,
        to_station=world.station_a,
        effective_date=datetime.date(2026, 4, 1),
        acting_user=world.user("hq_admin"),
    )
    world.station_b.refresh_from_db()
    assert not world.station_b.active and world.station_b.merged_into == world.station_a
    assert list(world.station_b.kobans.all()) == []
    assert reorg.kind == Reorganisation.Kind.MERGE and reorg.transfers.count() == 1


def test_c6_2_2_reorganisation_refuses_nonsense(world):
    with pytest.raises(ValidationError):
        actions.reorganisation_move_kobans(
            from_station=world.station_a,
            to_station=world.station_a,
            kobans=[world.koban_a],
            effective_date=datetime.date(2026, 4, 1),
            acting_user=world.user("hq_admin"),
        )
    with pytest.raises(ValidationError):
        actions.reorganisation_move_kobans(
            from_station=world.station_a,
            to_station=world.station_b,
            kobans=[world.koban_b],
            effective_date=datetime.date(2026, 4, 1),
            acting_user=world.user("hq_admin"),
        )


def test_c6_2_2_reorganisation_through_the_screen(world, client_for):
    client = client_for("hq_admin")
    response = client.post(
        "/org/reorganisations/new/",
        {
            "kind": "move",
            "effective_date": "令和8年4月1日",
            "from_station": world.station_a.pk,
            "to_station": world.station_b.pk,
            "kobans": [world.chuzaisho_a.pk],
        },
    )
    assert response.status_code == 302
    world.chuzaisho_a.refresh_from_db()
    assert world.chuzaisho_a.station == world.station_b
    page = client.get("/org/reorganisations/").content.decode()
    assert "令和8年4月1日" in page and "作並駐在所" in page
