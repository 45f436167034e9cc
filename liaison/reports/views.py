"""Printing forms 1 and 2 (C6.3, C11.1(1)). Every download is an audited export of personal data (X2)."""

from __future__ import annotations

import datetime
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from liaison.access.permissions import Perm
from liaison.access.policy import can_change, get_visible_or_404, require, visible_to
from liaison.audit.log import record_export
from liaison.councils.models import Council
from liaison.lib.dates import parse_date_input, today_tokyo
from liaison.lib.ids import parse_id, parse_ids

from .documents import appointment_letters_pdf, letter_queryset, setup_report_pdf
from .excel import council_roster_xlsx
from .models import PrintJob
from .tasks import render_print_job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SYNC_LIMIT = 30  # more letters than this are rendered in the background


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF download with a Japanese file name (RFC 6266 ``filename*``) and an ASCII fallback."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename=\"form.pdf\"; filename*=UTF-8''{quote(filename)}"
    return response


def _require_printable(user, objects) -> None:
    if not all(can_change(user, obj, Perm.PRINT_FORMS) for obj in objects):
        raise PermissionDenied


def _memberships():
    return letter_queryset().prefetch_related("council__kobans")


def _current_memberships(council: Council, day: datetime.date):
    return (
        _memberships()
        .filter(council=council, start_date__lte=day, end_date__gte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .order_by("person__sort_key", "pk")
    )


def _audit_letters(user, memberships, obj, label: str) -> None:
    record_export(
        user=user,
        action="form1.print",
        summary=f"委嘱状を印刷しました（{label}、{len(memberships)}件）",
        obj=obj,
        detail={"membership_ids": [m.pk for m in memberships]},
    )


def _letters_label(memberships) -> str:
    councils = sorted({m.council.name for m in memberships})
    return councils[0] if len(councils) == 1 else f"{councils[0]}ほか{len(councils) - 1}協議会"


@require(Perm.PRINT_FORMS)
def letter(request, pk):
    """C6.3: the appointment letter of one membership."""
    membership = get_visible_or_404(request.user, _memberships(), pk=pk)
    _require_printable(request.user, [membership])
    pdf = appointment_letters_pdf([membership])
    _audit_letters(request.user, [membership], membership, f"{membership.council.name} {membership.person.full_name}")
    return pdf_response(pdf, f"委嘱状_{membership.council.name}_{membership.person.full_name}.pdf")


@require(Perm.PRINT_FORMS)
def council_letters(request, pk):
    """C6.3: the letters of every member serving today, one page each."""
    council = get_visible_or_404(request.user, Council.objects.select_related("station"), pk=pk)
    _require_printable(request.user, [council])
    memberships = list(_current_memberships(council, today_tokyo()))
    if not memberships:
        raise Http404("現在の委員がいません。")
    pdf = appointment_letters_pdf(memberships)
    _audit_letters(request.user, memberships, council, council.name)
    return pdf_response(pdf, f"委嘱状_{council.name}.pdf")


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
    response = HttpResponse(content, content_type=XLSX)
    filename = f"委員名簿_{council.name}.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"roster.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return response


@require(Perm.PRINT_FORMS)
def setup_report(request, pk):
    """C11.1(1): Form 2 for one council; ``number`` and ``date`` may be given as parameters."""
    council = get_visible_or_404(request.user, Council.objects.select_related("station", "operation_manager"), pk=pk)
    _require_printable(request.user, [council])
    params = request.POST if request.method == "POST" else request.GET
    number = params.get("number", "")[:20]
    report_date = None
    if params.get("date"):
        try:
            report_date = parse_date_input(params["date"])
        except ValueError:
            report_date = None
    pdf = setup_report_pdf(council, number=number, report_date=report_date)
    member_ids = list(council.memberships.values_list("pk", flat=True))
    record_export(
        user=request.user,
        action="form2.print",
        summary=f"設置報告書を印刷しました（{council.name}）",
        obj=council,
        detail={"membership_ids": member_ids},
    )
    return pdf_response(pdf, f"設置報告書_{council.name}.pdf")


@require(Perm.PRINT_FORMS)
@require_POST
def batch_letters(request):
    """C6.3: letters for the chosen memberships; a large batch becomes a background print job."""
    if not all(parse_id(i) for i in request.POST.getlist("ids")):
        raise Http404
    ids = parse_ids(request.POST.getlist("ids"))
    if not ids:
        raise Http404("委嘱が選ばれていません。")
    by_id = visible_to(request.user, _memberships()).in_bulk(ids)
    if len(by_id) != len(ids):
        raise Http404
    memberships = [by_id[i] for i in ids]
    _require_printable(request.user, memberships)
    if len(memberships) <= SYNC_LIMIT:
        pdf = appointment_letters_pdf(memberships)
        _audit_letters(request.user, memberships, None, _letters_label(memberships))
        return pdf_response(pdf, f"委嘱状_{_letters_label(memberships)}.pdf")
    job = PrintJob.objects.create(
        station_id=memberships[0].council.station_id,
        requested_by=request.user,
        kind=PrintJob.Kind.APPOINTMENT_LETTERS,
        membership_ids=ids,
        total=len(ids),
    )
    result = render_print_job.enqueue(job.pk)
    PrintJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    return redirect("reports:job", pk=job.pk)


def _job_for(user, pk) -> PrintJob:
    """A job the user may see, and whose every letter the user may still print (checked again on each view)."""
    job = get_visible_or_404(user, PrintJob, pk=pk)
    memberships = list(_memberships().filter(pk__in=job.membership_ids))
    _require_printable(user, memberships)
    return job


@require(Perm.PRINT_FORMS)
def job(request, pk):
    """Progress of a background print job; htmx polls the same URL for the progress fragment."""
    print_job = _job_for(request.user, pk)
    context = {"job": print_job}
    if request.headers.get("HX-Request"):
        return render(request, "reports/_job_progress.html", context)
    return render(request, "reports/job.html", context)


@require(Perm.PRINT_FORMS)
def job_download(request, pk):
    """The finished PDF of a print job (an audited export, like printing directly)."""
    print_job = _job_for(request.user, pk)
    if print_job.status != PrintJob.Status.DONE or not print_job.result:
        raise Http404("まだ作成中です。")
    record_export(
        user=request.user,
        action="form1.print",
        summary=f"委嘱状を出力しました（印刷ジョブ{print_job.pk}、{print_job.total}件）",
        obj=print_job,
        detail={"membership_ids": print_job.membership_ids, "job_id": print_job.pk},
    )
    response = FileResponse(print_job.result.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = (
        f"attachment; filename=\"form.pdf\"; filename*=UTF-8''{quote(f'委嘱状_印刷ジョブ{print_job.pk}.pdf')}"
    )
    return response
