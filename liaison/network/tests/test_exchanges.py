"""N3.1ア–ウ: information exchanges with contact persons. Logging one (its contact persons, materials, opinions that
become cases of the shared case model), the tablet entry screen, the station's list and an exchange's page, and the
cases raised at exchanges read by every section of the station with their status.

Test names spell the requirement IDs in ASCII: n3_1a is N3.1ア, n3_1i is N3.1イ, n3_1u is N3.1ウ.
"""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.cases import actions as case_actions
from liaison.cases.models import Case
from liaison.lib import once
from liaison.lib.dates import today_tokyo
from liaison.network import queries_exchanges as queries
from liaison.network.actions.contacts import consent_change, contact_create
from liaison.network.actions.exchanges import exchange_create
from liaison.network.models import (
    ContactPerson,
    Exchange,
    ExchangeCase,
    ExchangeMaterial,
    SafetyInfo,
    SafetyInfoTarget,
)
from liaison.testing import make_officer, make_person

pytestmark = pytest.mark.django_db

TODAY = today_tokyo()
Consent = ContactPerson.Consent


def _contact(world, family, kana, *, consent=Consent.CONSENTED, officer=None, koban=None, station=None):
    station = station or world.station_a
    person = make_person(station, family, "花子", kana, "ハナコ")
    contact = contact_create(
        station=station,
        person=person,
        values={"source": ContactPerson.Source.ACQUAINTANCE, "officer": officer, "koban": koban},
        acting_user=world.user("community_section"),
    )
    user = world.user("community_section")
    if consent in (Consent.CONSENTED, Consent.WITHDRAWN):
        contact = consent_change(
            contact=contact, consent=Consent.CONSENTED, on=TODAY, method="in_person", acting_user=user
        )
    if consent == Consent.WITHDRAWN:
        contact = consent_change(contact=contact, consent=Consent.WITHDRAWN, on=TODAY, acting_user=user)
    if consent == Consent.DECLINED:
        contact = consent_change(contact=contact, consent=Consent.DECLINED, on=TODAY, acting_user=user)
    if consent == Consent.ASKED:
        contact = consent_change(contact=contact, consent=Consent.ASKED, on=TODAY, acting_user=user)
    return contact


def _item(world, *, station=None, valid_until=None, published_on=None, target=None):
    return_item = SafetyInfo.objects.create(
        publisher_station=station,
        title="特殊詐欺の手口",
        body="還付金詐欺の電話が続いています。",
        published_on=published_on or TODAY - datetime.timedelta(days=3),
        valid_until=valid_until,
        created_by=world.user("community_section"),
    )
    if target is not None:
        SafetyInfoTarget.objects.create(item=return_item, station=target)
    return return_item


def _log(world, contacts, *, role="koban_staff", on=None, cases=(), materials=(), token=None, kind="home_visit"):
    officer = world.officers[role]
    return exchange_create(
        station=world.station_a,
        officer=officer,
        values={"on": on or TODAY, "kind": kind, "advice": "防犯パトロールの経路を一緒に確認した"},
        contacts=contacts,
        materials=list(materials),
        cases=list(cases),
        acting_user=officer.user,
        form_token=token,
    )


# --- N3.1ア: the action --------------------------------------------------------------------------------------------


