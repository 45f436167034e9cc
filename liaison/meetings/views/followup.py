"""The screens of what follows meetings: opinions raised at a meeting (C8.2), a council's problem-solving activities
with their interim reports (C8.2), information members hand over and its report to the station chief (C9.1), and
the operation staff's contacts with members (C9.2). The council pages reach them by the council's id."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.access.permissions import Perm
from liaison.access.policy import can_change, get_visible_or_404, require, require_change, visible_to
from liaison.audit.exports import export_list, wants_export
from liaison.cases.models import Case
from liaison.councils.models import Council
from liaison.councils.queries import current_memberships
from liaison.lib import once
from liaison.lib.dates import today_tokyo
from liaison.lib.downloads import download_response
from liaison.lib.exports import Column, Table, in_chunks
from liaison.lib.versioning import StaleEdit, show_conflict
from liaison.org.models import Officer, Section
from liaison.people.models import Person

from .. import findings_followup
from ..actions import followup as actions
from ..export_followup import activity_table
from ..forms_followup import (
    ActivityCloseForm,
    ActivityForm,
    InformationReportForm,
    InterimPlanForm,
    InterimRecordForm,
    MemberContactForm,
    MemberInformationForm,
    OpinionForm,
)
from ..models import Activity, InterimReport, Meeting, MemberContact, MemberInformation

PAGE = 50
FORM = "meetings/followup/form.html"


def _council(request, pk):
    return get_visible_or_404(request.user, Council.objects.select_related("station"), pk=pk)


def _members(council: Council, day) -> object:
    """The people serving on ``council`` on ``day``, in 五十音順 (the choices of who spoke or handed something)."""
    serving = council.memberships.filter(current_memberships(day)).values("person_id")
    return Person.objects.filter(pk__in=serving).order_by("sort_key", "pk")


def _form_page(request, form, *, title, council, back, obj=None, multipart=False):
    context = {"form": form, "title": title, "council": council, "back": back, "obj": obj, "multipart": multipart}
    return render(request, FORM, context)


# --- opinions raised at a meeting (C8.2) ---------------------------------------------------------------------------


@require(Perm.MANAGE_CASES)
def opinion_new(request, pk):
    """Add an opinion or request raised at a meeting, with the answer given there; it becomes a case of the station."""
    meeting = get_visible_or_404(request.user, Meeting.objects.select_related("council__station"), pk=pk)
    require_change(request.user, meeting, Perm.MANAGE_CASES)
    held_on = timezone.localtime(meeting.starts_at).date()
    form = OpinionForm(
        request.POST or None,
        members=_members(meeting.council, held_on),
        sections=Section.objects.filter(station=meeting.council.station_id).order_by("order", "name"),
    )
    if request.method == "POST" and form.is_saved_already():
        messages.info(request, _("この意見・要望はすでに登録されています。"))
        return redirect("meetings:opinion_new", pk=meeting.pk)
    if request.method == "POST" and form.is_valid():
        try:
            actions.meeting_opinion_add(
                meeting=meeting, values=form.cleaned_data, acting_user=request.user, form_token=form.token
            )
        except once.AlreadySaved:
            messages.info(request, _("この意見・要望はすでに登録されています。"))
            return redirect("meetings:opinion_new", pk=meeting.pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("意見・要望を記録しました。続けて入力できます。"))
            return redirect("meetings:opinion_new", pk=meeting.pk)
    return render(
        request,
        "meetings/followup/opinion_form.html",
        {"form": form, "meeting": meeting},
    )


# --- problem-solving activities (C8.2) ------------------------------------------------------------------------------


@require(Perm.VIEW_COUNCILS)
def council_activities(request, pk):
    """A council's problem-solving activities, open ones first, each with its findings (an overdue interim report);
    ``?format=xlsx`` or ``csv`` exports them."""
    council = _council(request, pk)
    # "open" sorts after "closed": descending puts the open ones first
    activities = council.activities.order_by("-status", "-started_on", "-pk")
    if wants_export(request):
        return _export_activities(request, council, activities)
    activities = list(activities.prefetch_related("interim_reports", "cases"))
    found = findings_followup.stored([a.pk for a in activities])
    return render(
        request,
        "meetings/followup/activity_list.html",
        {
            "council": council,
            "rows": [{"activity": a, "findings": found.get(a.pk, [])} for a in activities],
            "may_change": can_change(request.user, council, Perm.MANAGE_CASES),
        },
    )


def _export_activities(request, council, activities):
    """Every activity of the list with its findings, read per chunk as the screen reads them for its rows."""

    def add(chunk):
        found = findings_followup.stored([a.pk for a in chunk])
        for activity in chunk:
            activity.export_findings = found.get(activity.pk, [])

    rows = activities.prefetch_related("interim_reports").annotate(case_count=Count("cases"))
    return export_list(
        request, activity_table(council.name), in_chunks(rows, add), action="activity.export", obj=council
    )


def _cases_choice(council: Council, activity: Activity | None = None):
    """The cases an activity may take up: the station's latest ones, and those it has already."""
    recent = Case.objects.filter(station=council.station_id).order_by("-received_on", "-pk").values("pk")[:200]
    ids = list(recent.values_list("pk", flat=True))
    if activity is not None:
        ids += list(activity.cases.values_list("pk", flat=True))
    return Case.objects.filter(pk__in=ids).order_by("-received_on", "-pk")


