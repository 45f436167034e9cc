"""The screens of 地域安全の会 (N3.3): the station's meetings (paged in the database), one meeting with its attendees
and the opinions received there with their status, recording and changing a meeting, and recording an opinion."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from liaison.access.permissions import Perm
from liaison.access.policy import (
    can_change,
    get_visible_or_404,
    has_perm,
    officer_of,
    require,
    require_change,
    visible_to,
)
from liaison.audit.exports import export_list, wants_export
from liaison.lib import once
from liaison.lib.exports import Column, Table
from liaison.lib.versioning import StaleEdit, show_conflict
from liaison.org.models import Section
from liaison.people.models import Person

from ..actions import safety_meetings as actions
from ..forms_safety_meetings import SafetyMeetingForm, SafetyMeetingOpinionForm
from ..models import ContactPerson, SafetyMeeting, SafetyMeetingCase

PAGE = 30
SAFETY_MEETING_TABLE = Table(
    "地域安全の会",
    [
        Column("開催日", 16, lambda m: m.held_on),
        Column("警察署", 14, lambda m: m.station.name),
        Column("会場", 24, lambda m: m.venue),
        Column("合わせて開催した会合", 24, lambda m: m.held_with),
        Column("出席した連絡員", 10, lambda m: m.attendee_count),
        Column("意見・要望", 8, lambda m: m.case_count),
    ],
)


def _count(model, link: str):
    """The number of ``model`` rows pointing at the meeting, as a correlated subquery (no join that multiplies rows)."""
    rows = model.objects.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


@require(Perm.VIEW_CONTACTS)
def safety_meeting_list(request):
    """The 地域安全の会 of the user's station (HQ: every station), newest first, with the number of contact persons who
    attended and of opinions received: one query for the page, one for the count."""
    attendees = SafetyMeeting.contacts.through
    meetings = (
        visible_to(request.user, SafetyMeeting)
        .select_related("station")
        .annotate(attendee_count=_count(attendees, "safetymeeting"), case_count=_count(SafetyMeetingCase, "meeting"))
        .order_by("-held_on", "-pk")
    )
    if wants_export(request):
        return export_list(request, SAFETY_MEETING_TABLE, meetings, action="network.safety_meeting_list_export")
    page = Paginator(meetings, PAGE).get_page(request.GET.get("page"))
    officer = officer_of(request.user)
    return render(
        request,
        "network/safety_meetings/list.html",
        {
            "page": page,
            "can_create": has_perm(request.user, Perm.MANAGE_SAFETY_MEETINGS) and officer.station_id is not None,
        },
    )


def _meeting(request, pk):
    return get_visible_or_404(request.user, SafetyMeeting.objects.select_related("station"), pk=pk)


@require(Perm.VIEW_CONTACTS)
def safety_meeting_detail(request, pk):
    """One 地域安全の会: when and where, with what, who attended, topics, materials and the opinions received (each a
    case, shown with its action status)."""
    meeting = _meeting(request, pk)
    return render(
        request,
        "network/safety_meetings/detail.html",
        {
            "meeting": meeting,
            "attendees": meeting.contacts.select_related("person", "koban").order_by("person__sort_key", "pk"),
            "opinions": meeting.case_links.select_related("case", "case__section").order_by("pk"),
            "may_change": can_change(request.user, meeting, Perm.MANAGE_SAFETY_MEETINGS),
        },
    )


def _contacts(station, meeting=None):
    """Who may be picked as attendees: the station's contact persons in an active consent state (never one who
    declined or withdrew, N4.2), plus those already recorded as attending, in 五十音順."""
    contacts = ContactPerson.objects.filter(station=station, consent__in=ContactPerson.ACTIVE)
    if meeting is not None:
        contacts = contacts | ContactPerson.objects.filter(pk__in=meeting.contacts.values("pk"))
    return contacts.select_related("person", "koban").order_by("person__sort_key", "pk")


def _form_page(request, form, meeting=None):
    station_id = meeting.station_id if meeting else officer_of(request.user).station_id
    form.fields["held_with"].widget.attrs["list"] = "held-with-names"
    # Names already used at this station offered as suggestions: the same 防犯協会総会 is typed the same way each year.
    names = (
        SafetyMeeting.objects.filter(station_id=station_id)
        .exclude(held_with="")
        .order_by("held_with")
        .values_list("held_with", flat=True)
        .distinct()[:50]
    )
    return render(
        request, "network/safety_meetings/form.html", {"form": form, "meeting": meeting, "held_with_names": names}
    )


@require(Perm.MANAGE_SAFETY_MEETINGS)
def safety_meeting_create(request):
    """Record a 地域安全の会 of the user's station."""
    station = officer_of(request.user).station
    if station is None:
        raise PermissionDenied
    form = SafetyMeetingForm(request.POST or None, contacts=_contacts(station))
    if request.method == "POST" and form.is_saved_already():
        messages.info(request, _("この地域安全の会はすでに登録されています。"))
        return (
            redirect("network:safety_meeting_detail", pk=form.saved_pk)
            if form.saved_pk
            else redirect("network:safety_meeting_list")
        )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.safety_meeting_create(
                station=station,
                values=form.values(),
                contacts=list(form.cleaned_data["contacts"]),
                acting_user=request.user,
                form_token=form.token,
            )
        except once.AlreadySaved as saved:
            messages.info(request, _("この地域安全の会はすでに登録されています。"))
            if saved.result_pk:
                return redirect("network:safety_meeting_detail", pk=saved.result_pk)
            return redirect("network:safety_meeting_list")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("地域安全の会を記録しました。"))
            return redirect("network:safety_meeting_detail", pk=meeting.pk)
    return _form_page(request, form)