def test_n3_1a_an_exchange_is_logged_with_materials_and_each_request_becomes_a_linked_case(world):
    tanaka = _contact(world, "田中", "タナカ", koban=world.koban_a)
    item = _item(world, target=world.station_a)
    exchange = _log(
        world,
        [tanaka],
        materials=[
            {"kind": ExchangeMaterial.Kind.MINI_NEWSLETTER},
            {"kind": ExchangeMaterial.Kind.KOBAN_BULLETIN, "title": "一番町交番速報 11月号"},
            {"kind": ExchangeMaterial.Kind.SAFETY_INFO, "item": item},
        ],
        cases=[
            {"category": Case.Category.TRAFFIC, "content": "通学路の見通しが悪い交差点がある"},
            {"category": "", "content": "  "},  # an empty row is not an opinion
        ],
    )
    officer = world.officers["koban_staff"]
    assert (exchange.station, exchange.koban, exchange.officer) == (world.station_a, world.koban_a, officer)
    assert exchange.section == officer.section and exchange.section.is_community  # the section on the day
    assert list(exchange.contacts.all()) == [tanaka]
    assert sorted(m.kind for m in exchange.materials.all()) == sorted(
        ["mini_newsletter", "koban_bulletin", "safety_info"]
    )
    (link,) = ExchangeCase.objects.filter(exchange=exchange)
    case = link.case
    assert case.station == world.station_a and case.koban == world.koban_a and case.received_on == TODAY
    assert case.raised_by_kind == Case.RaisedBy.CONTACT_PERSON and case.raised_by_person == tanaka.person
    assert case.status == Case.Status.RECEIVED and case.updates.count() == 1  # an ordinary case, with its history
    tanaka.refresh_from_db()
    assert tanaka.last_exchange_on == TODAY
    assert AuditEntry.objects.filter(action="network.exchange_create", object_id=str(exchange.pk)).exists()


def test_n3_1a_last_exchange_date_only_moves_forward(world):
    tanaka = _contact(world, "田中", "タナカ")
    _log(world, [tanaka], on=TODAY - datetime.timedelta(days=2))
    _log(world, [tanaka], on=TODAY - datetime.timedelta(days=30))  # entered late
    tanaka.refresh_from_db()
    assert tanaka.last_exchange_on == TODAY - datetime.timedelta(days=2)
    _log(world, [tanaka], on=TODAY)
    tanaka.refresh_from_db()
    assert tanaka.last_exchange_on == TODAY


def test_n3_1a_declined_and_withdrawn_contact_persons_are_never_offered_nor_accepted(world):
    """N3.1ア with N4.2: only contact persons in an active consent state are offered; the action refuses the others."""
    active = [
        _contact(world, name, kana, consent=c)
        for name, kana, c in [
            ("安藤", "アンドウ", Consent.CANDIDATE),
            ("石井", "イシイ", Consent.ASKED),
            ("上田", "ウエダ", Consent.CONSENTED),
        ]
    ]
    declined = _contact(world, "江藤", "エトウ", consent=Consent.DECLINED)
    withdrawn = _contact(world, "大野", "オオノ", consent=Consent.WITHDRAWN)
    _contact(world, "小川", "オガワ", station=world.station_b)
    offered = list(queries.offered_contacts(world.station_a, world.officers["koban_staff"]))
    assert offered == active
    for refused in (declined, withdrawn):
        with pytest.raises(ValidationError):
            _log(world, [active[0], refused])
    assert not Exchange.objects.exists() and not Case.objects.exists()


def test_n3_1a_a_refused_exchange_writes_nothing(world):
    tanaka = _contact(world, "田中", "タナカ")
    with pytest.raises(ValidationError):
        _log(world, [tanaka], cases=[{"category": "nonsense", "content": "街灯が暗い"}])
    with pytest.raises(ValidationError):
        _log(world, [])  # an exchange is with someone
    with pytest.raises(ValidationError):
        _log(world, [tanaka], on=TODAY + datetime.timedelta(days=1))
    assert not Exchange.objects.exists() and not Case.objects.exists()
    tanaka.refresh_from_db()
    assert tanaka.last_exchange_on is None


def test_n3_1a_once_per_form_token(world):
    tanaka = _contact(world, "田中", "タナカ")
    cases = [{"category": Case.Category.CRIME, "content": "空き家に人が出入りしている"}]
    first = _log(world, [tanaka], cases=cases, token="exchange-token-1")
    with pytest.raises(once.AlreadySaved) as saved:
        _log(world, [tanaka], cases=cases, token="exchange-token-1")
    assert saved.value.result_pk == first.pk
    assert Exchange.objects.count() == 1 and Case.objects.count() == 1


