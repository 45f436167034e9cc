"""Issue 11: a large file is checked and committed by the background worker, with a progress page that refreshes
itself (no JavaScript needed)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from liaison.councils.models import Membership
from liaison.imports import actions
from liaison.imports.models import ImportRun

from .conftest import MEMBER_HEADER, csv_bytes, last_run, member_rows, upload


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--nice", "0")


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection when it finishes
def test_a_large_file_is_checked_and_committed_by_the_worker_with_a_progress_page(
    world, council, client_for, monkeypatch
):
    """Issue 11: past the threshold the upload returns at once to a progress page (meta refresh, a progress bar);
    the worker checks the file, the commit is queued too and shows 「書き込み中」 until the worker has written it."""
    monkeypatch.setattr(actions, "BACKGROUND_ROWS", 3)
    monkeypatch.setattr(actions, "PROGRESS_EVERY", 2)
    client = client_for("community_section")
    response = upload(client, "members", "m.csv", csv_bytes(MEMBER_HEADER, member_rows()))
    run = last_run()
    assert response["Location"] == reverse("imports:detail", args=[run.pk])
    assert run.status == ImportRun.Status.QUEUED and run.task_id
    page = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page and '<progress value="0" max="10">' in page
    # the preview waits for the check
    assert client.get(reverse("imports:preview", args=[run.pk]))["Location"] == response["Location"]

    run_worker()
    run.refresh_from_db()
    assert (run.status, run.checked_rows, run.error_count) == (ImportRun.Status.CHECKED, 10, 0)
    preview = client.get(reverse("imports:preview", args=[run.pk])).content.decode()
    token = preview.split('name="form_token" value="')[1].split('"')[0]
    committed = client.post(reverse("imports:commit", args=[run.pk]), {"form_token": token})
    assert committed["Location"] == reverse("imports:detail", args=[run.pk])
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTING and not Membership.objects.exists()
    assert "書き込み中です" in client.get(committed["Location"]).content.decode()

    run_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.counts == {"created": 10, "appointed": 10}
    assert Membership.objects.count() == 10
    page = client.get(committed["Location"]).content.decode()
    assert "refresh" not in page and "10行を取り込みました。" in page
