"""Issue 11: a case-list export longer than ``EXPORT_INLINE_ROWS`` is made by the background worker, running the
same list view as the same user, and downloaded from the job's page by that user only."""

import datetime
import os

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from liaison.audit.models import AuditEntry, ExportJob
from liaison.testing import export_rows

from .test_case_export import LIST, _cases

LIMIT = 5


@pytest.fixture
def limit(settings, tmp_path):
    settings.EXPORT_INLINE_ROWS = LIMIT
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def _run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--nice", "0")


@pytest.mark.django_db
def test_issue11_export_above_the_limit_queues_a_job_and_redirects(world, client_for, limit):
    """Above the limit no file is made in the request: a queued job keeps the list's path and filters (not the
    page), and its page reloads itself until the worker is done; nothing is audited yet."""
    _cases(world, LIMIT + 3)
    client = client_for("community_section")
    response = client.get(LIST, {"format": "csv", "encoding": "cp932", "category": "traffic", "page": "2"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("audit:export_job", args=[job.pk])
    assert (job.path, job.params, job.fmt, job.encoding) == (LIST, [["category", "traffic"]], "csv", "cp932")
    assert (job.total, job.done, job.status) == (LIMIT + 3, 0, ExportJob.Status.QUEUED)
    assert job.user == world.user("community_section") and job.station == world.station_a
    page = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page and f'max="{LIMIT + 3}"' in page
    assert client.get(reverse("audit:export_download", args=[job.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="case.export").exists()


@pytest.mark.django_db
def test_issue11_export_at_the_limit_stays_in_the_request(world, client_for, limit):
    _cases(world, LIMIT)
    response = client_for("community_section").get(LIST, {"format": "xlsx"})
    assert response.status_code == 200 and len(export_rows(response)) == LIMIT + 1
    assert not ExportJob.objects.exists()


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection when it finishes
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_issue11_worker_writes_the_rows_of_the_inline_export_audited_once(world, client_for, limit, fmt):
    """The worker's file has exactly the rows the same export gives in the request; the export's audit entry is
    written once, with the count and the filters, and the download is not audited again."""
    _cases(world, 12, content="交通")
    _cases(world, 3, content="他署", station=world.station_b)
    client = client_for("community_section")
    params = {"format": fmt, "category": "traffic"}
    limit.EXPORT_INLINE_ROWS = 100
    inline = export_rows(client.get(LIST, params))
    assert AuditEntry.objects.filter(action="case.export").count() == 1
    limit.EXPORT_INLINE_ROWS = LIMIT
    response = client.get(LIST, params)
    job = ExportJob.objects.get()
    _run_worker()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    assert (job.done, job.total) == (12, 12) and job.finished_at is not None

    page = client.get(response["Location"]).content.decode()
    download_url = reverse("audit:export_download", args=[job.pk])
    assert download_url in page and 'http-equiv="refresh"' not in page
    download = client.get(download_url)
    assert download.status_code == 200 and download["Content-Disposition"].endswith(f".{fmt}")
    assert export_rows(download) == inline and len(inline) == 13
    entries = AuditEntry.objects.filter(action="case.export").order_by("pk")
    assert entries.count() == 2  # the inline one above, and the worker's
    entry = entries.last()
    assert entry.user == world.user("community_section") and entry.station_id == world.station_a.pk
    assert entry.detail["count"] == 12 and entry.detail["filters"] == {"category": "traffic"}
    assert entry.personal_data == entries.first().personal_data


@pytest.mark.django_db(transaction=True)
def test_issue11_only_the_jobs_own_user_sees_its_page_and_file(world, client_for, limit):
    """X2: the job is its user's alone: the station's chief, HQ and another station get 404 on the page and the
    file."""
    _cases(world, LIMIT + 1)
    client_for("community_section").get(LIST, {"format": "xlsx"})
    job = ExportJob.objects.get()
    _run_worker()
    assert ExportJob.objects.get().status == ExportJob.Status.DONE
    for other in ("station_chief", "koban_chief", "hq_admin", world.chief_b.user):
        for name in ("audit:export_job", "audit:export_download"):
            assert client_for(other).get(reverse(name, args=[job.pk])).status_code == 404, (other, name)
    assert client_for("community_section").get(reverse("audit:export_download", args=[job.pk])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_issue11_a_cp932_failure_marks_the_job_failed_naming_the_character(world, client_for, limit):
    """A character CP932 cannot hold fails the job with the inline export's message (the character, its code, the
    row and the column); no file, no audit entry."""
    _cases(world, LIMIT)
    _cases(world, 1, content="𠮷野家")
    client = client_for("community_section")
    response = client.get(LIST, {"format": "csv", "encoding": "cp932"})
    _run_worker()
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED and job.finished_at is not None and not job.result
    assert "𠮷" in job.error and "U+20BB7" in job.error and "意見・要望の内容" in job.error
    page = client.get(response["Location"]).content.decode()
    assert "U+20BB7" in page and 'http-equiv="refresh"' not in page
    assert client.get(reverse("audit:export_download", args=[job.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="case.export").exists()


@pytest.mark.django_db(transaction=True)
def test_issue11_a_user_who_lost_the_list_fails_the_job(world, client_for, limit):
    """The worker runs the view with its access rule: a user whose role no longer reads the list gets no file."""
    _cases(world, LIMIT + 1)
    client_for("community_section").get(LIST, {"format": "xlsx"})
    officer = world.officers["community_section"]
    officer.active = False
    officer.save()
    _run_worker()
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED and "権限" in job.error and not job.result


@pytest.mark.django_db
def test_issue11_files_finished_over_a_day_ago_go_when_a_job_starts(world, client_for, limit):
    """A finished export's file is kept a day for its user, then deleted (with its job) when the next job starts."""
    from django.core.files.base import ContentFile

    user = world.user("community_section")
    old, recent = (
        ExportJob.objects.create(user=user, title="一覧", path=LIST, fmt="csv", status=ExportJob.Status.DONE)
        for _ in range(2)
    )
    for job, age in ((old, 25), (recent, 23)):
        job.result.save("x.csv", ContentFile(b"a"), save=False)
        job.finished_at = timezone.now() - datetime.timedelta(hours=age)
        job.save()
    old_path = old.result.path
    _cases(world, LIMIT + 1)
    client_for("community_section").get(LIST, {"format": "csv"})
    assert set(ExportJob.objects.values_list("pk", flat=True)) - {recent.pk} == {ExportJob.objects.latest("pk").pk}
    assert not ExportJob.objects.filter(pk=old.pk).exists()
    assert not os.path.exists(old_path) and os.path.exists(ExportJob.objects.get(pk=recent.pk).result.path)