def test_n3_1a_safety_information_handed_out_is_published_to_the_station_and_still_valid(world):
    tanaka = _contact(world, "田中", "タナカ")
    own = _item(world, station=world.station_a)
    hq_to_a = _item(world, target=world.station_a, valid_until=TODAY)
    other_station = _item(world, station=world.station_b)
    expired = _item(world, target=world.station_a, valid_until=TODAY - datetime.timedelta(days=1))
    future = _item(world, station=world.station_a, published_on=TODAY + datetime.timedelta(days=1))
    assert set(queries.offered_items(world.station_a, TODAY)) == {own, hq_to_a}
    for item in (other_station, expired, future):
        with pytest.raises(ValidationError):
            _log(world, [tanaka], materials=[{"kind": "safety_info", "item": item}])
    with pytest.raises(ValidationError):  # a 交番速報 is named
        _log(world, [tanaka], materials=[{"kind": "koban_bulletin", "title": ""}])
    exchange = _log(world, [tanaka], materials=[{"kind": "safety_info", "item": hq_to_a}])
    assert exchange.materials.get().item == hq_to_a


def test_n3_1a_an_opinion_is_raised_by_one_of_the_contact_persons_met(world):
    tanaka, suzuki = _contact(world, "田中", "タナカ"), _contact(world, "鈴木", "スズキ")
    other = _contact(world, "佐藤", "サトウ")
    with pytest.raises(ValidationError):
        _log(world, [tanaka, suzuki], cases=[{"contact": other, "category": "crime", "content": "落書きが多い"}])
    exchange = _log(
        world, [tanaka, suzuki], cases=[{"contact": suzuki, "category": "crime", "content": "落書きが多い"}]
    )
    assert exchange.case_links.get().case.raised_by_person == suzuki.person
    two_unnamed = _log(world, [tanaka, suzuki], cases=[{"category": "crime", "content": "夜道が暗い"}])
    assert two_unnamed.case_links.get().case.raised_by_person is None  # not guessed among several


# --- N3.1イ: the entry screen -------------------------------------------------------------------------------------


def test_n3_1i_the_form_offers_the_officers_own_contacts_first_then_the_kobans_then_the_station(world, client_for):
    officer = world.officers["koban_staff"]
    station_wide = _contact(world, "阿部", "アベ")
    koban_b2 = _contact(world, "井上", "イノウエ", koban=world.koban_a)
    koban_b1 = _contact(world, "秋山", "アキヤマ", koban=world.koban_a)
    mine = _contact(world, "渡辺", "ワタナベ", officer=officer, koban=world.chuzaisho_a)
    _contact(world, "遠藤", "エンドウ", consent=Consent.DECLINED, officer=officer)
    page = client_for("koban_staff").get(reverse("network:exchange_create")).content.decode()
    offered = [int(pk) for pk in re.findall(r'name="contacts" value="(\d+)"', page)]
    assert offered == [mine.pk, koban_b1.pk, koban_b2.pk, station_wide.pk]
    assert "遠藤" not in page


def test_n3_1i_the_materials_of_the_officers_last_exchange_are_ticked(world, client_for):
    tanaka = _contact(world, "田中", "タナカ")
    item = _item(world, target=world.station_a)
    _log(
        world,
        [tanaka],
        kind="patrol",
        materials=[
            {"kind": "mini_newsletter"},
            {"kind": "koban_bulletin", "title": "一番町交番速報 11月号"},
            {"kind": "safety_info", "item": item},
        ],
    )
    page = client_for("koban_staff").get(reverse("network:exchange_create")).content.decode()
    assert re.search(r'name="mini_newsletter"[^>]*checked', page)
    assert re.search(r'name="bulletin"[^>]*checked', page)
    assert 'value="一番町交番速報 11月号"' in page
    assert re.search(rf'name="items" value="{item.pk}"[^>]*checked', page)
    assert re.search(r'name="kind" value="patrol"[^>]*checked', page)
    # Another officer's entry starts empty.
    other = client_for("koban_chief").get(reverse("network:exchange_create")).content.decode()
    assert not re.search(r'name="mini_newsletter"[^>]*checked', other)


def _post(client, contacts, *, opinions=(), token="t-1", **extra):
    data = {
        "form_token": token,
        "on": TODAY.isoformat(),
        "kind": "home_visit",
        "contacts": [str(c.pk) for c in contacts],
        "op-TOTAL_FORMS": "3",
        "op-INITIAL_FORMS": "0",
        "op-MIN_NUM_FORMS": "0",
        "op-MAX_NUM_FORMS": "3",
    }
    for i, (category, content) in enumerate(opinions):
        data[f"op-{i}-category"], data[f"op-{i}-content"] = category, content
    data.update(extra)
    return client.post(reverse("network:exchange_create"), data)


