"""Printing forms 1 and 2 (C6.3, C11.1(1)). Every download is an audited export of personal data (X2)."""

from __future__ import annotations

import datetime
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from liaison.access.permissions import Perm
from liaison.access.policy import can_change, get_visible_or_404, require, visible_to
from liaison.audit.log import record_export
from liaison.councils.models import Council
from liaison.councils.queries import current_memberships
from liaison.lib.dates import today_tokyo
from liaison.lib.ids import parse_id, parse_ids
from liaison.lib.wareki import to_wareki
from liaison.org.models import PrefectureSettings

from .documents import appointment_letters_pdf, letter_queryset, members_for_report, setup_report_pdf
from .excel import council_roster_xlsx
from .forms import SetupReportForm
from .models import PrintJob
from .numbers import document_number
from .tasks import render_print_job
from .worker import job_waits_without_worker

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
    return _memberships().filter(current_memberships(day), council=council).order_by("person__sort_key", "pk")


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
    """Progress of a background print job; htmx polls the same URL for the progress fragment.

    A job that has waited more than a minute with no worker alive says so, and what to do, instead of waiting on.
    """
    print_job = _job_for(request.user, pk)
    context = {"job": print_job, "no_worker": job_waits_without_worker(print_job)}
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
