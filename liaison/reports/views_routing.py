"""Screens of the routing of reports (submit, decide, 報告の決裁) and of good-practice reports (C11.1, C11.2)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.access.permissions import Perm
from liaison.access.policy import (
    can_change,
    get_visible_or_404,
    has_perm,
    officer_of,
    require,
    require_any,
    require_change,
    sees_all_stations,
    visible_to,
)
from liaison.audit.exports import export_list, wants_export
from liaison.cases.rules import fiscal_year_of, fiscal_year_range
from liaison.lib.downloads import download_response
from liaison.lib.ids import parse_id
from liaison.meetings.models import Meeting
from liaison.org.models import Station
from liaison.org.picker import station_filter

from . import actions, routing
from .excel import GOOD_PRACTICE_TABLE
from .forms import DecisionForm, GoodPracticeForm, SubmitReportForm
from .models import GoodPractice, GoodPracticeAttachment, Submission

# Those who submit or decide some kind of report: the decisions screen lists their work and their returned reports.
ROUTING_PERMS = (
    Perm.ACCEPT_SETUP_REPORTS,
    Perm.ACCEPT_GOOD_PRACTICE,
    Perm.APPROVE_MEETING_REPORTS,
    Perm.SUBMIT_SETUP_REPORTS,
    Perm.SUBMIT_MEETING_REPORTS,
    Perm.REPORT_GOOD_PRACTICE,
)
SUBMIT_PERMS = (Perm.SUBMIT_SETUP_REPORTS, Perm.SUBMIT_MEETING_REPORTS, Perm.REPORT_GOOD_PRACTICE)
# Good practice is read by the stations that report it and by HQ, which receives it from every station.
GOOD_PRACTICE_READERS = (Perm.REPORT_GOOD_PRACTICE, Perm.VIEW_ALL_STATIONS)


def _kind_or_404(code: str) -> routing.RoutingKind:
    try:
        return routing.get(code)
    except LookupError:
        raise Http404 from None


def _first_error(exc: ValidationError) -> str:
    return exc.messages[0] if exc.messages else _("入力を確認してください。")


@require_any(*SUBMIT_PERMS)
@require_POST
def report_submit(request, kind, object_id):
    """Submit (or, after a return, submit again) the report of one object; back to the object's page."""
    routing_kind = _kind_or_404(kind)
    try:
        obj = routing_kind.load(object_id, request.user)
    except LookupError:
        raise Http404 from None
    if not routing_kind.may_submit(request.user, obj):
        raise PermissionDenied
    form = SubmitReportForm(request.POST)
    if form.is_valid():
        try:
            actions.report_submit(
                kind=routing_kind,
                obj=obj,
                routine=form.cleaned_data["routine"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
            messages.success(request, _("%(noun)sを提出しました。") % {"noun": routing_kind.noun})
        except ValidationError as exc:
            messages.error(request, _first_error(exc))
    else:
        messages.error(
            request, _("提出できませんでした：%(errors)s") % {"errors": " ".join(form.errors.get("note", []))}
        )
    return redirect(routing_kind.url(obj))


@require(Perm.VIEW_STATION)
def submission(request, pk):
    """One round of a report: what was submitted, every step so far, and the decision form for its approver."""
    found = get_visible_or_404(request.user, Submission.objects.select_related("station"), pk=pk)
    try:
        kind = found.routing
        obj = kind.load(found.object_id, request.user)
    except LookupError:
        raise Http404 from None
    may_decide = kind.may_decide(request.user, obj, found)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.report_decide(
                    submission=found,
                    approve=form.cleaned_data["decision"] == DecisionForm.APPROVE,
                    comment=form.cleaned_data["comment"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                messages.error(request, _first_error(exc))
                return redirect("reports:submission", pk=found.pk)
            messages.success(request, _("決裁しました。"))
            return redirect("reports:decisions")
    context = routing.routing_context(request.user, kind, obj)
    context.update({"submission": found, "form": form, "may_decide_this": may_decide, "object_url": kind.url(obj)})
    return render(request, "reports/submission.html", context)


# The states the decisions screen filters by.
DECISION_STATES = {
    "waiting": Submission.Status.SUBMITTED,
    "decided": Submission.Status.APPROVED,
    "returned": Submission.Status.RETURNED,
}


def _fiscal_year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_default_timezone()
    return datetime.datetime(year, 4, 1, tzinfo=zone), datetime.datetime(year + 1, 4, 1, tzinfo=zone)


@require_any(*ROUTING_PERMS)
def decisions(request):
    """報告の決裁: the reports the user decides, waiting (oldest first), decided or returned (newest first), by fiscal
    year of submission, paged in the database; and the user's own reports returned for correction."""
    user = request.user
    state = request.GET.get("state") if request.GET.get("state") in DECISION_STATES else "waiting"
    rounds = (
        routing.decidable_by(user)
        .filter(status=DECISION_STATES[state])
        .select_related("station", "submitted_by__officer", "decided_by__officer")
    )
    params = {"state": state, "year": ""}
    year = parse_id(request.GET.get("year"))
    if year and 1989 <= year <= 2200:
        start, end = _fiscal_year_bounds(year)
        rounds = rounds.filter(submitted_at__gte=start, submitted_at__lt=end)
        params["year"] = str(year)
    rounds = rounds.order_by("submitted_at", "pk") if state == "waiting" else rounds.order_by("-decided_at", "-pk")
    page = Paginator(rounds, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/decisions.html",
        {
            "page": page,
            "params": params,
            "states": [("waiting", _("決裁待ち")), ("decided", _("決裁済み")), ("returned", _("差戻し"))],
            "years": _years(),
            "returned": list(routing.returned_to(user)[:50]),
            "waiting_days": routing.decision_days(),
        },
    )


# --- good practice ----------------------------------------------------------------------------------------------


def _practice_list(request):
    """The good-practice reports the user may see, filtered by station and fiscal year, with each one's state, and
    HQ's station filter (None for a station's user, whose reports are their station's anyway).

    HQ's filter lists every station it sees, merged ones too: their reports stay on the list."""
    practices = visible_to(request.user, GoodPractice).select_related("station", "koban")
    latest = Submission.objects.filter(kind=routing.GOOD_PRACTICE.code, object_id=OuterRef("pk"), latest=True)
    practices = practices.annotate(
        report_status=Subquery(latest.values("status")[:1]),
        submitted_at=Subquery(latest.values("submitted_at")[:1]),
        attachment_count=Count("attachments"),
    )
    params = {"station": "", "year": ""}
    by_station = None
    if sees_all_stations(request.user):
        by_station = station_filter(request, visible_to(request.user, Station).order_by("order", "code"))
        station_id = by_station.chosen_id
    else:
        station_id = parse_id(request.GET.get("station"))
    if station_id:
        practices = practices.filter(station_id=station_id)
        params["station"] = str(station_id)
    year = parse_id(request.GET.get("year"))
    if year and 1989 <= year <= 2200:
        practices = practices.filter(occurred_on__range=fiscal_year_range(year))
        params["year"] = str(year)
    return practices.order_by("-occurred_on", "-pk"), params, by_station


@require_any(*GOOD_PRACTICE_READERS)
def good_practice_list(request):
    """C11.1(2): good-practice reports: HQ sees every station's, a station its own; by station and fiscal year."""
    practices, params, by_station = _practice_list(request)
    if wants_export(request):
        return _export_practices(request, practices)
    page = Paginator(practices, 50).get_page(request.GET.get("page"))
    statuses = dict(Submission.Status.choices)
    rows = [{"p": p, "status": statuses.get(p.report_status, _("未提出"))} for p in page.object_list]
    return render(
        request,
        "reports/good_practice_list.html",
        {
            "page": page,
            "rows": rows,
            "params": params,
            "station_filter": by_station,
            "years": _years(),
            "can_create": has_perm(request.user, Perm.REPORT_GOOD_PRACTICE),
        },
    )


def _years() -> list[int]:
    from liaison.lib.dates import today_tokyo

    current = fiscal_year_of(today_tokyo())
    return list(range(current, current - 10, -1))


@require_any(*GOOD_PRACTICE_READERS)
def good_practice_xlsx_view(request):
    """The good-practice list's export at its older address (Excel unless ``?format=csv``): the same file."""
    practices, _params, _by_station = _practice_list(request)
    return _export_practices(request, practices, back=reverse("reports:good_practice_list"))


def _export_practices(request, practices, back=None):
    """Every good-practice report the filtered list shows, with its state as the list shows it; audited."""
    return export_list(request, GOOD_PRACTICE_TABLE, practices, action="good_practice.list_export", back=back)


@require(Perm.REPORT_GOOD_PRACTICE)
def good_practice_new(request):
    """Record a good-practice report of the user's station (and koban, for a koban's chief); it is sent from its page."""
    officer = officer_of(request.user)
    if officer.station_id is None:
        raise PermissionDenied
    form = GoodPracticeForm(request.POST or None, request.FILES or None, station=officer.station)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        practice = actions.good_practice_create(
            station=officer.station,
            koban=officer.koban if has_perm(request.user, Perm.KOBAN_ONLY) else None,
            title=data["title"],
            text=data["text"],
            occurred_on=data["occurred_on"],
            uploads=data["uploads"],
            meetings=list(data["meetings"]),
            cases=list(data["cases"]),
            acting_user=request.user,
        )
        messages.success(request, _("好事例を登録しました。内容を確かめて本部へ報告してください。"))
        return redirect("reports:good_practice", pk=practice.pk)
    return render(request, "reports/good_practice_form.html", {"form": form, "practice": None})


def _practice(request, pk) -> GoodPractice:
    return get_visible_or_404(request.user, GoodPractice.objects.select_related("station", "koban"), pk=pk)


@require_any(*GOOD_PRACTICE_READERS)
def good_practice(request, pk):
    """One good-practice report, its attachments and its routing to HQ."""
    practice = _practice(request, pk)
    context = routing.routing_context(request.user, routing.GOOD_PRACTICE, practice)
    current = context["current"]
    context.update(
        {
            "practice": practice,
            "attachments": list(practice.attachments.all()),
            "meetings": list(visible_to(request.user, practice.meetings.select_related("council"))),
            "cases": list(visible_to(request.user, practice.cases.all())),
            "can_edit": can_change(request.user, practice, Perm.REPORT_GOOD_PRACTICE)
            and (current is None or current.status == Submission.Status.RETURNED),
        }
    )
    return render(request, "reports/good_practice_detail.html", context)


@require(Perm.REPORT_GOOD_PRACTICE)
def good_practice_edit(request, pk):
    """Correct a good-practice report that is a draft or was returned; attachments can be added and removed."""
    practice = _practice(request, pk)
    require_change(request.user, practice, Perm.REPORT_GOOD_PRACTICE)
    attachments = list(practice.attachments.all())
    initial = {
        "title": practice.title,
        "text": practice.text,
        "occurred_on": practice.occurred_on,
        "meetings": [m.pk for m in practice.meetings.all()],
        "cases": [c.pk for c in practice.cases.all()],
    }
    remove_ids = (
        [i for i in (parse_id(v) for v in request.POST.getlist("remove")) if i] if request.method == "POST" else []
    )
    kept = len([a for a in attachments if a.pk not in remove_ids])
    form = GoodPracticeForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        attached=kept,
        station=practice.station,
        practice=practice,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.good_practice_update(
                practice=practice,
                title=data["title"],
                text=data["text"],
                occurred_on=data["occurred_on"],
                uploads=data["uploads"],
                remove_ids=remove_ids,
                meetings=list(data["meetings"]),
                cases=list(data["cases"]),
                acting_user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, _first_error(exc))
            return redirect("reports:good_practice", pk=practice.pk)
        messages.success(request, _("好事例を修正しました。"))
        return redirect("reports:good_practice", pk=practice.pk)
    return render(
        request, "reports/good_practice_form.html", {"form": form, "practice": practice, "attachments": attachments}
    )


@require_any(*GOOD_PRACTICE_READERS)
def good_practice_attachment(request, pk):
    """One attached file of a good-practice report the user may see."""
    attachment = get_visible_or_404(request.user, GoodPracticeAttachment.objects.all(), pk=pk)
    if not attachment.file:
        raise Http404
    return download_response(attachment.file.open("rb"), attachment.name)


# --- the council page's section (registered in apps.py) -----------------------------------------------------------


def council_setup_report_section(request, council):
    """C11.1(1): the council page's state of its Form 2: each round, and the submit form for the station chief."""
    return routing.routing_context(request.user, routing.FORM2, council)


# --- the meeting page's section (registered in apps.py) -----------------------------------------------------------


def meeting_report_section(request, meeting):
    """C11.2: the meeting page's Form 3: each round, the submit form for the operation staff, the print link; left
    out until the meeting is held (there is nothing to report before)."""
    if meeting.status != Meeting.Status.HELD:
        return None
    return routing.routing_context(request.user, routing.FORM3, meeting)
