"""Printing forms 1 and 2 (C6.3, C11.1(1)) and batches of any registered document kind (``kinds``).

Every download is an audited export of personal data (X2), sent by ``lib.downloads.download_response``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from liaison.access.permissions import Perm
from liaison.access.policy import can_change, get_visible_or_404, officer_of, require
from liaison.audit.log import record, record_export
from liaison.audit.models import AuditEntry
from liaison.councils.models import Council
from liaison.councils.queries import current_memberships
from liaison.lib.dates import today_tokyo
from liaison.lib.downloads import download_response
from liaison.lib.ids import parse_id, parse_ids
from liaison.lib.wareki import to_wareki
from liaison.org.models import PrefectureSettings

from . import actions, kinds
from .documents import members_for_report, setup_report_pdf
from .excel import council_roster_xlsx
from .form3 import meeting_report_pdf, meeting_report_queryset, report_date_of, reporter_of
from .forms import SetupReportForm
from .kinds import FORM1, DocumentKind
from .models import PrintJob
from .numbers import document_number
from .worker import job_waits_without_worker

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_printable(user, objects) -> None:
    if not all(can_change(user, obj, Perm.PRINT_FORMS) for obj in objects):
        raise PermissionDenied


def _current_memberships(council: Council, day: datetime.date):
    return FORM1.queryset().filter(current_memberships(day), council=council).order_by("person__sort_key", "pk")


def _print_now(user, kind: DocumentKind, objects: list, *, obj=None, label: str | None = None) -> HttpResponse:
    """Render ``objects`` as ``kind`` now, audit the export and send the PDF."""
    label = label or kind.describe(objects)
    pdf = kind.pdf(objects)
    record_export(
        user=user,
        action=kind.audit_action,
        summary=f"{kind.noun}を印刷しました（{label}、{len(objects)}件）",
        obj=obj,
        detail={kind.ids_key: [o.pk for o in objects]},
    )
    return download_response(pdf, kind.filename(label), PDF)


def print_batch(request, kind: DocumentKind, ids: list[int]) -> HttpResponse:
    """The objects ``ids`` printed as ``kind``, in that order: at once up to the kind's ``sync_limit``, otherwise as a
    background print job whose page the user is sent to. 404 when any is missing or not visible to the user, 403
    when the user may not print one of them."""
    try:
        objects = kind.load(ids, request.user)
    except LookupError:
        raise Http404 from None
    if not kind.may_print(request.user, objects):
        raise PermissionDenied
    if len(objects) <= kind.sync_limit:
        return _print_now(request.user, kind, objects)
    job = actions.print_job_start(kind=kind, objects=objects, acting_user=request.user)
    return redirect("reports:job", pk=job.pk)


def _posted_ids(request) -> list[int]:
    """The posted ``ids``, each once, in the order given; 404 for none or for anything that is no row's id."""
    posted = request.POST.getlist("ids")
    if not posted or not all(parse_id(i) for i in posted):
        raise Http404("印刷するものが選ばれていません。")
    return parse_ids(posted)


@require(Perm.PRINT_FORMS)
def letter(request, pk):
    """C6.3: the appointment letter of one membership."""
    membership = get_visible_or_404(request.user, FORM1.queryset(), pk=pk)
    if not FORM1.may_print(request.user, [membership]):
        raise PermissionDenied
    label = f"{membership.council.name}_{membership.person.full_name}"
    return _print_now(request.user, FORM1, [membership], obj=membership, label=label)


@require(Perm.PRINT_FORMS)
def council_letters(request, pk):
    """C6.3: the letters of every member serving today, one page each."""
    council = get_visible_or_404(request.user, Council.objects.select_related("station"), pk=pk)
    _require_printable(request.user, [council])
    memberships = list(_current_memberships(council, today_tokyo()))
    if not memberships:
        raise Http404("現在の委員がいません。")
    return _print_now(request.user, FORM1, memberships, obj=council, label=council.name)


@require(Perm.PRINT_FORMS)
def council_roster(request, pk):
    """The council's current members as an Excel workbook: an audited export of personal data."""
    council = get_visible_or_404(request.user, Council.objects.select_related("station"), pk=pk)
    _require_printable(request.user, [council])
    day = today_tokyo()
    memberships = list(_current_memberships(council, day).select_related("person"))
    content = council_roster_xlsx(council, memberships, day)
    record_export(
        user=request.user,
        action="roster.xlsx",
        summary=f"委員名簿（Excel）を出力しました（{council.name}、{len(memberships)}人）",
        obj=council,
        detail={"membership_ids": [m.pk for m in memberships]},
    )
    return download_response(content, f"委員名簿_{council.name}.xlsx", XLSX)


