"""Print jobs of any registered document kind (C6.3's batches, then Form 3, the contact list, handouts): a kind made up
here prints, queues, renders in the worker and downloads through the same code as Form 1, with the same checks."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from liaison.audit.models import AuditEntry
from liaison.councils.models import Council
from liaison.lib.downloads import content_disposition
from liaison.org.models import Rank
from liaison.reports import kinds
from liaison.reports.actions import print_job_start
from liaison.reports.kinds import FORM1, DocumentKind
from liaison.reports.models import PrintJob
from liaison.testing import make_officer

from .conftest import poppler

pytestmark = pytest.mark.django_db


def council_cards(chunk, font_config):
    """One page per council saying its name: enough to see which objects were rendered, in which order."""
    from weasyprint import HTML

    from liaison.reports.pdf import mincho_font_face

    pages = "".join(f'<p style="page-break-after: always">協議会カード {c.name}</p>' for c in chunk)
    html = f"<style>{mincho_font_face()} body {{ font-family: IPAexMincho; }}</style>{pages}"
    return HTML(string=html).render(font_config=font_config)


CARDS = DocumentKind(
    code="council_cards",
    noun="協議会カード",
    queryset=lambda: Council.objects.select_related("station").prefetch_related("kobans"),
    render=council_cards,
    audit_action="council_cards.print",
    ids_key="council_ids",
    sync_limit=1,
    chunk_size=2,
)


@pytest.fixture
def cards():
    kinds.register(CARDS)
    yield CARDS
    kinds.unregister(CARDS.code)


def councils(world, *names, koban=None):
    made = []
    for name in names:
        council = Council.objects.create(station=world.station_a, name=name, established_on=datetime.date(2025, 4, 1))
        council.kobans.add(koban or world.koban_a)
        made.append(council)
    return made


def exports(action):
    return AuditEntry.objects.filter(action=action, kind=AuditEntry.Kind.EXPORT, personal_data=True)


def test_c6_3_form1_is_the_first_registered_kind():
    assert kinds.get("form1") is FORM1 and FORM1 in kinds.registered()
    assert (FORM1.noun, FORM1.audit_action, FORM1.ids_key, FORM1.sync_limit) == (
        "委嘱状",
        "form1.print",
        "membership_ids",
        30,
    )
    with pytest.raises(LookupError):
        kinds.get("no_such_kind")


def test_registering_a_kind_again_replaces_it(cards):
    again = DocumentKind(**{**CARDS.__dict__, "noun": "カード"})
    kinds.register(again)
    assert kinds.get("council_cards") is again
    assert [k.code for k in kinds.registered()].count("council_cards") == 1


def test_c6_3_a_small_batch_of_another_kind_downloads_at_once_through_the_download_helper(
    world, client_for, cards, tmp_path
):
    (council,) = councils(world, "一番町交番連絡協議会")
    response = client_for("community_section").post(
        reverse("reports:batch", args=["council_cards"]), {"ids": [council.pk]}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == content_disposition("協議会カード_1件.pdf")
    assert "協議会カード 一番町交番連絡協議会" in poppler("pdftotext", response.content, tmp_path)
    entry = exports("council_cards.print").get()
    assert entry.detail == {"council_ids": [council.pk]} and "協議会カード" in entry.summary
    assert not PrintJob.objects.exists()


def test_x2_another_kind_checks_who_may_print_each_object(world, client_for, cards):
    """X2: the kind's objects are looked up among what the user may see (404 otherwise) and must be printable by
    them (403 for a koban chief on another koban's council); an unknown kind is 404."""
    own, theirs = councils(world, "一番町交番連絡協議会") + councils(world, "作並連絡協議会", koban=world.chuzaisho_a)
    url = reverse("reports:batch", args=["council_cards"])
    assert client_for(world.chief_b.user).post(url, {"ids": [own.pk]}).status_code == 404
    assert client_for("koban_chief").post(url, {"ids": [own.pk, theirs.pk]}).status_code == 403
    assert client_for("koban_chief").post(url, {"ids": [own.pk, 10**30]}).status_code == 404
    unknown = reverse("reports:batch", args=["no_such_kind"])
    assert client_for("koban_chief").post(unknown, {"ids": [own.pk]}).status_code == 404
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.EXPORT).exists()
    assert not PrintJob.objects.exists()


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection when it finishes
def test_c6_3_a_large_batch_of_another_kind_is_a_print_job_rendered_by_the_worker_and_downloaded(
    world, client_for, cards, tmp_path
):
    """C6.3, X2: past the kind's sync limit the batch becomes a job; the worker renders it chunk by chunk in the
    order chosen; the job page names the kind; the download goes through the download helper and is audited."""
    made = councils(world, "一番町北連絡協議会", "一番町南連絡協議会", "一番町東連絡協議会")
    ids = [made[2].pk, made[0].pk, made[1].pk]
    client = client_for("koban_chief")
    response = client.post(reverse("reports:batch", args=["council_cards"]), {"ids": ids})
    job = PrintJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:job", args=[job.pk])
    assert (job.kind, job.object_ids, job.total, job.station) == ("council_cards", ids, 3, world.station_a)
    page = client.get(response["Location"]).content.decode()
    assert "協議会カードの印刷（3件）" in page and '<progress value="0" max="3">' in page

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--nice", "0")
    job.refresh_from_db()
    assert (job.status, job.done) == (PrintJob.Status.DONE, 3), job.error

    download = client.get(reverse("reports:job_download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == content_disposition(f"協議会カード_印刷ジョブ{job.pk}.pdf")
    pdf = b"".join(download.streaming_content)
    text = poppler("pdftotext", pdf, tmp_path).split("\f")
    assert [re.sub(r"\s+", " ", page).strip() for page in text[:3]] == [
        "協議会カード 一番町東連絡協議会",
        "協議会カード 一番町北連絡協議会",
        "協議会カード 一番町南連絡協議会",
    ]
    entry = exports("council_cards.print").get()
    assert entry.detail == {"council_ids": ids, "job_id": job.pk} and entry.object_type == "reports.PrintJob"


def test_x2_a_job_of_another_kind_is_shown_only_to_who_may_print_its_objects(world, client_for, cards):
    theirs = councils(world, "作並連絡協議会", koban=world.chuzaisho_a)
    job = print_job_start(kind=CARDS, objects=theirs, acting_user=world.user("community_section"))
    assert client_for("community_section").get(reverse("reports:job", args=[job.pk])).status_code == 200
    assert client_for("koban_chief").get(reverse("reports:job", args=[job.pk])).status_code == 403
    assert client_for(world.chief_b.user).get(reverse("reports:job", args=[job.pk])).status_code == 404
    other = make_officer("koban_chief", station=world.station_a, koban=world.chuzaisho_a, rank=Rank.KEIBUHO)
    assert client_for(other.user).get(reverse("reports:job", args=[job.pk])).status_code == 200


def test_a_job_whose_kind_is_no_longer_registered_is_not_found(world, client_for, cards):
    job = print_job_start(kind=CARDS, objects=councils(world, "一番町"), acting_user=world.user("community_section"))
    kinds.unregister(CARDS.code)
    assert client_for("community_section").get(reverse("reports:job", args=[job.pk])).status_code == 404