@require(Perm.MANAGE_SAFETY_MEETINGS)
def safety_meeting_edit(request, pk):
    """Change a 地域安全の会; a save over someone else's gets the conflict screen."""
    meeting = _meeting(request, pk)
    require_change(request.user, meeting, Perm.MANAGE_SAFETY_MEETINGS)
    form = SafetyMeetingForm(request.POST or None, instance=meeting, contacts=_contacts(meeting.station, meeting))
    if request.method == "POST" and form.is_valid():
        try:
            actions.safety_meeting_update(
                meeting=meeting,
                values=form.values(),
                contacts=list(form.cleaned_data["contacts"]),
                version=form.read_version,
                acting_user=request.user,
            )
        except StaleEdit as stale:
            show_conflict(request, form, stale)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("保存しました。"))
            return redirect("network:safety_meeting_detail", pk=meeting.pk)
    return _form_page(request, form, meeting)


@require(Perm.MANAGE_SAFETY_MEETINGS)
def safety_meeting_opinion(request, pk):
    """Record an opinion or request received at a 地域安全の会: it becomes a case of the station, linked to the
    meeting."""
    meeting = _meeting(request, pk)
    require_change(request.user, meeting, Perm.MANAGE_SAFETY_MEETINGS)
    form = SafetyMeetingOpinionForm(
        request.POST or None,
        people=Person.objects.filter(pk__in=meeting.contacts.values("person_id")).order_by("sort_key", "pk"),
        sections=Section.objects.filter(station=meeting.station_id).order_by("order", "name"),
    )
    if request.method == "POST" and form.is_saved_already():
        messages.info(request, _("この意見・要望はすでに登録されています。"))
        return redirect("network:safety_meeting_detail", pk=meeting.pk)
    if request.method == "POST" and form.is_valid():
        try:
            actions.safety_meeting_opinion_add(
                meeting=meeting, values=form.cleaned_data, acting_user=request.user, form_token=form.token
            )
        except once.AlreadySaved:
            messages.info(request, _("この意見・要望はすでに登録されています。"))
            return redirect("network:safety_meeting_detail", pk=meeting.pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("意見・要望を記録しました。"))
            return redirect("network:safety_meeting_detail", pk=meeting.pk)
    return render(request, "network/safety_meetings/opinion_form.html", {"form": form, "meeting": meeting})