@require(Perm.PRINT_FORMS)
def setup_report(request, pk):
    """C11.1(1): Form 2 for one council: a page shows the number, date and members as they will print; POST prints.

    A GET with ``number`` / ``date`` (the council page's form) fills the page in; htmx refreshes ``#preview``.
    """
    council = get_visible_or_404(request.user, Council.objects.select_related("station", "operation_manager"), pk=pk)
    _require_printable(request.user, [council])
    prefix = PrefectureSettings.current().station_doc_prefix
    if request.method == "POST":
        form = SetupReportForm(request.POST, prefix_text=prefix)
        if form.is_valid():
            return _print_setup_report(request.user, council, form, prefix)
    else:
        filled = "number" in request.GET or "date" in request.GET
        form = SetupReportForm(request.GET if filled else None, prefix_text=prefix)
    return render(
        request,
        "reports/setup_report_form.html",
        {"council": council, "form": form, "preview": _setup_report_preview(council, form, prefix)},
    )


def _setup_report_preview(council: Council, form: SetupReportForm, prefix: str) -> dict:
    """What Form 2 will say, field by field; a field with an error shows the error instead."""
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound else {}
    preview = {"number": None, "date": None, "members": None, "valid": valid}
    if "number" not in form.errors:
        preview["number"] = document_number(prefix, data.get("number", ""))
    if "date" not in form.errors:
        day = data.get("date") or today_tokyo()
        preview["date"] = day
        preview["members"] = len(members_for_report(council, day))
    return preview


def _print_setup_report(user, council: Council, form: SetupReportForm, prefix: str) -> HttpResponse:
    day = form.cleaned_data["date"] or today_tokyo()
    number = form.cleaned_data["number"]
    members = members_for_report(council, day)
    pdf = setup_report_pdf(council, number=number, report_date=day, members=members)
    record_export(
        user=user,
        action="form2.print",
        summary=f"設置報告書を印刷しました（{council.name}、{to_wareki(day)}現在、{len(members)}人）",
        obj=council,
        detail={
            "membership_ids": [m.pk for m in members],
            "report_date": day.isoformat(),
            "document_number": document_number(prefix, number) if number else "",
        },
    )
    return download_response(pdf, f"設置報告書_{council.name}.pdf", PDF)


@require(Perm.PRINT_FORMS)
@require_POST
def batch_letters(request):
    """C6.3: letters for the chosen memberships; a large batch becomes a background print job."""
    return print_batch(request, FORM1, _posted_ids(request))


@require(Perm.PRINT_FORMS)
@require_POST
def batch(request, kind):
    """The chosen objects printed as any registered document kind (the kind checks who may print them)."""
    try:
        document = kinds.get(kind)
    except LookupError:
        raise Http404 from None
    return print_batch(request, document, _posted_ids(request))


def _job_for(user, pk) -> tuple[PrintJob, DocumentKind]:
    """A job the user may see, whose every object the user may still print (checked again on each view)."""
    job = get_visible_or_404(user, PrintJob, pk=pk)
    try:
        kind = job.document
    except LookupError:
        raise Http404 from None
    if not kind.may_print(user, kind.queryset().filter(pk__in=job.object_ids)):
        raise PermissionDenied
    return job, kind


@require(Perm.PRINT_FORMS)
def job(request, pk):
    """Progress of a background print job; htmx polls the same URL for the progress fragment.

    A job that has waited more than a minute with no worker alive says so, and what to do, instead of waiting on.
    """
    print_job, kind = _job_for(request.user, pk)
    context = {"job": print_job, "document": kind, "no_worker": job_waits_without_worker(print_job)}
    if request.headers.get("HX-Request"):
        return render(request, "reports/_job_progress.html", context)
    return render(request, "reports/job.html", context)


@require(Perm.PRINT_FORMS)
def job_download(request, pk):
    """The finished PDF of a print job (an audited export, like printing directly)."""
    print_job, kind = _job_for(request.user, pk)
    if print_job.status != PrintJob.Status.DONE or not print_job.result:
        raise Http404("まだ作成中です。")
    record_export(
        user=request.user,
        action=kind.audit_action,
        summary=f"{kind.noun}を出力しました（印刷ジョブ{print_job.pk}、{print_job.total}件）",
        obj=print_job,
        detail={kind.ids_key: print_job.object_ids, "job_id": print_job.pk},
    )
    return download_response(print_job.result.open("rb"), kind.filename(f"印刷ジョブ{print_job.pk}"), PDF)


@require(Perm.VIEW_COUNCILS)
def meeting_report(request, pk):
    """C11.2: Form 3 of one meeting as a PDF, built from the meeting record; the reporter printed is the operation
    staff member who submitted it (the user printing it, for a draft not submitted yet). It lists no resident's
    personal fields (members are counted), so whoever may see the meeting may print it; the print is audited all
    the same."""
    meeting = get_visible_or_404(request.user, meeting_report_queryset(), pk=pk)
    pdf = meeting_report_pdf(
        meeting, reporter=reporter_of(meeting, fallback=officer_of(request.user)), report_date=report_date_of(meeting)
    )
    record(
        user=request.user,
        kind=AuditEntry.Kind.EXPORT,
        action="form3.print",
        summary=f"連絡協議会開催結果報告書を印刷しました（{meeting}）",
        obj=meeting,
    )
    return download_response(
        pdf, f"連絡協議会開催結果報告書_{meeting.council.name}_{meeting.starts_at:%Y%m%d}.pdf", PDF
    )
