"""Issue 11 (X3): the referral list, the exchange list, the safety information list and the 地域安全の会 list export
what they show (their filters, every page, only the user's station) to Excel or CSV, audited; the number of queries
does not grow with the rows."""

import datetime

import pytest
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.lib.dates import today_tokyo
from liaison.network.actions import safety_meetings as meeting_actions
from liaison.network.actions.referrals import referral_decline
from liaison.network.models import Exchange
from liaison.testing import column_of, export_queries, export_rows, make_officer

from .info_helpers import item
from .test_exchanges import _contact, _log
from .test_referrals import _refer
from .test_safety_meetings import _values

TODAY = today_tokyo()
pytestmark = pytest.mark.django_db


# --- referrals (N2.3) ---------------------------------------------------------------------------------------------

REFERRALS = reverse("network:referral_list")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_n2_3_referral_export_is_the_queue_with_the_referrer_for_the_deciding_section(world, client_for, fmt):
    declined = _refer(world, given_name="決定")
    referral_decline(referral=declined, reason="転居予定", acting_user=world.user("community_section"))
    _refer(world, "koban_staff", given_name="待機", referred_on=TODAY - datetime.timedelta(days=3))
    other = make_officer("section_staff", station=world.station_b, username="staff_b")
    _refer(world, other.user, given_name="泉")
    rows = export_rows(client_for("community_section").get(REFERRALS, {"format": fmt}))
    assert column_of(rows, "候補者") == ["鈴木 待機", "鈴木 決定"]  # pending first, not station B's
    assert column_of(rows, "結果") == ["", "転居予定"] and "連絡した職員" in rows[0]
    entry = AuditEntry.objects.get(action="network.referral_list_export")
    assert entry.detail["count"] == 2 and entry.summary.endswith("（2人）") and not entry.personal_data
    own = export_rows(client_for("section_staff").get(REFERRALS, {"format": fmt}))
    assert column_of(own, "候補者") == ["鈴木 決定"] and "連絡した職員" not in own[0]  # a referrer's own list


def test_n2_3_referral_export_query_count_does_not_grow_with_the_rows(world, client_for):
    client = client_for("community_section")
    _refer(world)
    one = export_queries(client, REFERRALS, {"format": "csv"})
    for i in range(49):
        referral = _refer(world, "koban_staff" if i % 2 else "section_staff", given_name=f"候補{i}")
        if i % 3 == 0:
            referral_decline(referral=referral, reason="見送り", acting_user=world.user("community_section"))
    assert len(export_rows(client.get(REFERRALS, {"format": "csv"}))) == 51
    assert export_queries(client, REFERRALS, {"format": "csv"}) == one


# --- exchanges (N3.1ア) -------------------------------------------------------------------------------------------

EXCHANGES = reverse("network:exchange_list")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_n3_1a_exchange_export_is_the_filtered_list_of_the_own_station(world, client_for, fmt):
    aoki, inoue = _contact(world, "青木", "アオキ"), _contact(world, "井上", "イノウエ")
    _log(world, [aoki, inoue])
    _log(world, [aoki], kind=Exchange.Kind.PATROL)
    b = _contact(world, "泉", "イズミ", station=world.station_b)
    theirs = Exchange.objects.create(
        station=world.station_b, officer=world.chief_b, on=TODAY, kind="home_visit", created_by=world.chief_b.user
    )
    theirs.contacts.add(b)
    rows = export_rows(client_for("section_staff").get(EXCHANGES, {"format": fmt, "kind": "home_visit"}))
    assert column_of(rows, "連絡員") == ["青木 花子、井上 花子"]  # not the patrol, not station B's
    assert column_of(rows, "交番・駐在所") == ["一番町交番"] and column_of(rows, "意見・要望") == ["0"]
    entry = AuditEntry.objects.get(action="network.exchange_list_export")
    assert entry.detail["count"] == 1 and entry.detail["filters"] == {"kind": "home_visit"}
    assert not entry.personal_data and entry.station_id == world.station_a.pk


