"""Large files are checked and committed by the background worker (django-tasks, database backend), so the request
that receives them returns at once and a page shows the progress."""

from django.core.exceptions import ValidationError
from django.db.models import F
from django_tasks import task

from liaison.lib import once

from . import actions
from .models import ImportRun


@task()
def check_import(run_id: int) -> None:
    """The dry run of an uploaded file (``actions.import_run_check``), recording progress as it goes."""
    run = ImportRun.objects.select_related("station", "created_by").get(pk=run_id)
    if run.status not in (ImportRun.Status.QUEUED, ImportRun.Status.CHECKING):
        return
    try:
        actions.import_run_check(run=run, acting_user=run.created_by, background=True)
    except Exception as exc:
        ImportRun.objects.filter(pk=run_id).update(status=ImportRun.Status.FAILED, failure=str(exc)[:2000])
        raise


@task()
def commit_import(run_id: int, user_id: int, form_token: str | None) -> None:
    """The commit of a checked file (``actions.import_run_commit``); refused rows are stored on the run."""
    run = ImportRun.objects.select_related("station", "created_by").get(pk=run_id)
    if run.status != ImportRun.Status.COMMITTING:
        return
    user = run.created_by if run.created_by_id == user_id else None
    if user is None:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(pk=user_id)
    try:
        actions.import_run_commit(run=run, acting_user=user, form_token=form_token)
    except (actions.RowsRefused, ValidationError, once.AlreadySaved):
        ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.COMMITTING).update(
            status=ImportRun.Status.CHECKED, error_count=F("error_count")
        )
    except Exception as exc:
        ImportRun.objects.filter(pk=run_id).update(status=ImportRun.Status.CHECKED, failure=str(exc)[:2000])
        raise