def test_n3_1i_one_post_logs_the_visit_and_its_request_shows_in_the_case_list(world, client_for):
    tanaka = _contact(world, "田中", "タナカ", koban=world.koban_a)
    client = client_for("koban_staff")
    response = _post(client, [tanaka], opinions=[("traffic", "公園前の道路でスピードを出す車が多い")])
    exchange = Exchange.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "network:exchange_detail", args=[exchange.pk]
    )
    assert "公園前の道路でスピードを出す車が多い" in client.get(reverse("cases:list")).content.decode()
    again = _post(client, [tanaka], opinions=[("traffic", "公園前の道路でスピードを出す車が多い")])  # a re-send
    assert again.status_code == 302 and Exchange.objects.count() == 1 and Case.objects.count() == 1


def test_n3_1i_a_form_with_errors_keeps_what_was_typed_and_writes_nothing(world, client_for):
    tanaka = _contact(world, "田中", "タナカ")
    response = _post(client_for("koban_staff"), [tanaka], opinions=[("", "ゴミ集積所にカラスが多い")], bulletin="on")
    page = response.content.decode()
    assert response.status_code == 200 and "ゴミ集積所にカラスが多い" in page
    assert re.search(rf'name="contacts" value="{tanaka.pk}" checked', page)
    assert not Exchange.objects.exists() and not Case.objects.exists()


def test_n3_1i_hq_roles_do_not_log_exchanges(world, client_for):
    assert client_for("hq_admin").get(reverse("network:exchange_create")).status_code == 403


# --- N3.1ア: the list and an exchange's page ----------------------------------------------------------------------


def _list_queries(client, url):
    client.get(url)  # the session's first request reads more (the login's bookkeeping): measure the next
    with CaptureQueriesContext(connection) as queries_made:
        assert client.get(url).status_code == 200
    return len(queries_made)


def test_n3_1a_the_list_pages_in_the_database_with_a_constant_number_of_queries(world, client_for):
    contacts = [_contact(world, f"田中{i}", f"タナカ{'アイウエオ'[i]}") for i in range(3)]
    client = client_for("section_staff")
    url = reverse("network:exchange_list")
    _log(world, contacts[:1], cases=[{"category": "crime", "content": "落書き"}])
    one = _list_queries(client, url)
    for i in range(60):
        _log(world, contacts, role="koban_chief" if i % 2 else "koban_staff", on=TODAY - datetime.timedelta(days=i))
    many = _list_queries(client, url)
    assert one == many
    page = client.get(url).content.decode()
    assert page.count(reverse("network:exchange_detail", args=[0]).replace("/0/", "/")) >= 50
    assert "2 ページ" in page or "2 / " in page


def test_n3_1a_the_list_filters_by_officer_section_kind_month_and_koban(world, client_for):
    tanaka = _contact(world, "田中", "タナカ")
    last_month = TODAY.replace(day=1) - datetime.timedelta(days=1)
    by_koban = _log(world, [tanaka], role="koban_staff", kind="patrol")
    by_section = _log(world, [tanaka], role="section_staff", kind="phone", on=last_month)
    client = client_for("community_section")
    url = reverse("network:exchange_list")

    def shown(**params):
        page = client.get(url, params).content.decode()
        return {e for e in (by_koban, by_section) if reverse("network:exchange_detail", args=[e.pk]) in page}

    assert shown() == {by_koban, by_section}
    assert shown(officer=world.officers["section_staff"].pk) == {by_section}
    assert shown(section=world.officers["section_staff"].section_id) == {by_section}
    assert shown(kind="patrol") == {by_koban}
    assert shown(month=f"{last_month.year:04d}-{last_month.month:02d}") == {by_section}
    assert shown(koban=world.koban_a.pk) == {by_koban}
    assert shown(officer="99999999999999999999999", month="2026-99") == {by_koban, by_section}  # odd values ignored