def test_n3_1a_exchange_export_query_count_does_not_grow_with_the_rows(world, client_for):
    client = client_for("community_section")
    contacts = [_contact(world, f"青木{i}", "アオキ") for i in range(3)]
    _log(world, contacts[:1])
    one = export_queries(client, EXCHANGES, {"format": "xlsx"})
    for i in range(49):
        _log(world, contacts[: 1 + i % 3], role="koban_chief" if i % 2 else "koban_staff")
    assert len(export_rows(client.get(EXCHANGES, {"format": "xlsx"}))) == 51
    assert export_queries(client, EXCHANGES, {"format": "xlsx"}) == one


# --- safety information (N3.1エ) ----------------------------------------------------------------------------------

INFO = reverse("network:info_list")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_n3_1e_info_export_is_what_the_station_may_read_current_first(world, client_for, fmt):
    item(world, title="期限切れの情報", valid_until=TODAY - datetime.timedelta(days=1))
    item(world, title="本部からの情報", hq=True, to=[world.station_a])
    item(world, station=world.station_b, title="泉署の情報")
    rows = export_rows(client_for("section_staff").get(INFO, {"format": fmt}))
    assert column_of(rows, "件名") == ["本部からの情報", "期限切れの情報"]  # not station B's own
    assert column_of(rows, "状態") == ["掲載中", "期限切れ"]
    assert column_of(rows, "発信元") == ["地域部地域課", "青葉警察署"]
    entry = AuditEntry.objects.get(action="network.info_list_export")
    assert entry.detail["count"] == 2 and not entry.personal_data


def test_n3_1e_info_export_query_count_does_not_grow_with_the_rows(world, client_for):
    client = client_for("section_staff")
    item(world)
    one = export_queries(client, INFO, {"format": "csv"})
    for i in range(49):
        item(world, hq=bool(i % 2), to=[world.station_a], title=f"情報{i}")
    assert len(export_rows(client.get(INFO, {"format": "csv"}))) == 51
    assert export_queries(client, INFO, {"format": "csv"}) == one


# --- 地域安全の会 (N3.3) --------------------------------------------------------------------------------------------

MEETINGS = reverse("network:safety_meeting_list")


def _meeting(world, contacts=(), **values):
    return meeting_actions.safety_meeting_create(
        station=world.station_a,
        values=_values(**values),
        contacts=list(contacts),
        acting_user=world.user("community_section"),
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_n3_3_safety_meeting_export_has_the_attendance_of_the_own_station(world, client_for, fmt):
    _meeting(world, [_contact(world, "青木", "アオキ"), _contact(world, "井上", "イノウエ")])
    meeting_actions.safety_meeting_create(
        station=world.station_b, values=_values(venue="泉区民センター"), contacts=[], acting_user=world.chief_b.user
    )
    rows = export_rows(client_for("section_staff").get(MEETINGS, {"format": fmt}))
    assert column_of(rows, "会場") == ["青葉区民センター"] and column_of(rows, "出席した連絡員") == ["2"]
    entry = AuditEntry.objects.get(action="network.safety_meeting_list_export")
    assert entry.detail["count"] == 1 and not entry.personal_data
    hq = export_rows(client_for("hq_staff").get(MEETINGS, {"format": fmt}))
    assert sorted(column_of(hq, "会場")) == ["泉区民センター", "青葉区民センター"]


def test_n3_3_safety_meeting_export_query_count_does_not_grow_with_the_rows(world, client_for):
    client = client_for("community_section")
    contacts = [_contact(world, f"青木{i}", "アオキ") for i in range(3)]
    _meeting(world, contacts[:1])
    one = export_queries(client, MEETINGS, {"format": "xlsx"})
    for i in range(49):
        _meeting(world, contacts[: i % 3], venue=f"会場{i}")
    assert len(export_rows(client.get(MEETINGS, {"format": "xlsx"}))) == 51
    assert export_queries(client, MEETINGS, {"format": "xlsx"}) == one
