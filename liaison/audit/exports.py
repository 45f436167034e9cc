"""A list screen's export, view side: ``?format=xlsx`` or ``?format=csv`` (``&encoding=cp932``) on the list's own URL
exports what the list shows, with its filters, every page of it.

The list view reads its filters and its queryset as for the screen, then::

    if wants_export(request):
        return export_list(request, table, rows, action="people.list_export")

``export_list`` writes the file (:mod:`liaison.lib.exports`), the audit entry (who, which list, the filters, the
row count; one of personal data when a personal column is in it) and returns the streamed download. A character
that CP932 cannot hold brings the list back with a message naming it, and no file.

A list longer than ``settings.EXPORT_INLINE_ROWS`` would take longer than a request may (300,000 cases to Excel take
minutes; the server ends a request after 60 s), so it is not written in the request: ``export_list`` queues an
:class:`~liaison.audit.models.ExportJob` and sends the user to its page. The worker (``tasks.run_export_job``) runs
the same list view as the same user with the same parameters, and ``export_list``, seeing ``request.export_job``,
writes the file into the job with its progress, and the same audit entry.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from liaison.access.policy import has_perm, officer_of
from liaison.lib.dates import today_tokyo
from liaison.lib.downloads import download_response
from liaison.lib.exports import CHUNK, FORMATS, Table, Unencodable, row_count, write_file

from . import actions
from .log import record, record_export
from .models import AuditEntry, ExportJob

# Parameters that choose the file, not the rows: never part of the filters.
NOT_FILTERS = ("format", "encoding", "page")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


def wants_export(request) -> bool:
    """True when the list is asked for as a file (``?format=xlsx`` or ``?format=csv``)."""
    return request.GET.get("format") in FORMATS


def list_filters(request) -> dict[str, str]:
    """The filters of the list as the query string gives them (what the audit entry keeps)."""
    return {k: request.GET.get(k, "") for k in request.GET if k not in NOT_FILTERS and request.GET.get(k, "")}


def export_list(
    request,
    table: Table,
    rows,
    *,
    action: str,
    station=None,
    obj=None,
    perm=None,
    fmt: str | None = None,
    back: str | None = None,
) -> HttpResponse:
    """The list as a file in the format asked (default ``fmt``), audited; ``perm`` is needed beyond the list's own;
    ``back`` is the list's URL when the export has one of its own (a CP932 error returns there).

    ``rows`` is the list's queryset (read in chunks here) or any iterable of row objects; ``station`` (whose chief
    sees the entry) defaults to ``obj``'s or else the exporting officer's; ``obj`` is what the list is of, when it is one record's
    (a council's activities)."""
    if perm is not None and not has_perm(request.user, perm):
        raise PermissionDenied
    if station is None and obj is None:  # the entry goes to the exporting officer's station, so its chief sees it
        officer = officer_of(request.user)
        station = officer.station_id if officer is not None else None
    fmt = request.GET.get("format") if request.GET.get("format") in FORMATS else (fmt or "xlsx")
    encoding = "cp932" if fmt == "csv" and request.GET.get("encoding", "").lower() == "cp932" else "utf-8-sig"
    job: ExportJob | None = getattr(request, "export_job", None)
    if job is None:
        total = row_count(rows)
        if total is not None and total > settings.EXPORT_INLINE_ROWS:
            officer = officer_of(request.user)
            job = actions.export_job_start(
                user=request.user,
                station_id=officer.station_id if officer is not None else None,
                title=table.title,
                path=request.path,
                params=[(k, v) for k, values in request.GET.lists() for v in values if k not in NOT_FILTERS],
                fmt=fmt,
                encoding=encoding,
                total=total,
            )
            return HttpResponseRedirect(reverse("audit:export_job", args=[job.pk]))
    if isinstance(rows, QuerySet):
        rows = rows.iterator(chunk_size=CHUNK)
    progress = None
    if job is not None:

        def progress(count: int) -> None:  # one short UPDATE per chunk, committed at once, for the job's page
            ExportJob.objects.filter(pk=job.pk).update(done=count)

    try:
        file, count = write_file(table, rows, fmt, encoding, progress=progress)
    except Unencodable as exc:
        if job is not None:
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportJob.Status.FAILED, error=str(exc), finished_at=timezone.now()
            )
            return HttpResponse(status=204)
        messages.error(request, str(exc))
        query = request.GET.copy()
        for key in NOT_FILTERS:
            query.pop(key, None)
        return HttpResponseRedirect((back or request.path) + (f"?{query.urlencode()}" if query else ""))
    summary = f"{table.title}を{'Excel' if fmt == 'xlsx' else 'CSV'}で出力しました（{count}{table.unit}）"
    detail = {
        "list": table.title,
        "format": fmt if fmt == "xlsx" else f"csv ({encoding})",
        "filters": list_filters(request),
        "count": count,
        "columns": [str(title) for title in table.headers],
    }
    if table.personal:
        record_export(user=request.user, action=action, summary=summary, obj=obj, station=station, detail=detail)
    else:
        record(
            user=request.user,
            kind=AuditEntry.Kind.EXPORT,
            action=action,
            summary=summary,
            obj=obj,
            station=station,
            detail=detail,
        )
    name = f"{table.title}_{today_tokyo().isoformat()}.{fmt}"
    if job is not None:
        with file:
            job.result.save(name, File(file, name=name), save=False)
        job.file_name, job.done, job.total, job.status = name, count, count, ExportJob.Status.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["result", "file_name", "done", "total", "status", "finished_at"])
        return HttpResponse(status=204)
    return download_response(file, name, content_type_of(fmt, encoding))


def content_type_of(fmt: str, encoding: str) -> str:
    """The Content-Type of an export (CSV says its encoding, so the browser reads the Japanese right)."""
    return CONTENT_TYPES[fmt] + (
        "; charset=Shift_JIS" if encoding == "cp932" else "; charset=utf-8" if fmt == "csv" else ""
    )