@require(Perm.MANAGE_CASES)
def activity_new(request, pk):
    council = _council(request, pk)
    require_change(request.user, council, Perm.MANAGE_CASES)
    form = ActivityForm(request.POST or None, cases=_cases_choice(council), initial={"started_on": today_tokyo()})
    if request.method == "POST" and form.is_saved_already():
        return redirect("meetings:council_activities", pk=council.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = actions.activity_create(
                council=council, values=data, cases=list(data["cases"]), acting_user=request.user, form_token=form.token
            )
        except once.AlreadySaved:
            return redirect("meetings:council_activities", pk=council.pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("問題解決活動を登録しました。"))
            return redirect("meetings:activity", pk=activity.pk)
    back = ("meetings:council_activities", council.pk)
    return _form_page(request, form, title=_("問題解決活動の登録"), council=council, back=back)


def _activity(request, pk):
    return get_visible_or_404(request.user, Activity.objects.select_related("council__station"), pk=pk)


@require(Perm.VIEW_COUNCILS)
def activity_detail(request, pk):
    """An activity: plan, linked cases, interim reports with their due dates, outcome; live findings."""
    activity = _activity(request, pk)
    may_change = can_change(request.user, activity, Perm.MANAGE_CASES)
    return render(
        request,
        "meetings/followup/activity_detail.html",
        {
            "activity": activity,
            "council": activity.council,
            "cases": activity.cases.select_related("section").order_by("received_on", "pk"),
            "reports": activity.interim_reports.select_related("meeting"),
            "findings": findings_followup.live(activity, today_tokyo()),
            "may_change": may_change and activity.status == Activity.Status.OPEN,
            "plan_form": InterimPlanForm() if may_change else None,
        },
    )


@require(Perm.MANAGE_CASES)
def activity_edit(request, pk):
    activity = _activity(request, pk)
    require_change(request.user, activity, Perm.MANAGE_CASES)
    form = ActivityForm(request.POST or None, cases=_cases_choice(activity.council, activity), activity=activity)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.activity_update(
                activity=activity,
                values=data,
                cases=list(data["cases"]),
                version=form.read_version,
                acting_user=request.user,
            )
        except StaleEdit as stale:
            show_conflict(request, form, stale)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("保存しました。"))
            return redirect("meetings:activity", pk=activity.pk)
    back = ("meetings:activity", activity.pk)
    return _form_page(request, form, title=_("問題解決活動の変更"), council=activity.council, back=back, obj=activity)


