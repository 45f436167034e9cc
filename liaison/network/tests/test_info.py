"""Safety information (N3.1エ) and its distribution to contact persons (N3.2, N4.2): publishing, passing on, the
list, the access rules, printed handouts and hand-overs, and the optional note about sharing with residents."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.lib.dates import today_tokyo
from liaison.network.actions import info as actions
from liaison.network.models import ContactPerson, Delivery, Distribution, Exchange, SafetyInfo, SafetyInfoAttachment

from .info_helpers import Consent, contact, item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run_worker_once():
    """Run the queued background tasks as the worker would, in this test's connection (see the councils' stored
    findings tests: the real worker closes its connection, which would end the test's transaction on PostgreSQL)."""
    from django_tasks_db.models import DBTaskResult

    queued = list(DBTaskResult.objects.ready())
    assert queued, "nothing was queued for the worker"
    for result in queued:
        result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        DBTaskResult.objects.filter(pk=result.pk).delete()


def _form(client, url):
    """The page's form token, so a post is a real first submission."""
    page = client.get(url)
    assert page.status_code == 200
    match = re.search(r'name="form_token" value="([^"]+)"', page.content.decode())
    return match.group(1) if match else ""


# --- publishing (N3.1エ) ---------------------------------------------------------------------------------------------


def test_n3_1e_hq_publishes_to_chosen_stations_and_kobans(world, client_for):
    """N3.1エ: an HQ division publishes to a chosen station and a koban of another; both stations read it, the
    publisher is the officer's HQ division."""
    client = client_for("hq_admin")
    url = reverse("network:info_create")
    token = _form(client, url)
    response = client.post(
        url,
        {
            "form_token": token,
            "title": "特殊詐欺注意",
            "body": "還付金詐欺の電話が多発しています。",
            "area": "県内全域",
            "published_on": "2026-11-01",
            "valid_until": "2026-12-31",
            "stations": [world.station_a.pk],
            "kobans": [world.koban_b.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    published = SafetyInfo.objects.get(title="特殊詐欺注意")
    assert published.publisher_station_id is None
    assert published.publisher_division_id == world.officers["hq_admin"].hq_division_id
    assert {(t.station_id, t.koban_id) for t in published.targets.all()} == {
        (world.station_a.pk, None),
        (world.station_b.pk, world.koban_b.pk),
    }
    for user in (world.user("koban_staff"), world.chief_b.user):
        assert client_for(user).get(reverse("network:info_detail", args=[published.pk])).status_code == 200


def test_n3_1e_hq_publishes_to_all_stations(world, client_for):
    """N3.1エ: 「全警察署」 targets every active station."""
    client = client_for("hq_staff")
    url = reverse("network:info_create")
    if world.officers["hq_staff"].hq_division_id is None:
        world.officers["hq_staff"].hq_division = world.officers["hq_admin"].hq_division
        world.officers["hq_staff"].save()
    token = _form(client, url)
    client.post(
        url,
        {"form_token": token, "title": "全署へ", "body": "本文", "published_on": "2026-11-01", "all_stations": "on"},
    )
    published = SafetyInfo.objects.get(title="全署へ")
    assert {t.station_id for t in published.targets.all()} == {world.station_a.pk, world.station_b.pk}


def test_n3_1e_a_station_publishes_to_itself_or_its_own_kobans_only(world, client_for):
    """N3.1エ: a station publishes to itself as a whole or to chosen kobans of its own; another station's koban is
    not a choice."""
    client = client_for("community_section")
    url = reverse("network:info_create")
    token = _form(client, url)
    refused = client.post(
        url,
        {
            "form_token": token,
            "title": "他署へ",
            "body": "本文",
            "published_on": "2026-11-01",
            "kobans": [world.koban_b.pk],
        },
    )
    assert refused.status_code == 200 and not SafetyInfo.objects.filter(title="他署へ").exists()
    response = client.post(
        url,
        {
            "form_token": token,
            "title": "交番へ",
            "body": "本文",
            "published_on": "2026-11-01",
            "kobans": [world.koban_a.pk],
        },
    )
    assert response.status_code == 302
    published = SafetyInfo.objects.get(title="交番へ")
    assert published.publisher_station_id == world.station_a.pk
    assert [(t.station_id, t.koban_id) for t in published.targets.all()] == [(world.station_a.pk, world.koban_a.pk)]
    with pytest.raises(Exception):  # noqa: B017 - a ValidationError: the action refuses it too
        actions.info_publish(
            values={"title": "x", "body": "y", "published_on": datetime.date(2026, 11, 1)},
            stations=[world.station_b],
            acting_user=world.user("community_section"),
        )


def test_n3_1e_valid_until_is_not_before_published_on(world, client_for):
    """N3.1エ: the end of an item's validity cannot come before the day it is published; what was typed is kept."""
    client = client_for("community_section")
    url = reverse("network:info_create")
    token = _form(client, url)
    response = client.post(
        url,
        {
            "form_token": token,
            "title": "期限の誤り",
            "body": "本文",
            "published_on": "2026-11-10",
            "valid_until": "2026-11-09",
            "all_stations": "on",
        },
    )
    assert response.status_code == 200
    assert "掲載期限は発信日以降の日付にしてください。" in response.content.decode()
    assert "期限の誤り" in response.content.decode()
    assert not SafetyInfo.objects.filter(title="期限の誤り").exists()


def test_n3_1e_attachments_are_stored_under_another_name_and_sent_only_through_the_access_check(world, client_for):
    """N3.1エ: an attachment keeps its shown name, is stored under a random one, is downloaded through a view that
    checks the item is visible (another station gets 404), and a file of a kind the office does not take is refused."""
    client = client_for("community_section")
    url = reverse("network:info_create")
    token = _form(client, url)
    refused = client.post(
        url,
        {
            "form_token": token,
            "title": "添付",
            "body": "本文",
            "published_on": "2026-11-01",
            "all_stations": "on",
            "uploads": [SimpleUploadedFile("script.exe", b"MZ")],
        },
    )
    assert refused.status_code == 200 and "添付できない種類" in refused.content.decode()
    response = client.post(
        url,
        {
            "form_token": token,
            "title": "添付",
            "body": "本文",
            "published_on": "2026-11-01",
            "all_stations": "on",
            "uploads": [SimpleUploadedFile("注意チラシ.pdf", b"%PDF-1.4 leaflet", content_type="application/pdf")],
        },
    )
    assert response.status_code == 302
    attachment = SafetyInfoAttachment.objects.get()
    assert attachment.name == "注意チラシ.pdf"
    assert "注意チラシ" not in attachment.file.name and attachment.file.name.endswith(".pdf")
    download = reverse("network:info_attachment", args=[attachment.pk])
    detail = client_for("koban_staff").get(reverse("network:info_detail", args=[attachment.item_id])).content.decode()
    assert download in detail and attachment.file.name not in detail
    got = client_for("koban_staff").get(download)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 leaflet"
    assert "filename*=UTF-8''" in got["Content-Disposition"]
    assert client_for(world.chief_b.user).get(download).status_code == 404


def test_n3_1e_a_station_never_changes_an_hq_item(world, client_for):
    """N3.1エ: HQ's items have no station, which ``can_change`` would let through: the publisher is checked, so a
    station's publisher gets 403 on an HQ item and the action refuses it; HQ cannot change a station's item either."""
    hq_item = item(world, hq=True, to=[world.station_a])
    own = item(world, title="自署の情報")
    client = client_for("community_section")
    assert client.get(reverse("network:info_edit", args=[hq_item.pk])).status_code == 403
    assert client.post(reverse("network:info_edit", args=[hq_item.pk]), {"title": "改変"}).status_code == 403
    with pytest.raises(PermissionDenied):
        actions.info_update(
            item=hq_item,
            values={"title": "改変", "body": "x", "published_on": hq_item.published_on},
            version=hq_item.version,
            acting_user=world.user("community_section"),
        )
    assert client_for("hq_admin").get(reverse("network:info_edit", args=[own.pk])).status_code == 403
    assert client_for("hq_admin").get(reverse("network:info_edit", args=[hq_item.pk])).status_code == 200
    hq_item.refresh_from_db()
    assert hq_item.title != "改変"


def test_n3_1e_an_edit_from_a_stale_screen_shows_the_conflict(world, client_for):
    """N3.1エ: two publishers editing the same item: the second save gets the conflict screen, nothing is lost."""
    own = item(world)
    client = client_for("community_section")
    url = reverse("network:info_edit", args=[own.pk])
    values = {"title": "一人目", "body": own.body, "published_on": "2026-11-01", "version": str(own.version)}
    assert client.post(url, values).status_code == 302
    second = client_for("deputy").post(url, {**values, "title": "二人目"})
    assert second.status_code == 200
    assert "他の人がこの記録を保存しました" in second.content.decode()
    own.refresh_from_db()
    assert own.title == "一人目"


def test_n3_1e_a_station_passes_an_hq_item_on_to_its_kobans_in_one_step(world, client_for):
    """N3.1エ: a station that received an HQ item passes it on to chosen kobans of its own: one new item pointing to
    the original, published to those kobans; the original's attachments are read through it."""
    from django.core.files.base import ContentFile

    hq_item = item(world, hq=True, to=[world.station_a])
    attachment = SafetyInfoAttachment(item=hq_item, name="資料.txt", uploaded_by=world.user("hq_admin"))
    attachment.file.save("x.txt", ContentFile("資料".encode()), save=True)
    client = client_for("community_section")
    url = reverse("network:info_pass_on", args=[hq_item.pk])
    assert client.post(url, {"kobans": [world.koban_b.pk]}).status_code == 200  # not a koban of station A
    response = client.post(url, {"kobans": [world.koban_a.pk, world.chuzaisho_a.pk]})
    assert response.status_code == 302
    copy = SafetyInfo.objects.get(passed_on_from=hq_item)
    assert copy.publisher_station_id == world.station_a.pk and copy.title == hq_item.title
    assert {(t.station_id, t.koban_id) for t in copy.targets.all()} == {
        (world.station_a.pk, world.koban_a.pk),
        (world.station_a.pk, world.chuzaisho_a.pk),
    }
    page = client_for("koban_staff").get(reverse("network:info_detail", args=[copy.pk])).content.decode()
    assert reverse("network:info_attachment", args=[attachment.pk]) in page
    # Station B did not receive the HQ item: nothing to pass on.
    assert client_for(world.chief_b.user).get(url).status_code == 404


# --- the list ----------------------------------------------------------------------------------------------------


def test_n3_1e_list_shows_current_items_first_and_another_stations_own_item_is_404(world, client_for):
    """N3.1エ: the list holds what the user may read, current items (no end or not yet passed) first; station B's
    item published only to station B is a 404 for station A, and absent from its list."""
    today = today_tokyo()
    expired = item(
        world,
        title="期限切れ",
        published_on=today - datetime.timedelta(days=30),
        valid_until=today - datetime.timedelta(days=1),
    )
    current = item(world, title="有効", published_on=today - datetime.timedelta(days=60), valid_until=today)
    open_ended = item(world, title="期限なし", published_on=today - datetime.timedelta(days=90))
    other = item(world, station=world.station_b, title="泉署だけ")
    page = client_for("koban_staff").get(reverse("network:info_list"))
    titles = [i.title for i in page.context["page"].object_list]
    assert titles == ["有効", "期限なし", "期限切れ"]
    assert client_for("koban_staff").get(reverse("network:info_detail", args=[other.pk])).status_code == 404
    assert {expired.pk, current.pk, open_ended.pk} <= {
        i.pk for i in client_for("hq_staff").get(reverse("network:info_list")).context["page"].object_list
    }


def test_n3_1e_list_pages_in_the_database_with_a_constant_number_of_queries(world, client_for):
    """N3.1エ: the list runs the same number of queries with 1 item and with 40 (and pages them)."""
    client = client_for("community_section")
    item(world, title="一件目")
    client.get(reverse("network:info_list"))  # the first request of a session also reads what it caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("network:info_list")).status_code == 200
    for n in range(39):
        item(world, hq=bool(n % 2), to=[world.station_a], title=f"情報{n}")
    with CaptureQueriesContext(connection) as forty:
        response = client.get(reverse("network:info_list"))
    assert len(response.context["page"].object_list) == 40
    assert len(forty) == len(one), [q["sql"] for q in forty.captured_queries]


# --- distribution (N3.2, N4.2) -------------------------------------------------------------------------------------


def _everyone(world):
    """One contact person of station A in every consent state, and a consenting one at the other koban."""
    people = {
        state: contact(
            world, f"連絡{i}", f"レンラク{'アイウエオ'[i]}", state, koban=world.koban_a, email=f"c{i}@example.jp"
        )
        for i, state in enumerate(Consent)
    }
    people["other_koban"] = contact(
        world, "作並", "サクナミ", Consent.CONSENTED, koban=world.chuzaisho_a, email="s@example.jp"
    )
    return people


def test_n4_2_only_consenting_contact_persons_receive_information(world, client_for):
    """N4.2, N3.2: candidates, those asked, those who declined and those who withdrew never receive an item nor are
    listed for it; the koban filter narrows the list."""
    people = _everyone(world)
    own = item(world)
    client = client_for("community_section")
    url = reverse("network:info_distribute", args=[own.pk])
    listed = {r["contact"].pk for r in client.get(url).context["recipients"]}
    assert listed == {people[Consent.CONSENTED].pk, people["other_koban"].pk}
    by_koban = {r["contact"].pk for r in client.get(url, {"koban": world.chuzaisho_a.pk}).context["recipients"]}
    assert by_koban == {people["other_koban"].pk}
    token = _form(client, url)
    response = client.post(url, {"form_token": token, "method": "handover", "handed_on": "2026-11-20"})
    assert response.status_code == 302
    distribution = Distribution.objects.get()
    deliveries = list(distribution.deliveries.all())
    assert {d.contact_id for d in deliveries} == listed
    assert all(
        d.status == Delivery.Status.HANDED and d.done_at.date() == datetime.date(2026, 11, 20) for d in deliveries
    )
    # N3.1ア: handing the item over was meeting them: one exchange of the officer, with the item as its material.
    exchange = Exchange.objects.get()
    assert (exchange.on, exchange.officer) == (datetime.date(2026, 11, 20), world.officers["community_section"])
    assert {c.pk for c in exchange.contacts.all()} == listed
    assert [(m.kind, m.item_id) for m in exchange.materials.all()] == [("safety_info", own.pk)]
    assert ContactPerson.objects.get(pk=people[Consent.CONSENTED].pk).last_exchange_on == datetime.date(2026, 11, 20)
    with pytest.raises(Exception):  # noqa: B017 - the action refuses a declined person whatever the screen sent
        actions.distribution_create(
            item=own,
            station=world.station_a,
            method="handover",
            contacts=[people[Consent.DECLINED]],
            acting_user=world.user("community_section"),
        )


def test_n3_2_a_koban_chief_distributes_to_their_own_kobans_contact_persons_only(world, client_for):
    """N3.2: a koban chief is offered, and gives to, the contact persons of their own koban only."""
    people = _everyone(world)
    own = item(world)
    client = client_for("koban_chief")
    url = reverse("network:info_distribute", args=[own.pk])
    assert {r["contact"].pk for r in client.get(url).context["recipients"]} == {people[Consent.CONSENTED].pk}
    client.post(url, {"form_token": _form(client, url), "method": "print"})
    assert [d.contact_id for d in Delivery.objects.all()] == [people[Consent.CONSENTED].pk]


def test_n3_2_a_distribution_is_audited_without_the_addresses(world, client_for):
    """N3.2: who distributed what, how and to how many is audited; the addresses are not in the audit log."""
    _everyone(world)
    own = item(world)
    client = client_for("community_section")
    url = reverse("network:info_distribute", args=[own.pk])
    client.post(url, {"form_token": _form(client, url), "method": "email"})
    entry = AuditEntry.objects.get(action="safety_info.distribute")
    assert entry.user == world.user("community_section") and entry.detail["recipients"] == 2
    assert "@" not in entry.summary and "@" not in str(entry.detail)


def _poppler(tool, pdf, tmp_path, *args):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    cmd = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def test_n3_2_printed_handouts_are_a_background_job_one_a4_page_each_with_the_font_embedded(
    world, client_for, tmp_path
):
    """N3.2: a print distribution's handouts are made by the print job (progress page), one A4 page per recipient
    with their name and the item, a Japanese font embedded; the deliveries are then marked PRINTED."""
    people = _everyone(world)
    own = item(world)
    client = client_for("community_section")
    url = reverse("network:info_distribute", args=[own.pk])
    response = client.post(url, {"form_token": _form(client, url), "method": "print"})
    distribution = Distribution.objects.get()
    page = client.get(response["Location"])
    ids = page.context["printable"]
    assert len(ids) == 2 and reverse("reports:batch", args=["handout"]) in page.content.decode()
    queued = client.post(reverse("reports:batch", args=["handout"]), {"ids": ids})
    assert queued.status_code == 302 and "/jobs/" in queued["Location"]
    assert client.get(queued["Location"]).status_code == 200  # the progress page
    assert set(distribution.deliveries.values_list("status", flat=True)) == {Delivery.Status.QUEUED}
    run_worker_once()
    assert set(distribution.deliveries.values_list("status", flat=True)) == {Delivery.Status.PRINTED}
    from liaison.reports.models import PrintJob

    job = PrintJob.objects.get()
    pdf = client.get(reverse("reports:job_download", args=[job.pk]))
    content = b"".join(pdf.streaming_content)
    info = _poppler("pdfinfo", content, tmp_path)
    assert re.search(r"Pages:\s+2\b", info) and "595" in info
    assert re.search(r"IPAex\w*.*\byes\b", _poppler("pdffonts", content, tmp_path))
    text = _poppler("pdftotext", content, tmp_path).replace(" ", "")
    pages = text.split("\f")
    names = [people[Consent.CONSENTED].person.full_name, people["other_koban"].person.full_name]
    assert all(any(n.replace(" ", "") in p for p in pages) for n in names)
    assert own.title in text


def test_n3_2_a_koban_chief_cannot_print_another_kobans_handouts(world, client_for):
    """N3.2: the handout print checks each delivery's koban for a koban chief."""
    _everyone(world)
    own = item(world)
    client = client_for("community_section")
    url = reverse("network:info_distribute", args=[own.pk])
    client.post(url, {"form_token": _form(client, url), "method": "print"})
    ids = list(Delivery.objects.values_list("pk", flat=True))
    assert client_for("koban_chief").post(reverse("reports:batch", args=["handout"]), {"ids": ids}).status_code == 403


def test_n3_2_sharing_with_residents_is_recorded_only_when_said_and_never_flagged(world, client_for):
    """N3.2: whether a contact person passed an item on to residents is theirs to decide: it may be recorded when
    they say so, and a delivery without it is never listed, flagged or counted as missing anywhere."""
    from liaison.findings.models import Finding, Subject

    people = _everyone(world)
    own = item(world)
    client = client_for("community_section")
    url = reverse("network:info_distribute", args=[own.pk])
    client.post(url, {"form_token": _form(client, url), "method": "handover"})
    distribution = Distribution.objects.get()
    said = distribution.deliveries.get(contact=people[Consent.CONSENTED])
    silent = distribution.deliveries.get(contact=people["other_koban"])
    response = client.post(reverse("network:delivery_shared", args=[said.pk]), {"shared": "yes", "note": "回覧板で"})
    assert response.status_code == 302
    said.refresh_from_db()
    assert said.shared_with_residents is True and said.shared_note == "回覧板で"
    silent.refresh_from_db()
    assert silent.shared_with_residents is None
    # Nothing asks for it: no stored finding, no warning on the page, nothing on anyone's home page.
    assert not Finding.objects.filter(requirement__startswith="N3").exists()
    assert not Subject.objects.filter(source__icontains="deliver").exists()
    page = client.get(reverse("network:distribution_detail", args=[distribution.pk])).content.decode()
    row = page[page.index(f'id="delivery-{silent.pk}"') :].split("</tr>")[0]
    assert "未" not in row.replace("送信待ち", "") and 'class="error"' not in row
    for role in ("community_section", "koban_chief", "station_chief"):
        home = client_for(role).get(reverse("home")).content.decode()
        assert "住民への発信" not in home and own.title not in home


def test_n3_2_a_koban_chief_records_sharing_only_for_their_own_koban(world, client_for):
    """N3.2: the note is a change of the delivery, so a koban chief records it for their own koban's people only."""
    people = _everyone(world)
    own = item(world)
    client = client_for("community_section")
    url = reverse("network:info_distribute", args=[own.pk])
    client.post(url, {"form_token": _form(client, url), "method": "handover"})
    other = Delivery.objects.get(contact=people["other_koban"])
    answer = client_for("koban_chief").post(reverse("network:delivery_shared", args=[other.pk]), {"shared": "yes"})
    assert answer.status_code == 403


def test_n3_1e_an_attachment_over_the_size_limit_is_refused(world, client_for, monkeypatch):
    """N3.1エ: a file over the size limit is refused with a clear message; nothing is published."""
    from liaison.lib import attachments

    monkeypatch.setattr(attachments, "MAX_BYTES", 10)
    client = client_for("community_section")
    url = reverse("network:info_create")
    response = client.post(
        url,
        {
            "form_token": _form(client, url),
            "title": "大きな添付",
            "body": "本文",
            "published_on": "2026-11-01",
            "all_stations": "on",
            "uploads": [SimpleUploadedFile("写真.jpg", b"x" * 11, content_type="image/jpeg")],
        },
    )
    assert response.status_code == 200 and "大きすぎます" in response.content.decode()
    assert not SafetyInfo.objects.filter(title="大きな添付").exists()


def test_n3_2_resend_queues_only_the_failed_mails_a_koban_chief_may_send(world, client_for):
    """N3.2: "resend" puts back only FAILED deliveries (never sent ones), and a koban chief's only those of their own
    koban's contact persons."""
    from django_tasks_db.models import DBTaskResult

    people = _everyone(world)
    sent = contact(world, "送信", "ソウシン", koban=world.koban_a, email="sent@example.jp")
    distribution = actions.distribution_create(
        item=item(world),
        station=world.station_a,
        method="email",
        contacts=[people[Consent.CONSENTED], people["other_koban"], sent],
        acting_user=world.user("community_section"),
    )
    DBTaskResult.objects.all().delete()
    distribution.deliveries.exclude(contact=sent).update(status=Delivery.Status.FAILED, last_error="550 refused")
    distribution.deliveries.filter(contact=sent).update(status=Delivery.Status.SENT)
    response = client_for("koban_chief").post(reverse("network:distribution_resend", args=[distribution.pk]))
    assert response.status_code == 302
    statuses = {d.contact_id: d.status for d in distribution.deliveries.all()}
    assert statuses == {
        people[Consent.CONSENTED].pk: Delivery.Status.QUEUED,
        people["other_koban"].pk: Delivery.Status.FAILED,
        sent.pk: Delivery.Status.SENT,
    }
    assert DBTaskResult.objects.count() == 1
