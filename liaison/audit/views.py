from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from liaison.access.permissions import Perm
from liaison.access.policy import get_visible_or_404, has_perm, logged_in, require_any, sees_all_stations, visible_to
from liaison.lib.dates import parse_date_input
from liaison.lib.downloads import download_response
from liaison.lib.exports import Column, Table
from liaison.lib.ids import parse_id
from liaison.lib.text import search_text

from .exports import content_type_of, export_list, wants_export
from .models import AuditEntry, ExportJob

# The entries as the screen shows them; who did what is staff data, not a civilian's (an export of it is audited too).
AUDIT_TABLE = Table(
    "監査記録",
    [
        Column("日時", 20, lambda e: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S")),
        Column("操作者", 20, lambda e: e.user_label),
        Column("区分", 10, lambda e: e.get_kind_display()),
        Column("個人情報", 8, lambda e: "個人情報" if e.personal_data else ""),
        Column("内容", 60, lambda e: e.summary),
        Column("対象", 30, lambda e: e.object_label),
        Column("警察署", 14, lambda e: e.station.name if e.station_id else ""),
        Column("接続元", 16, lambda e: e.ip_address or ""),
    ],
)


@require_any(Perm.VIEW_AUDIT_ALL, Perm.VIEW_AUDIT_STATION)
def audit_list(request):
    """HQ administrators see every entry; station chiefs and deputies see their station's; ``?format=`` exports
    what the list shows."""
    entries = visible_to(request.user, AuditEntry).select_related("station")
    if not has_perm(request.user, Perm.VIEW_AUDIT_ALL):
        entries = entries.exclude(station__isnull=True)
    filters = {k: request.GET.get(k, "").strip() for k in ("q", "kind", "station", "date_from", "date_to", "user")}
    filters["q"], filters["user"] = search_text(filters["q"]), search_text(filters["user"])
    errors = []
    if filters["q"]:
        entries = entries.filter(summary__contains=filters["q"])
    if filters["user"]:
        entries = entries.filter(user_label__contains=filters["user"])
    if filters["kind"] in AuditEntry.Kind.values:
        entries = entries.filter(kind=filters["kind"])
    if request.GET.get("personal") == "1":
        entries = entries.filter(personal_data=True)
    if parse_id(filters["station"]):
        entries = entries.filter(station_id=parse_id(filters["station"]))
    for key, lookup in (("date_from", "at__date__gte"), ("date_to", "at__date__lte")):
        if filters[key]:
            try:
                entries = entries.filter(**{lookup: parse_date_input(filters[key])})
            except ValueError as error:
                errors.append(str(error))
    if wants_export(request) and not errors:  # an unreadable date shows the screen with its reason, not a file
        return export_list(request, AUDIT_TABLE, entries, action="audit.list_export")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/audit_list.html",
        {
            "page": page,
            "filters": filters,
            "errors": errors,
            "kinds": AuditEntry.Kind.choices,
            # Stations for the filter, without importing the organisation app (it sits above audit).
            "stations": visible_to(request.user, AuditEntry._meta.get_field("station").related_model),
            "station_filter": sees_all_stations(request.user),
            "personal": request.GET.get("personal") == "1",
        },
    )


@logged_in
def export_job(request, pk):
    """A long list export's progress (the page reloads itself every 2 s until it is finished), then its download.
    Only the user who asked for it sees it (404 for everyone else)."""
    job = get_visible_or_404(request.user, ExportJob, pk=pk)
    return render(request, "audit/export_job.html", {"job": job})


@logged_in
def export_download(request, pk):
    """The finished file of a long list export, for its own user only. Not audited again: the export's entry was
    written when the file was made, as an export in the request writes it then."""
    job = get_visible_or_404(request.user, ExportJob, pk=pk)
    if job.status != ExportJob.Status.DONE or not job.result:
        raise Http404("まだ作成中です。")
    return download_response(job.result.open("rb"), job.file_name, content_type_of(job.fmt, job.encoding))