@require(Perm.MANAGE_CASES)
def interim_new(request, pk):
    """Plan an interim report (中間連絡) to the council, with its due date."""
    activity = _activity(request, pk)
    require_change(request.user, activity, Perm.MANAGE_CASES)
    form = InterimPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.interim_report_plan(
                activity=activity,
                due_on=form.cleaned_data["due_on"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("中間連絡を予定しました。"))
            return redirect("meetings:activity", pk=activity.pk)
    back = ("meetings:activity", activity.pk)
    return _form_page(request, form, title=_("中間連絡の予定"), council=activity.council, back=back, obj=activity)


@require(Perm.MANAGE_CASES)
def interim_record(request, pk):
    """Record that an interim report was made to the council (at one of its meetings or otherwise)."""
    report = get_visible_or_404(request.user, InterimReport.objects.select_related("activity__council__station"), pk=pk)
    activity = report.activity
    require_change(request.user, activity, Perm.MANAGE_CASES)
    meetings = activity.council.meetings.exclude(status=Meeting.Status.CANCELLED).order_by("-starts_at")
    form = InterimRecordForm(request.POST or None, meetings=meetings, initial={"reported_on": today_tokyo()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.interim_report_record(
                report=report,
                reported_on=data["reported_on"],
                meeting=data["meeting"],
                note=data["note"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("中間連絡を記録しました。"))
            return redirect("meetings:activity", pk=activity.pk)
    back = ("meetings:activity", activity.pk)
    return _form_page(request, form, title=_("中間連絡の記録"), council=activity.council, back=back, obj=activity)


@require(Perm.MANAGE_CASES)
def activity_close(request, pk):
    activity = _activity(request, pk)
    require_change(request.user, activity, Perm.MANAGE_CASES)
    form = ActivityCloseForm(request.POST or None, initial={"closed_on": today_tokyo(), "version": activity.version})
    if request.method == "POST" and form.is_valid():
        try:
            actions.activity_close(
                activity=activity,
                closed_on=form.cleaned_data["closed_on"],
                outcome=form.cleaned_data["outcome"],
                version=form.read_version,
                acting_user=request.user,
            )
        except StaleEdit as stale:
            show_conflict(request, form, stale)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("問題解決活動を終了しました。"))
            return redirect("meetings:activity", pk=activity.pk)
    back = ("meetings:activity", activity.pk)
    return _form_page(request, form, title=_("問題解決活動の終了"), council=activity.council, back=back, obj=activity)


# --- information from members (C9.1) --------------------------------------------------------------------------------


def _information_listed(request, items):
    """The items the list shows (reported or not, as filtered), newest first, with what a row shows joined in."""
    state = request.GET.get("reported", "")
    if state == "no":
        items = items.filter(reported_on__isnull=True)
    elif state == "yes":
        items = items.filter(reported_on__isnull=False)
    items = items.select_related("council", "person", "meeting__council", "reported_by__officer")
    return items.order_by("-received_on", "-pk"), state


def _information_page(request, items):
    items, state = _information_listed(request, items)
    return Paginator(items, PAGE).get_page(request.GET.get("page")), state


# 委員 is a member's name, which everyone who sees the council sees (access.personal_data ON_DUTY): not personal data.
INFORMATION_TABLE = Table(
    "委員からの情報",
    [
        Column("受理日", 16, lambda i: i.received_on),
        Column("協議会", 30, lambda i: i.council.name),
        Column("委員", 16, lambda i: i.person.full_name if i.person_id else ""),
        Column("会議", 30, lambda i: str(i.meeting) if i.meeting_id else ""),
        Column("内容", 60, lambda i: i.content),
        Column("資料", 8, lambda i: "あり" if i.file else ""),
        Column("署長への報告日", 16, lambda i: i.reported_on),
        Column(
            "報告した職員",
            16,
            lambda i: i.reported_by.officer.full_name if i.reported_by and hasattr(i.reported_by, "officer") else "",
        ),
    ],
)


def _export_information(request, items, council=None):
    items, _state = _information_listed(request, items)
    return export_list(request, INFORMATION_TABLE, items, action="information.list_export", obj=council)


@require(Perm.VIEW_COUNCILS)
def council_information(request, pk):
    """C9.1: what the council's members handed over, reported to the station chief or not yet."""
    council = _council(request, pk)
    if wants_export(request):
        return _export_information(request, council.member_information.all(), council)
    page, state = _information_page(request, council.member_information.all())
    may_change = can_change(request.user, council, Perm.MANAGE_MEETINGS)
    unreported = council.member_information.filter(reported_on__isnull=True)
    return render(
        request,
        "meetings/followup/information_list.html",
        {
            "council": council,
            "page": page,
            "state": state,
            "may_change": may_change,
            "report_form": InformationReportForm(items=unreported, initial={"reported_on": today_tokyo()})
            if may_change and unreported.exists()
            else None,
        },
    )


@require(Perm.VIEW_COUNCILS)
def station_information(request):
    """C9.1: the station chief's list of information from every council's members, unreported first."""
    if wants_export(request):
        return _export_information(request, visible_to(request.user, MemberInformation))
    page, state = _information_page(request, visible_to(request.user, MemberInformation))
    return render(request, "meetings/followup/information_list.html", {"page": page, "state": state})


@require(Perm.MANAGE_MEETINGS)
def information_new(request, pk):
    council = _council(request, pk)
    require_change(request.user, council, Perm.MANAGE_MEETINGS)
    meetings = council.meetings.exclude(status=Meeting.Status.CANCELLED).order_by("-starts_at")
    form = MemberInformationForm(
        request.POST or None,
        request.FILES or None,
        members=_members(council, today_tokyo()),
        meetings=meetings,
        initial={"received_on": today_tokyo()},
    )
    if request.method == "POST" and form.is_saved_already():
        return redirect("meetings:council_information", pk=council.pk)
    if request.method == "POST" and form.is_valid():
        try:
            actions.member_information_add(
                council=council,
                values=form.cleaned_data,
                upload=form.cleaned_data.get("file"),
                acting_user=request.user,
                form_token=form.token,
            )
        except once.AlreadySaved:
            return redirect("meetings:council_information", pk=council.pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("委員からの情報を記録しました。署長に報告してください。"))
            return redirect("meetings:council_information", pk=council.pk)
    back = ("meetings:council_information", council.pk)
    return _form_page(request, form, title=_("委員からの情報の記録"), council=council, back=back, multipart=True)


@require(Perm.MANAGE_MEETINGS)
def information_report(request, pk):
    """C9.1: mark the chosen items as reported to the station chief (POST from the council's information page)."""
    council = _council(request, pk)
    require_change(request.user, council, Perm.MANAGE_MEETINGS)
    if request.method != "POST":
        return redirect("meetings:council_information", pk=council.pk)
    unreported = council.member_information.filter(reported_on__isnull=True).select_related("council")
    form = InformationReportForm(request.POST, items=unreported)
    if form.is_valid():
        try:
            done = actions.member_information_report(
                items=list(form.cleaned_data["ids"]),
                reported_on=form.cleaned_data["reported_on"],
                acting_user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(n)s件を署長に報告済みにしました。") % {"n": len(done)})
    else:
        messages.error(request, _("報告した情報と報告日を確かめてください。"))
    return redirect("meetings:council_information", pk=council.pk)


@require(Perm.VIEW_COUNCILS)
def information_file(request, pk):
    item = get_visible_or_404(request.user, MemberInformation, pk=pk)
    if not item.file:
        raise Http404
    return download_response(item.file.open("rb"), item.file.name.rsplit("/", 1)[-1])


# --- contacts with members (C9.2) -----------------------------------------------------------------------------------


@require(Perm.VIEW_COUNCILS)
def council_contacts(request, pk):
    """C9.2: the operation staff's visits and calls to the council's members, newest first."""
    council = _council(request, pk)
    contacts = MemberContact.objects.filter(council=council).select_related("person", "officer").order_by("-on", "-pk")
    return render(
        request,
        "meetings/followup/contact_list.html",
        {
            "council": council,
            "page": Paginator(contacts, PAGE).get_page(request.GET.get("page")),
            "may_change": can_change(request.user, council, Perm.MANAGE_MEETINGS),
        },
    )


@require(Perm.MANAGE_MEETINGS)
def contact_new(request, pk):
    council = _council(request, pk)
    require_change(request.user, council, Perm.MANAGE_MEETINGS)
    officers = Officer.objects.filter(station=council.station_id, active=True).order_by("family_kana", "pk")
    form = MemberContactForm(
        request.POST or None,
        members=_members(council, today_tokyo()),
        officers=officers,
        user=request.user,
        initial={"on": today_tokyo()},
    )
    if request.method == "POST" and form.is_saved_already():
        return redirect("meetings:council_contacts", pk=council.pk)
    if request.method == "POST" and form.is_valid():
        try:
            actions.member_contact_add(
                council=council, values=form.cleaned_data, acting_user=request.user, form_token=form.token
            )
        except once.AlreadySaved:
            return redirect("meetings:council_contacts", pk=council.pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("委員への連絡・訪問を記録しました。"))
            return redirect("meetings:council_contacts", pk=council.pk)
    back = ("meetings:council_contacts", council.pk)
    return _form_page(request, form, title=_("委員への連絡・訪問の記録"), council=council, back=back)