def test_n3_1a_every_section_of_the_station_reads_the_exchanges_and_other_stations_get_404(world, client_for):
    tanaka = _contact(world, "田中", "タナカ")
    exchange = _log(world, [tanaka], cases=[{"category": "crime", "content": "落書きが多い"}])
    detail = reverse("network:exchange_detail", args=[exchange.pk])
    for role in ("section_staff", "koban_chief", "community_section", "hq_staff"):
        page = client_for(role).get(detail)
        assert page.status_code == 200 and "田中 花子" in page.content.decode(), role
        assert detail in client_for(role).get(reverse("network:exchange_list")).content.decode(), role
    assert client_for(world.chief_b.user).get(detail).status_code == 404
    assert detail not in client_for(world.chief_b.user).get(reverse("network:exchange_list")).content.decode()


# --- N3.1ウ: the cases raised at exchanges -------------------------------------------------------------------------


def test_n3_1u_a_criminal_investigation_officer_sees_the_case_and_what_was_done(world, client_for):
    """N3.1ウ: a request received at an exchange is an ordinary case of the station: a 刑事課 officer reads it in the
    station's case list and on the exchange's page, with its status and the history of what was done."""
    keiji = make_officer("section_staff", station=world.station_a, username="keiji", family="刑部")
    keiji.section = world.station_a.sections.get(name="刑事課")
    keiji.save()
    tanaka = _contact(world, "田中", "タナカ")
    exchange = _log(world, [tanaka], cases=[{"category": "crime", "content": "深夜に不審な車が停まっている"}])
    case = exchange.case_links.get().case
    case_actions.case_progress(
        case=case,
        status=Case.Status.DONE,
        on=TODAY,
        note="夜間の警ら重点箇所に指定し、車両の所有者を確認した",
        officer=keiji,
        version=case.version,
        acting_user=keiji.user,
    )
    client = client_for(keiji.user)
    listing = client.get(reverse("cases:list")).content.decode()
    assert "深夜に不審な車が停まっている" in listing and "措置済" in listing
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    page = client.get(reverse("network:exchange_detail", args=[exchange.pk])).content.decode()
    assert "深夜に不審な車が停まっている" in page and "措置済" in page
    assert "夜間の警ら重点箇所に指定し、車両の所有者を確認した" in page


def test_n3_1u_the_exchange_page_costs_the_same_with_one_case_or_three(world, client_for):
    tanaka = _contact(world, "田中", "タナカ")
    one = _log(world, [tanaka], cases=[{"category": "crime", "content": "一件目"}])
    three = _log(world, [tanaka], cases=[{"category": "crime", "content": f"{n}件目"} for n in "一二三"])
    client = client_for("section_staff")
    assert _list_queries(client, reverse("network:exchange_detail", args=[one.pk])) == _list_queries(
        client, reverse("network:exchange_detail", args=[three.pk])
    )


# --- The contact page's section ------------------------------------------------------------------------------------


def test_n3_1a_a_contact_persons_latest_ten_exchanges(world):
    tanaka, suzuki = _contact(world, "田中", "タナカ"), _contact(world, "鈴木", "スズキ")
    made = [_log(world, [tanaka], on=TODAY - datetime.timedelta(days=i)) for i in range(12)]
    _log(world, [suzuki])
    latest = queries.latest_exchanges(tanaka)
    assert latest == made[:10]
    html = render_to_string("network/exchanges/_contact_exchanges.html", {"contact": tanaka})
    assert html.count("/network/exchanges/") == 10
    assert reverse("network:exchange_detail", args=[made[0].pk]) in html
    assert reverse("network:exchange_detail", args=[made[11].pk]) not in html


def test_n3_1a_the_contact_page_shows_the_latest_exchanges_to_every_section(world, client_for):
    tanaka = _contact(world, "田中", "タナカ")
    exchange = _log(world, [tanaka])
    page = client_for("section_staff").get(reverse("network:contact_detail", args=[tanaka.pk])).content.decode()
    assert "最近の情報交換" in page
    assert reverse("network:exchange_detail", args=[exchange.pk]) in page
