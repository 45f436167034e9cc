"""Background list exports (django-tasks, database backend): the list view run again as its user (issue 11)."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django_tasks import task

from .models import ExportJob

FAILED = "一覧を出力できませんでした。"
NOT_EXPORTED = "一覧を出力できませんでした。条件を確かめて、一覧の画面からもう一度出力してください。"
NOT_ALLOWED = "この一覧を出力する権限がなくなったため、出力できませんでした。"


class _Discarded(list):
    """Messages a view adds while the worker runs it: nobody sees that page, so they are only kept here."""

    def add(self, level, message, extra_tags=""):
        self.append(str(message))


def list_request(job: ExportJob) -> HttpRequest:
    """The GET request of the list as its user made it, with what the middleware gives the views (user, language,
    session, messages, htmx) and ``export_job``, which tells ``export_list`` to write into the job."""
    from django_htmx.middleware import HtmxDetails

    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.path
    query = QueryDict(mutable=True)
    for key, value in job.params:
        query.appendlist(key, value)
    query["format"] = job.fmt
    if job.encoding == "cp932":
        query["encoding"] = "cp932"
    query._mutable = False
    request.GET = query
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "QUERY_STRING": query.urlencode()}
    request.user = job.user
    request.LANGUAGE_CODE = settings.LANGUAGE_CODE
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request._messages = _Discarded()
    request.htmx = HtmxDetails(request)
    request.export_job = job
    return request


def fail(job: ExportJob, message: str) -> None:
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.FAILED, error=message[:2000], finished_at=timezone.now()
    )


@task()
def run_export_job(job_id: int) -> None:
    """Run the job's list view as the job's user, so access, filters and columns are the list's own; the view's
    ``export_list`` writes the file into the job, marks it done and writes the audit entry."""
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.is_finished:
        return
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, done=0)
    request = list_request(job)
    try:
        match = resolve(job.path)
        request.resolver_match = match
        with translation.override(settings.LANGUAGE_CODE):
            match.func(request, *match.args, **match.kwargs)
    except (PermissionDenied, Http404, Resolver404):
        fail(job, NOT_ALLOWED)
        return
    except Exception:
        fail(job, FAILED)
        raise
    job.refresh_from_db(fields=["status"])
    if not job.is_finished:  # the view showed its screen (a filter it could not read) instead of exporting
        fail(job, " ".join([NOT_EXPORTED, *request._messages]))
