"""The routing of reports (C11.1(1) Form 2, C11.1(2) good practice, C11.2 who decides Form 3)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison.access.roles import Role
from liaison.audit.models import AuditEntry
from liaison.findings.models import Finding
from liaison.reports import actions, routing
from liaison.reports.models import GoodPractice, Submission

from .conftest import make_council

# --- who decides: pure rules, for every role -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_c11_2_station_chief_decides_form3_and_the_deputy_only_routine_ones(role):
    """C11.2: the station chief decides every Form 3; the deputy (副署長・次長) only one marked 軽易かつ定型的."""
    assert routing.meeting_report_decider(role, False) == (role == Role.STATION_CHIEF)
    assert routing.meeting_report_decider(role, True) == (role in (Role.STATION_CHIEF, Role.DEPUTY))


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_c11_1_1_hq_community_division_decides_form2_and_good_practice(role):
    """C11.1(1), C11.1(2): Form 2 and good-practice reports go to HQ's 本部地域課, routine or not."""
    for routine in (False, True):
        assert routing.setup_report_decider(role, routine) == (role == Role.HQ_ADMIN)
        assert routing.good_practice_decider(role, routine) == (role == Role.HQ_ADMIN)


# --- Form 2 ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_c11_1_1_form2_submitted_returned_corrected_and_accepted(world, client_for):
    """C11.1(1): the chief submits Form 2, HQ returns it with a comment, the chief submits again, HQ accepts it;
    every step is kept, audited, and shown on the council page."""
    council = make_council(world)
    chief, hq = world.user("station_chief"), world.user("hq_admin")
    first = actions.report_submit(kind=routing.FORM2, obj=council, note="新設しました", acting_user=chief)
    assert list(routing.waiting_for(hq)) == [first]
    assert not routing.waiting_for(world.user("deputy")).exists()  # Form 2 is decided at HQ only
    assert not routing.waiting_for(world.chief_b.user).exists()

    with pytest.raises(ValidationError):  # a return says what to correct
        actions.report_decide(submission=first, approve=False, comment=" ", acting_user=hq)
    actions.report_decide(submission=first, approve=False, comment="委員名簿を添付してください", acting_user=hq)
    assert list(routing.returned_to(chief)) == [first]
    assert not routing.waiting_for(hq).exists()

    second = actions.report_submit(kind=routing.FORM2, obj=council, acting_user=chief)
    assert not routing.returned_to(chief).exists()
    response = client_for("hq_admin").post(
        reverse("reports:submission", args=[second.pk]), {"decision": "approve", "comment": ""}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == Submission.Status.APPROVED and second.decided_by == hq

    rounds = routing.rounds_of(routing.FORM2, council)
    assert [r.status for r in rounds] == ["approved", "returned"]
    assert rounds[1].comment == "委員名簿を添付してください" and rounds[1].note == "新設しました"
    actions_logged = list(
        AuditEntry.objects.filter(object_type="reports.Submission").order_by("pk").values_list("action", flat=True)
    )
    assert actions_logged == ["form2.submit", "form2.return", "form2.submit", "form2.approve"]
    page = client_for("deputy").get(reverse("councils:detail", args=[council.pk])).content.decode()
    assert "設置報告書の提出" in page and "委員名簿を添付してください" in page and "受理・決裁済み" in page


@pytest.mark.django_db
def test_c11_1_1_only_the_station_chief_submits_form2_of_their_station(world, client_for):
    """C11.1(1): the station chief submits; the deputy may not, and another station's chief finds nothing (404)."""
    council = make_council(world)
    with pytest.raises(PermissionDenied):
        actions.report_submit(kind=routing.FORM2, obj=council, acting_user=world.user("deputy"))
    url = reverse("reports:report_submit", args=["form2", council.pk])
    assert client_for(world.chief_b.user).post(url).status_code == 404
    assert client_for("deputy").post(url).status_code == 403
    assert client_for("station_chief").post(url, {"note": ""}).status_code == 302
    assert Submission.objects.filter(kind="form2", object_id=council.pk, status="submitted").count() == 1


@pytest.mark.django_db
def test_c11_1_1_one_open_report_per_object(world):
    """C11.1(1): while a report waits for a decision it cannot be submitted again (the database refuses it)."""
    council = make_council(world)
    chief = world.user("station_chief")
    actions.report_submit(kind=routing.FORM2, obj=council, acting_user=chief)
    with pytest.raises(ValidationError):
        actions.report_submit(kind=routing.FORM2, obj=council, acting_user=chief)
    assert Submission.objects.filter(kind="form2", object_id=council.pk).count() == 1
    assert Submission.objects.get(kind="form2", object_id=council.pk).latest


@pytest.mark.django_db
def test_c11_1_1_two_deciding_at_once_never_both_win(world):
    """C11.1(1): two approvers holding the same open round: the second decision is refused, the first stands."""
    council = make_council(world)
    submitted = actions.report_submit(kind=routing.FORM2, obj=council, acting_user=world.user("station_chief"))
    seen_by_first = Submission.objects.get(pk=submitted.pk)
    seen_by_second = Submission.objects.get(pk=submitted.pk)
    actions.report_decide(submission=seen_by_first, approve=True, acting_user=world.user("hq_admin"))
    with pytest.raises(ValidationError):
        actions.report_decide(
            submission=seen_by_second, approve=False, comment="差戻し", acting_user=world.user("hq_admin")
        )
    assert Submission.objects.get(pk=submitted.pk).status == Submission.Status.APPROVED


@pytest.mark.django_db
def test_c11_1_1_waiting_and_returned_reports_are_stored_findings(world):
    """C11.1(1): a report waiting more than the set number of days, and a returned one, are findings; accepted, none."""
    council = make_council(world)
    chief, hq = world.user("station_chief"), world.user("hq_admin")
    submitted = actions.report_submit(kind=routing.FORM2, obj=council, acting_user=chief)
    assert not Finding.objects.filter(subject__source="report").exists()
    old = timezone.now() - datetime.timedelta(days=routing.decision_days() + 2)
    Submission.objects.filter(pk=submitted.pk).update(submitted_at=old)
    from liaison.findings import store

    store.refresh_date_driven()
    store.refresh_all("report")
    found = Finding.objects.get(subject__source="report", subject__object_id=submitted.pk)
    assert found.code == "report_waiting" and found.requirement == "C11.1(1)" and council.name in found.message
    assert found.subject.station_id == world.station_a.pk

    actions.report_decide(submission=submitted, approve=False, comment="再確認", acting_user=hq)
    assert Finding.objects.get(subject__source="report").code == "report_returned"
    again = actions.report_submit(kind=routing.FORM2, obj=council, acting_user=chief)
    actions.report_decide(submission=again, approve=True, acting_user=hq)
    assert not Finding.objects.filter(subject__source="report").exists()


@pytest.mark.django_db
def test_c11_1_1_home_page_and_decisions_screen_show_the_waiting_reports(world, client_for):
    """C11.1(1): HQ's home page and 報告の決裁 list the Form 2 waiting; the chief's show it once returned."""
    council = make_council(world)
    submitted = actions.report_submit(kind=routing.FORM2, obj=council, acting_user=world.user("station_chief"))
    home = client_for("hq_admin").get(reverse("home")).content.decode()
    assert "決裁を待っている報告が1件あります" in home and council.name in home
    screen = client_for("hq_admin").get(reverse("reports:decisions")).content.decode()
    assert reverse("reports:submission", args=[submitted.pk]) in screen
    actions.report_decide(submission=submitted, approve=False, comment="要修正", acting_user=world.user("hq_admin"))
    home = client_for("station_chief").get(reverse("home")).content.decode()
    assert "差し戻された報告が1件あります" in home


@pytest.mark.django_db
def test_c11_1_1_decisions_screen_costs_the_same_with_one_or_many_reports(world, client_for):
    """The decisions screen runs a fixed number of queries whatever the number of waiting reports."""
    client = client_for("hq_admin")
    chief = world.user("station_chief")
    actions.report_submit(kind=routing.FORM2, obj=make_council(world, name="一号協議会"), acting_user=chief)
    client.get(reverse("reports:decisions"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("reports:decisions"))
    for i in range(2, 6):
        council = make_council(world, name=f"{i}号協議会", members=[])
        actions.report_submit(kind=routing.FORM2, obj=council, acting_user=chief)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("reports:decisions"))
    assert len(many) == len(one)


# --- good practice -----------------------------------------------------------------------------------------------


def _new_practice(client, **extra):
    data = {"title": "防犯教室", "occurred_on": "2025-06-01", "text": "小学校で防犯教室を開きました。", **extra}
    return client.post(reverse("reports:good_practice_new"), data)


@pytest.mark.django_db
def test_c11_1_2_good_practice_with_attachments_is_reported_to_hq(world, client_for, settings, tmp_path):
    """C11.1(2): a koban chief records a good practice with a file, reports it; HQ sees it and accepts it."""
    settings.MEDIA_ROOT = tmp_path
    response = _new_practice(client_for("koban_chief"), uploads=[SimpleUploadedFile("写真.jpg", b"\xff\xd8jpeg")])
    assert response.status_code == 302
    practice = GoodPractice.objects.get()
    assert practice.station == world.station_a and practice.koban == world.koban_a
    attachment = practice.attachments.get()
    assert attachment.name == "写真.jpg" and attachment.size == 6
    download = client_for("hq_admin").get(reverse("reports:good_practice_attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == b"\xff\xd8jpeg"

    client_for("koban_chief").post(reverse("reports:report_submit", args=["good_practice", practice.pk]))
    submitted = Submission.objects.get(kind="good_practice")
    assert list(routing.waiting_for(world.user("hq_admin"))) == [submitted]
    actions.report_decide(submission=submitted, approve=True, acting_user=world.user("hq_admin"))
    page = client_for("hq_admin").get(reverse("reports:good_practice", args=[practice.pk])).content.decode()
    assert "受理・決裁済み" in page and "写真.jpg" in page


@pytest.mark.django_db
def test_c11_1_2_attachments_of_wrong_type_or_size_are_refused_in_japanese(world, client_for, settings, tmp_path):
    """C11.1(2): a file of a kind the office does not take, or too large, is refused with a clear message."""
    from liaison.lib.attachments import MAX_BYTES as ATTACHMENT_MAX_BYTES

    settings.MEDIA_ROOT = tmp_path
    client = client_for("community_section")
    refused = _new_practice(client, uploads=[SimpleUploadedFile("tool.exe", b"MZ")])
    assert refused.status_code == 200 and "「tool.exe」は添付できない種類のファイルです" in refused.content.decode()
    big = SimpleUploadedFile("big.pdf", b"0" * (ATTACHMENT_MAX_BYTES + 1))
    refused = _new_practice(client, uploads=[big])
    assert "「big.pdf」は大きすぎます（1ファイル10MBまで）" in refused.content.decode()
    assert not GoodPractice.objects.exists()


@pytest.mark.django_db
def test_c11_1_2_lists_hq_all_stations_a_station_its_own_by_fiscal_year(world, client_for):
    """C11.1(2): HQ lists every station's good practice (by station and fiscal year); a station only its own."""
    a1 = GoodPractice.objects.create(
        station=world.station_a,
        title="四月の事例",
        text="…",
        occurred_on=datetime.date(2025, 4, 1),
        created_by=world.user("station_chief"),
    )
    a0 = GoodPractice.objects.create(
        station=world.station_a,
        title="三月の事例",
        text="…",
        occurred_on=datetime.date(2025, 3, 31),
        created_by=world.user("station_chief"),
    )
    b = GoodPractice.objects.create(
        station=world.station_b,
        title="泉の事例",
        text="…",
        occurred_on=datetime.date(2025, 5, 1),
        created_by=world.chief_b.user,
    )
    url = reverse("reports:good_practice_list")
    hq = client_for("hq_staff")
    assert {a1.title, a0.title, b.title} <= set(_titles(hq.get(url)))
    assert set(_titles(hq.get(url, {"year": "2025"}))) == {a1.title, b.title}
    assert set(_titles(hq.get(url, {"year": "2024", "station": world.station_a.pk}))) == {a0.title}
    assert set(_titles(client_for("deputy").get(url))) == {a1.title, a0.title}
    assert set(_titles(client_for(world.chief_b.user).get(url))) == {b.title}
    export = hq.get(reverse("reports:good_practice_xlsx"), {"year": "2025"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    from liaison.testing import column_of, export_rows

    assert set(column_of(export_rows(export), "件名")) == {a1.title, b.title}


def _titles(response) -> list[str]:
    return [p.title for p in response.context["page"].object_list]


@pytest.mark.django_db
def test_c11_1_2_a_report_waiting_for_hq_cannot_be_edited(world):
    """C11.1(2): while HQ has not decided, the report stays as sent; once returned it can be corrected."""
    practice = GoodPractice.objects.create(
        station=world.station_a,
        title="事例",
        text="…",
        occurred_on=datetime.date(2025, 6, 1),
        created_by=world.user("deputy"),
    )
    deputy = world.user("deputy")
    submitted = actions.report_submit(kind=routing.GOOD_PRACTICE, obj=practice, acting_user=deputy)
    fields = {"title": "直した事例", "text": "…", "occurred_on": datetime.date(2025, 6, 2)}
    with pytest.raises(ValidationError):
        actions.good_practice_update(practice=practice, **fields, acting_user=deputy)
    actions.report_decide(submission=submitted, approve=False, comment="写真を", acting_user=world.user("hq_admin"))
    actions.good_practice_update(practice=practice, **fields, acting_user=deputy)
    assert GoodPractice.objects.get().title == "直した事例"
