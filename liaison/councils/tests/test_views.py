"""Council screens: list, page, appointment form, renewal workbench."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.councils.models import Council, Membership
from liaison.people.models import Person, PublicOfficeRecord
from liaison.testing import make_council_with_members, make_person

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_c2_council_page_costs_the_same_queries_with_1_or_10_members(world, client_for):
    small, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=1, name="小")
    large, _ = make_council_with_members(
        world, world.chuzaisho_a, acting_user=world.user("deputy"), count=10, name="大"
    )
    client = client_for("community_section")
    client.get("/")  # warm the session
    assert count_queries(client, f"/councils/{small.pk}/") == count_queries(client, f"/councils/{large.pk}/")


def test_c2_council_list_costs_the_same_queries_with_1_or_several_councils(world, client_for):
    client = client_for("community_section")
    client.get("/")
    make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=2, name="一")
    one = count_queries(client, "/councils/")
    make_council_with_members(world, world.chuzaisho_a, acting_user=world.user("deputy"), count=10, name="二")
    assert count_queries(client, "/councils/") == one


def test_c3_2_2i_council_page_shows_members_in_kana_order_with_findings(world, client_for):
    council, people = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=6)
    page = client_for("koban_staff").get(f"/councils/{council.pk}/").content.decode()
    positions = [page.index(p.full_name) for p in sorted(people, key=lambda p: p.sort_key)]
    assert positions == sorted(positions)
    assert "委員は6人です" in page  # C6.1 finding on the page
    assert "会長" in page


def test_c3_1_list_shows_kobans_without_council_and_filters_by_finding(world, client_for):
    make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=4)
    client = client_for("community_section")
    page = client.get("/councils/").content.decode()
    assert "連絡協議会のない交番・駐在所" in page and "作並駐在所" in page
    assert "一番町交番連絡協議会" in client.get("/councils/", {"finding": "size"}).content.decode()
    assert "一番町交番連絡協議会" not in client.get("/councils/", {"finding": "long_tenure"}).content.decode()


def test_c6_4_1_appointment_form_refuses_public_office_holder_and_keeps_input(world, client_for):
    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=2)
    person = make_person(world.station_a, "議員", "一郎", "ギイン", "イチロウ")
    PublicOfficeRecord.objects.create(
        person=person, kind="office", office="青葉区議会議員", start_date=dt.date(2020, 1, 1)
    )
    response = client_for("koban_chief").post(
        f"/councils/{council.pk}/appoint/",
        {"person": person.pk, "start_date": "令和7年4月1日", "post": "member", "letter_number": "第12号", "save": "1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "公職（青葉区議会議員）にあるため、委員に委嘱できません" in page
    assert 'value="第12号"' in page
    assert not Membership.objects.filter(person=person).exists()


def test_c6_1_appointment_preview_shows_findings_before_saving(world, client_for):
    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=2)
    person = make_person(world.station_a, "新井", "聡", "アライ", "サトシ")
    response = client_for("koban_chief").post(
        f"/councils/{council.pk}/appoint/",
        {"person": person.pk, "start_date": "2025/04/01", "post": "chair", "preview": "1"},
    )
    page = response.content.decode()
    assert "この委嘱をした場合の確認事項" in page and "会長が2人います" in page and "委員は3人です" in page
    assert not Membership.objects.filter(person=person).exists()


def test_c6_3_appointing_a_new_person_through_the_form(world, client_for):
    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=1)
    response = client_for("koban_chief").post(
        f"/councils/{council.pk}/appoint/",
        {
            "start_date": "令和7年4月1日",
            "post": "member",
            "leader_category": "a",
            "new-family_name": "髙橋",
            "new-given_name": "花子",
            "new-family_kana": "たかはし",
            "new-given_kana": "ﾊﾅｺ",
            "new-birth_date": "昭和45年2月3日",
            "new-gender": "female",
            "save": "1",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(family_name="髙橋")
    assert (person.family_kana, person.given_kana, person.birth_date) == ("タカハシ", "ハナコ", dt.date(1970, 2, 3))
    m = Membership.objects.get(person=person)
    assert m.council == council and m.leader_category == "a" and m.end_date == dt.date(2027, 3, 31)


def test_c3_2_1_a_refused_appointment_of_a_new_person_records_no_person(world, client_for):
    """C3.2(1), one action per intent: recording a new person and appointing them is one transaction, so when the
    appointment is refused (a second chair) the person is not left recorded."""
    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=1)
    response = client_for("koban_chief").post(
        f"/councils/{council.pk}/appoint/",
        {
            "start_date": "令和7年4月1日",
            "post": "chair",
            "new-family_name": "髙橋",
            "new-given_name": "花子",
            "new-family_kana": "タカハシ",
            "new-given_kana": "ハナコ",
            "new-birth_date": "昭和45年2月3日",
            "save": "1",
        },
    )
    assert response.status_code == 200 and "会長は1人です" in response.content.decode()
    assert not Person.objects.filter(family_name="髙橋").exists()
    assert council.memberships.count() == 1


def test_c6_3_duplicate_person_must_be_confirmed(world, client_for):
    council, people = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=1)
    existing = make_person(world.station_a, "高橋", "花子", "タカハシ", "ハナコ", birth_date=dt.date(1970, 2, 3))
    data = {
        "start_date": "令和7年4月1日",
        "post": "member",
        "new-family_name": "高橋",
        "new-given_name": "花子",
        "new-family_kana": "タカハシ",
        "new-given_kana": "ハナコ",
        "new-birth_date": "1970-02-03",
        "save": "1",
    }
    client = client_for("koban_chief")
    page = client.post(f"/councils/{council.pk}/appoint/", data).content.decode()
    assert "似ている記録があります" in page and f"/people/{existing.pk}/" in page
    assert Person.objects.filter(family_name="高橋").count() == 1
    data["confirm_distinct"] = "on"
    assert client.post(f"/councils/{council.pk}/appoint/", data).status_code == 302
    assert Person.objects.filter(family_name="高橋").count() == 2


def test_c6_2_1_renewal_workbench_reappoints_in_bulk(world, client_for):
    council, people = make_council_with_members(
        world, world.koban_a, acting_user=world.user("deputy"), count=3, start=dt.date(2024, 12, 1)
    )
    client = client_for("community_section")
    page = client.get("/councils/renewals/", {"from": "2026-11-01", "to": "2026-12-31"}).content.decode()
    for p in people:
        assert p.full_name in page
    ids = list(council.memberships.values_list("pk", flat=True))
    response = client.post("/councils/renewals/?from=2026-11-01&to=2026-12-31", {"ids": ids[:2]}, follow=True)
    page = response.content.decode()
    assert "2人を再任しました" in page and "委嘱状をまとめて印刷" in page
    renewed = Membership.objects.filter(kind=Membership.Kind.REAPPOINTMENT)
    assert renewed.count() == 2 and all(m.start_date == dt.date(2026, 12, 1) for m in renewed)
    # Renewed terms leave the list; the third is still to do.
    page = client.get("/councils/renewals/", {"from": "2026-11-01", "to": "2026-12-31"}).content.decode()
    assert page.count('name="ids" value=') == 1 + 2  # one to do; two hidden ids in the print form


def test_c6_2_1_renewal_workbench_period_defaults_to_the_rule(world, client_for):
    """C6.2(1): without dates the workbench shows today to ``rules.default_renewal_end``; an unreadable date falls
    back to the same period with the reason shown."""
    from liaison.councils.rules import default_renewal_end
    from liaison.lib.dates import today_tokyo
    from liaison.lib.wareki import to_wareki

    today = today_tokyo()
    end = default_renewal_end(today)
    shown = (
        f'name="from" value="{to_wareki(today, western_year=True)}"',
        f'name="to" value="{to_wareki(end, western_year=True)}"',
    )
    client = client_for("community_section")
    page = client.get("/councils/renewals/").content.decode()
    assert all(field in page for field in shown)
    page = client.get("/councils/renewals/", {"to": "2026-13-45"}).content.decode()
    assert all(field in page for field in shown) and 'role="alert"' in page


def test_x2_koban_chief_cannot_appoint_to_another_kobans_council(world, client_for):
    council, _ = make_council_with_members(world, world.chuzaisho_a, acting_user=world.user("deputy"), count=1)
    assert client_for("koban_chief").get(f"/councils/{council.pk}/appoint/").status_code == 403
    assert client_for("koban_chief").get(f"/councils/{council.pk}/").status_code == 200


def test_c3_2_3_station_chief_confirms_operation_manager_on_the_page(world, client_for):
    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=1)
    client = client_for("station_chief")
    page = client.get(f"/councils/{council.pk}/").content.decode()
    assert "要綱による候補" in page and world.officers["koban_chief"].full_name in page
    client.post(f"/councils/{council.pk}/operation-manager/", {"officer": world.officers["koban_chief"].pk})
    council.refresh_from_db()
    assert council.operation_manager == world.officers["koban_chief"]


def test_c10_4_bylaws_upload_and_download(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=1)
    client = client_for("community_section")
    upload = SimpleUploadedFile("kiyaku.txt", "第1条 この会は…".encode())
    assert client.post(f"/councils/{council.pk}/bylaws/", {"bylaws": upload}).status_code == 302
    response = client.get(f"/councils/{council.pk}/bylaws/download/")
    assert b"".join(response.streaming_content).decode() == "第1条 この会は…"
    assert response["Content-Disposition"].startswith('attachment; filename="kiyaku')
    bad = SimpleUploadedFile("virus.exe", b"MZ")
    assert "PDF、Word" in client.post(f"/councils/{council.pk}/bylaws/", {"bylaws": bad}).content.decode()


def test_c4_3_review_form_requires_explanation_date(world, client_for):
    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=2)
    client = client_for("community_section")
    response = client.post(
        f"/councils/{council.pk}/review/",
        {"kind": "split", "effective_date": "令和8年4月1日", "new_names": "北地区連絡協議会\n南地区連絡協議会"},
    )
    assert "説明した日を入力してください" in response.content.decode()
    response = client.post(
        f"/councils/{council.pk}/review/",
        {
            "kind": "split",
            "explained_on": "令和8年2月1日",
            "effective_date": "令和8年4月1日",
            "new_names": "北地区連絡協議会\n南地区連絡協議会",
        },
    )
    assert response.status_code == 302
    council.refresh_from_db()
    assert council.status == Council.Status.CLOSED
    assert Council.objects.filter(name="北地区連絡協議会", memberships__isnull=False).exists()


def test_n2_2_person_page_lists_council_terms(world, client_for):
    council, people = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=1)
    page = client_for("community_section").get(f"/people/{people[0].pk}/").content.decode()
    assert "連絡協議会の委嘱" in page and council.name in page


def test_c6_2_1_successor_through_the_screen(world, client_for):
    council, people = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=2)
    m = council.memberships.get(person=people[1])
    client = client_for("koban_chief")
    client.post(f"/councils/memberships/{m.pk}/end/", {"ended_on": "令和8年1月31日", "reason": "resigned"})
    successor = make_person(world.station_a, "後藤", "明", "ゴトウ", "アキラ")
    response = client.post(
        f"/councils/memberships/{m.pk}/successor/", {"person": successor.pk, "start_date": "令和8年2月10日"}
    )
    assert response.status_code == 302
    new = Membership.objects.get(person=successor)
    assert new.end_date == m.end_date and new.kind == "successor"
    # The vacancy is filled: the council page no longer offers to appoint a successor for it.
    assert f"/councils/memberships/{m.pk}/successor/" not in client.get(f"/councils/{council.pk}/").content.decode()


def test_c4_3_split_assigns_each_member_to_a_successor(world, client_for):
    council, people = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=3)
    ms = {m.person_id: m for m in council.memberships.all()}
    data = {
        "kind": "split",
        "explained_on": "令和8年2月1日",
        "effective_date": "令和8年4月1日",
        "new_names": "北地区連絡協議会\n南地区連絡協議会",
        f"assign_{ms[people[0].pk].pk}": "0",
        f"assign_{ms[people[1].pk].pk}": "1",
        f"assign_{ms[people[2].pk].pk}": "",
    }
    client = client_for("community_section")
    bad = client.post(f"/councils/{council.pk}/review/", {**data, f"assign_{ms[people[2].pk].pk}": "2"})
    assert "見直し後の協議会は2つです" in bad.content.decode()
    assert client.post(f"/councils/{council.pk}/review/", data).status_code == 302
    north = Council.objects.get(name="北地区連絡協議会")
    south = Council.objects.get(name="南地区連絡協議会")
    assert [m.person for m in north.memberships.all()] == [people[0]]
    assert [m.person for m in south.memberships.all()] == [people[1]]
    ended = Membership.objects.get(pk=ms[people[2].pk].pk)
    assert ended.end_reason == "reorganised" and ended.ended_on == dt.date(2026, 3, 31)


def test_x2_viewing_a_council_roster_is_audited(world, client_for):
    from liaison.audit.models import AuditEntry

    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=3)
    client_for("koban_staff").get(f"/councils/{council.pk}/")
    entry = AuditEntry.objects.get(action="council.view")
    assert entry.personal_data and entry.kind == "view" and entry.station == world.station_a
    assert len(entry.detail["membership_ids"]) == 3


def test_c6_3_the_same_appointment_sent_twice_creates_one_record(world, client_for):
    """A double click or a re-send of the appointment form appoints (and records the new person) once."""
    council, _ = make_council_with_members(world, world.koban_a, acting_user=world.user("deputy"), count=1)
    client = client_for("koban_chief")
    token = client.get(f"/councils/{council.pk}/appoint/").context["form"]["form_token"].value()
    assert token
    data = {
        "form_token": token,
        "start_date": "令和7年4月1日",
        "post": "member",
        "new-family_name": "二重",
        "new-given_name": "送信",
        "new-family_kana": "ニジュウ",
        "new-given_kana": "ソウシン",
        "save": "1",
    }
    assert client.post(f"/councils/{council.pk}/appoint/", data).status_code == 302
    again = client.post(f"/councils/{council.pk}/appoint/", data, follow=True)
    assert "この委嘱はすでに登録されています" in again.content.decode()
    assert Person.objects.filter(family_name="二重").count() == 1


def test_issue8_hq_council_list_counts_up_to_the_cap(world, client_for, monkeypatch):
    """The HQ council list's pager counts up to the cap (「…件以上」) instead of every council of the prefecture."""
    from liaison.councils import views
    from liaison.lib.pagination import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 2)
    monkeypatch.setattr(views, "COUNCIL_PAGE", 1)
    for koban, name in ((world.koban_a, "一"), (world.chuzaisho_a, "二"), (world.koban_b, "三")):
        make_council_with_members(world, koban, acting_user=world.user("hq_admin"), count=1, name=name)
    text = client_for("hq_admin").get("/councils/").content.decode()
    assert "1 / 2 ページ（2件以上）" in text
    monkeypatch.setattr(CappedPaginator, "cap", 1000)
    assert "1 / 3 ページ（全3件）" in client_for("hq_admin").get("/councils/").content.decode()
