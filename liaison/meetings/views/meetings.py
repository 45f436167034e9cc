"""The meetings' screens (C7, C8.1, C10): the station's list (C10.1) and month calendar, a meeting's page, scheduling
and changing it, attendance, materials, election periods, and each officer's calendar address."""

from __future__ import annotations

import calendar
import datetime

import jpholiday
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.access.permissions import Perm
from liaison.access.policy import (
    can_change,
    for_work,
    get_visible_or_404,
    has_perm,
    officer_of,
    public,
    require,
    require_change,
    sees_all_stations,
    visible_to,
)
from liaison.audit.exports import export_list, wants_export
from liaison.audit.log import record
from liaison.audit.models import AuditEntry
from liaison.councils.models import Council
from liaison.lib import once
from liaison.lib.dates import check_office_date, parse_date_input, today_tokyo
from liaison.lib.downloads import download_response
from liaison.lib.exports import Column, Table
from liaison.lib.ids import parse_id
from liaison.lib.versioning import StaleEdit, show_conflict
from liaison.lib.wareki import to_wareki
from liaison.org.models import Koban, Officer

from .. import ical as ics
from .. import queries, rules, sections
from ..actions import meetings as actions
from ..forms import (
    AttendanceForm,
    CancelForm,
    ElectionPeriodForm,
    GuestFormSet,
    MaterialForm,
    MeetingForm,
)
from ..models import CalendarFeed, ElectionPeriod, Material, Meeting
from ..queries_followup import open_activities

PAGE_SIZE = 50


def _meeting(request, pk) -> Meeting:
    return get_visible_or_404(
        request.user, Meeting.objects.select_related("council", "council__station", "election_period"), pk=pk
    )


def _councils_for_work(user):
    return for_work(user, Council).filter(status=Council.Status.ACTIVE).order_by("name", "pk")


def _year(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if len(text) == 4 and text.isascii() and text.isdigit() and 1989 <= int(text) <= 2100 else None


@require(Perm.VIEW_COUNCILS)
def meeting_list(request):
    """The station's meetings (C10.1): every council's meetings and progress in one list, filtered by council,
    koban, kind, status and fiscal year; paged in the database; ``?format=xlsx`` exports the filtered list."""
    councils = visible_to(request.user, Council).order_by("name", "pk")
    params = {k: request.GET.get(k, "") for k in ("council", "koban", "kind", "status", "year")}
    meetings = queries.filtered(
        visible_to(request.user, Meeting),
        council_id=parse_id(params["council"]),
        koban_id=parse_id(params["koban"]),
        kind=params["kind"],
        status=params["status"],
        year=_year(params["year"]),
    )
    meetings = queries.for_list(meetings)
    if wants_export(request):
        return _export(request, meetings)
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    one_station = not sees_all_stations(request.user)
    this_year = rules.fiscal_year(today_tokyo())
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "page": page,
            "params": params,
            "councils": councils if one_station else Council.objects.none(),
            "kobans": visible_to(request.user, Koban).filter(active=True) if one_station else Koban.objects.none(),
            "kinds": Meeting.Kind.choices,
            "statuses": Meeting.Status.choices,
            "years": list(range(this_year + 1, this_year - 5, -1)),
            "can_schedule": has_perm(request.user, Perm.MANAGE_MEETINGS),
        },
    )


MEETING_TABLE = Table(
    "会議一覧",
    [
        Column("開催日時", 18, lambda m: timezone.localtime(m.starts_at)),
        Column("警察署", 12, lambda m: m.council.station.name),
        Column("協議会", 24, lambda m: m.council.name),
        Column("会議種別", 10, lambda m: m.get_kind_display()),
        Column("回", 5, lambda m: m.number),
        Column("状態", 8, lambda m: m.get_status_display()),
        Column("開催場所", 24, lambda m: f"{m.get_venue_kind_display()} {m.venue_name}"),
        Column("参加委員数", 8, lambda m: m.member_count),
        Column("委員以外", 8, lambda m: m.guest_count),
        Column("参加警察官数", 8, lambda m: m.police_count),
        Column("テーマ", 30, lambda m: "、".join(str(dict(Meeting.Theme.choices).get(t, t)) for t in m.themes or [])),
        Column("備考", 30, lambda m: m.remarks),
    ],
)


def _export(request, meetings):
    """The filtered list, every page, as Excel or CSV. It names councils, venues and counts, no civilian: no personal
    data, but exports are audited all the same, as the record of who took the list away."""
    return export_list(request, MEETING_TABLE, meetings, action="meeting.export")


@require(Perm.VIEW_COUNCILS)
def meeting_calendar(request):
    """A month of the station's meetings (``?month=2026-05``), each day with its holiday name."""
    today = today_tokyo()
    year, month = today.year, today.month
    text = request.GET.get("month", "")
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        if 1989 <= int(text[:4]) <= 2100 and 1 <= int(text[5:]) <= 12:
            year, month = int(text[:4]), int(text[5:])
    by_day: dict[int, list] = {}
    for m in queries.in_month(visible_to(request.user, Meeting), year, month):
        by_day.setdefault(timezone.localtime(m.starts_at).day, []).append(m)
    weeks = []
    for week in calendar.Calendar(firstweekday=6).monthdatescalendar(year, month):
        weeks.append(
            [
                {
                    "date": d,
                    "in_month": d.month == month,
                    "holiday": _holiday_name(d),
                    "meetings": by_day.get(d.day, []) if d.month == month else [],
                }
                for d in week
            ]
        )
    prev = datetime.date(year, month, 1) - datetime.timedelta(days=1)
    nxt = datetime.date(year, month, 28) + datetime.timedelta(days=4)
    return render(
        request,
        "meetings/meeting_calendar.html",
        {
            "weeks": weeks,
            "year": year,
            "month": month,
            "title": to_wareki(datetime.date(year, month, 1)).rsplit("月", 1)[0] + "月",
            "prev": f"{prev.year:04d}-{prev.month:02d}",
            "next": f"{nxt.year:04d}-{nxt.month:02d}",
        },
    )


@require(Perm.VIEW_COUNCILS)
def holiday(request):
    """htmx: the Japanese public holiday (and the weekday) of the date being typed into a meeting form."""
    try:
        day = check_office_date(parse_date_input(request.GET.get("date", "")))
    except ValueError:  # not a date, or outside the office range the form accepts: nothing to show yet
        return HttpResponse('<span id="holiday" aria-live="polite"></span>')
    return render(request, "meetings/_holiday.html", {"day": day, "holiday": _holiday_name(day)})


def _holiday_name(day: datetime.date) -> str:
    """The public holiday of ``day``, or "" (also for a stored odd date the holiday table cannot look at)."""
    try:
        return jpholiday.is_holiday_name(day) or ""
    except (OverflowError, ValueError):
        return ""


def _holiday_of(meeting: Meeting) -> str:
    return _holiday_name(timezone.localtime(meeting.starts_at).date())


@require(Perm.MANAGE_MEETINGS)
def meeting_create(request):
    """Schedule a meeting of a council the user works for (C7.1, C7.3, C8.1, C10.3)."""
    councils = _councils_for_work(request.user)
    initial = {"council": parse_id(request.GET.get("council")), "kind": Meeting.Kind.REGULAR}
    initial["venue_kind"] = Meeting.VenueKind.KOBAN
    # C8.2: the council's open problem-solving activities are offered as a theme of its next meeting.
    council_id = parse_id(request.POST.get("council") if request.method == "POST" else request.GET.get("council"))
    offered = list(open_activities(council_id).filter(council__in=councils)) if council_id else []
    if offered:
        initial["themes"] = [Meeting.Theme.PROBLEM_SOLVING]
    form = MeetingForm(request.POST or None, councils=councils, initial=initial)
    if request.method == "POST" and form.is_saved_already():
        messages.info(request, _("この会議はすでに登録されています。"))
        return redirect("meetings:detail", pk=form.saved_pk) if form.saved_pk else redirect("meetings:list")
    if request.method == "POST" and form.is_valid():
        council = form.cleaned_data["council"]
        require_change(request.user, council, Perm.MANAGE_MEETINGS)
        try:
            meeting = actions.meeting_schedule(
                council=council,
                values=form.values(),
                election_override_reason=form.cleaned_data["election_override_reason"],
                acting_user=request.user,
                form_token=form.token,
            )
        except once.AlreadySaved as saved:
            messages.info(request, _("この会議はすでに登録されています。"))
            return redirect("meetings:detail", pk=saved.result_pk) if saved.result_pk else redirect("meetings:list")
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(meeting)sを登録しました。") % {"meeting": meeting})
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "holiday": "", "open_activities": offered})


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require(Perm.MANAGE_MEETINGS)
def meeting_edit(request, pk):
    meeting = _meeting(request, pk)
    require_change(request.user, meeting.council, Perm.MANAGE_MEETINGS)
    councils = visible_to(request.user, Council).filter(pk=meeting.council_id)
    form = MeetingForm(request.POST or None, councils=councils, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            actions.meeting_update(
                # A fresh copy: the form has written its values into ``meeting`` already.
                meeting=get_visible_or_404(request.user, Meeting.objects.select_related("council"), pk=meeting.pk),
                values=form.values(),
                version=form.read_version,
                election_override_reason=form.cleaned_data["election_override_reason"],
                acting_user=request.user,
            )
        except StaleEdit as stale:
            show_conflict(request, form, stale)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("保存しました。"))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request, "meetings/meeting_form.html", {"form": form, "meeting": meeting, "holiday": _holiday_of(meeting)}
    )


@require(Perm.VIEW_COUNCILS)
def meeting_detail(request, pk):
    """A meeting: when and where, themes, the ad hoc meeting's trigger and measures, the election override,
    attendance with Form 3's figures, materials, minutes and remarks; the opinions raised follow (their own part)."""
    meeting = _meeting(request, pk)
    attendance = queries.attendance_of(meeting)
    themes = dict(Meeting.Theme.choices)
    measures = dict(Meeting.Measure.choices)
    can_manage = can_change(request.user, meeting.council, Perm.MANAGE_MEETINGS)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "holiday": _holiday_of(meeting),
            "themes": [themes.get(t, t) for t in meeting.themes or []],
            "measures": [measures.get(t, t) for t in meeting.measures or []],
            "materials": meeting.materials.all(),
            "can_manage": can_manage and meeting.status != Meeting.Status.CANCELLED,
            "can_hold": can_manage
            and meeting.status == Meeting.Status.PLANNED
            and timezone.localtime(meeting.starts_at).date() <= today_tokyo(),
            "can_cancel": can_manage and meeting.status == Meeting.Status.PLANNED,
            "sections": sections.render_for(request, meeting),
            **attendance,
        },
    )


@require(Perm.MANAGE_MEETINGS)
def meeting_hold(request, pk):
    meeting = _meeting(request, pk)
    require_change(request.user, meeting.council, Perm.MANAGE_MEETINGS)
    if request.method == "POST":
        try:
            actions.meeting_hold(meeting=meeting, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("開催済にしました。出席者と議事の概要を記録してください。"))
    return redirect("meetings:detail", pk=meeting.pk)


@require(Perm.MANAGE_MEETINGS)
def meeting_cancel(request, pk):
    meeting = _meeting(request, pk)
    require_change(request.user, meeting.council, Perm.MANAGE_MEETINGS)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.meeting_cancel(meeting=meeting, reason=form.cleaned_data["reason"], acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("会議を中止にしました。"))
        return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/meeting_cancel.html", {"form": form, "meeting": meeting})


def _officers_for(user):
    return visible_to(user, Officer).filter(active=True).select_related("section", "koban", "station", "hq_division")


@require(Perm.MANAGE_MEETINGS)
def meeting_attendance(request, pk):
    """Attendance (C7.4, C10.2): members serving on the day, guests, and police attendees classed by rank, section
    and post; the figures of Form 3 are shown before saving (htmx posts ``preview``)."""
    meeting = _meeting(request, pk)
    require_change(request.user, meeting.council, Perm.MANAGE_MEETINGS)
    memberships = queries.members_on_day(meeting)
    officers = _officers_for(request.user)
    recorded = queries.attendance_of(meeting)
    initial = {
        "members": [a.membership_id for a in recorded["attendances"]],
        "officers": [p.officer_id for p in recorded["police"]],
    }
    guest_initial = [{"name": g.name, "affiliation": g.affiliation, "reason": g.reason} for g in recorded["guests"]]
    data = request.POST if request.method == "POST" else None
    form = AttendanceForm(data, memberships=memberships, officers=officers, user=request.user, initial=initial)
    guests = GuestFormSet(data, prefix="guest", initial=guest_initial)
    counts = recorded["counts"]
    if data is not None and form.is_valid() and guests.is_valid():
        chosen_members = list(form.cleaned_data["members"])
        chosen_officers = form.chosen_officers()
        guest_rows = [g for g in (f.cleaned_data for f in guests.forms) if g and (g.get("name") or "").strip()]
        if "preview" in request.POST:
            counts = rules.attendance_counts(
                members=len(chosen_members),
                guests=len(guest_rows),
                classes=[actions.classify(o) for o in chosen_officers],
            )
        else:
            try:
                actions.attendance_record(
                    meeting=meeting,
                    memberships=chosen_members,
                    guests=guest_rows,
                    officers=chosen_officers,
                    acting_user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("出席者を記録しました。"))
                return redirect("meetings:detail", pk=meeting.pk)
    # The officers offered as ticks: those already recorded and those of the council's kobans and community section;
    # anyone else of the station is added with the picker.
    offered = officers.filter(
        Q(pk__in=initial["officers"])
        | Q(koban__in=meeting.council.kobans.all())
        | Q(section__is_community=True, station=meeting.council.station)
    ).order_by("sort_key", "pk")[:60]
    ticked = {str(v) for v in (form["officers"].value() or [])}
    return render(
        request,
        "meetings/attendance_form.html",
        {
            "meeting": meeting,
            "form": form,
            "guests": guests,
            "counts": counts,
            "offered": [{"o": o, "checked": str(o.pk) in ticked, "cls": actions.classify(o)} for o in offered],
        },
    )


@require(Perm.MANAGE_MEETINGS)
def meeting_materials(request, pk):
    """Materials (C10.5): upload a file, or pick materials the station used before."""
    meeting = _meeting(request, pk)
    require_change(request.user, meeting.council, Perm.MANAGE_MEETINGS)
    earlier = visible_to(request.user, Material).filter(station=meeting.council.station).exclude(meetings=meeting)
    form = MaterialForm(request.POST or None, request.FILES or None, earlier=earlier)
    if request.method == "POST" and "remove" in request.POST:
        material = meeting.materials.filter(pk=parse_id(request.POST.get("remove"))).first()
        if material is not None:
            actions.meeting_material_remove(meeting=meeting, material=material, acting_user=request.user)
            messages.success(request, _("資料を外しました。"))
        return redirect("meetings:materials", pk=meeting.pk)
    if request.method == "POST" and form.is_valid():
        actions.meeting_materials_set(
            meeting=meeting,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            reused=list(form.cleaned_data["reuse"]),
            acting_user=request.user,
        )
        messages.success(request, _("資料を添付しました。"))
        return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "meetings/materials_form.html",
        {"meeting": meeting, "form": form, "attached": meeting.materials.all(), "earlier": earlier[:100]},
    )


@require(Perm.VIEW_COUNCILS)
def material_download(request, pk):
    material = get_visible_or_404(request.user, Material, pk=pk)
    if not material.file:
        raise Http404
    return download_response(material.file.open("rb"), material.file.name.rsplit("/", 1)[-1])


# --- Election periods (C10.3) ------------------------------------------------------------------------------------


def _periods_for(user):
    """HQ's periods and the own station's (HQ sees every station's)."""
    periods = ElectionPeriod.objects.select_related("station")
    if sees_all_stations(user):
        return periods
    return periods.filter(Q(station__isnull=True) | Q(station_id=officer_of(user).station_id))


@require(Perm.VIEW_COUNCILS)
def election_periods(request):
    """The election periods meetings avoid; HQ records the prefecture's, stations their own (C10.3)."""
    can_record = has_perm(request.user, Perm.MANAGE_ELECTION_PERIODS)
    officer = officer_of(request.user)
    hq = sees_all_stations(request.user)
    towns = Koban.objects.filter(active=True)
    if not hq:
        towns = towns.filter(station_id=officer.station_id)
    municipalities = sorted(set(towns.values_list("municipality", flat=True)))
    form = None
    if can_record:
        form = ElectionPeriodForm(request.POST or None, municipalities=municipalities, allow_whole=hq)
        if request.method == "POST" and form.is_valid():
            try:
                actions.election_period_create(
                    values=form.cleaned_data, station=None if hq else officer.station, acting_user=request.user
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("選挙期間を登録しました。"))
                return redirect("meetings:election_periods")
    periods = _periods_for(request.user).filter(ends_on__gte=today_tokyo() - datetime.timedelta(days=365))
    rows = [{"p": p, "can_delete": can_record and (hq or p.station_id == officer.station_id)} for p in periods]
    return render(request, "meetings/election_periods.html", {"rows": rows, "form": form})


@require(Perm.MANAGE_ELECTION_PERIODS)
def election_period_delete(request, pk):
    period = get_visible_or_404(request.user, _periods_for(request.user), pk=pk)
    if not sees_all_stations(request.user) and period.station_id != officer_of(request.user).station_id:
        raise Http404
    if request.method == "POST":
        try:
            actions.election_period_delete(period=period, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("選挙期間を削除しました。"))
    return redirect("meetings:election_periods")


# --- Calendar feed -----------------------------------------------------------------------------------------------

FEED_RATE = 30  # requests per address per minute: calendar apps poll every few minutes; more is not a calendar


@require(Perm.VIEW_COUNCILS)
def calendar_feed(request):
    """The officer's calendar address: issue or renew it (the old one stops) or stop it. The address is shown once."""
    officer = officer_of(request.user)
    new_url = ""
    if request.method == "POST":
        if "stop" in request.POST:
            actions.calendar_feed_stop(officer=officer, acting_user=request.user)
            messages.success(request, _("配信アドレスを停止しました。"))
            return redirect("meetings:calendar_feed")
        token = actions.calendar_feed_renew(officer=officer, acting_user=request.user)
        new_url = request.build_absolute_uri(reverse("meetings:ical", kwargs={"token": token}))
        messages.success(request, _("新しい配信アドレスを発行しました。以前のアドレスは使えなくなりました。"))
    feed = CalendarFeed.objects.filter(officer=officer).first()
    return render(request, "meetings/calendar_feed.html", {"feed": feed, "new_url": new_url})


def _audit_feed_throttled(digest: str) -> None:
    # The address is the feed's key and is never logged; the entry names whose feed it is.
    feed = CalendarFeed.objects.select_related("officer").filter(token_hash=digest).first()
    record(
        user=None,
        action="auth.throttled",
        summary="カレンダー配信への要求が多すぎるため、一時的に断りました",
        kind=AuditEntry.Kind.AUTH,
        station=feed.officer.station_id if feed is not None else None,
        detail={"officer": feed.officer_id if feed is not None else None},
    )


@public
def ical(request, token):
    """The iCalendar feed of one officer: the meetings of the councils they may see for work, from 90 days back.

    The address is the key, so: only a hash is stored and compared; an unknown token and a retired officer look the
    same (404); each address is limited to ``FEED_RATE`` requests a minute (per process); the feed holds no
    civilian's name, only the council, kind, time and venue.
    """
    if len(token) > 100:
        raise Http404
    digest = actions.token_hash(token)
    key = f"ical-rate:{digest}"
    try:
        hits = cache.incr(key)
    except ValueError:  # the first request of this minute
        cache.add(key, 1, timeout=60)
        hits = 1
    if hits > FEED_RATE:
        if hits == FEED_RATE + 1:  # audited once a minute per address, not once per refused request
            _audit_feed_throttled(digest)
        return HttpResponse(status=429, headers={"Retry-After": "60"})
    feed = CalendarFeed.objects.select_related("officer__user").filter(token_hash=digest).first()
    if feed is None or not feed.officer.active or not feed.officer.user.is_active:
        raise Http404
    since = timezone.now() - datetime.timedelta(days=90)
    meetings = (
        for_work(feed.officer.user, Meeting)
        .filter(starts_at__gte=since)
        .select_related("council")
        .order_by("starts_at", "pk")[: ics.MAX_EVENTS]
    )
    body = ics.calendar(meetings, host=request.get_host(), name=_("連絡協議会の会議"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


# --- the council page's section (registered in apps.py) -----------------------------------------------------------

COUNCIL_SECTION_SHOWN = 5  # the council's latest meetings on its page; the link leads to the full list


def council_meetings_section(request, council):
    """C7.1, C10.1: the council page's latest meetings (date, kind and number, status) with links to the council's
    meeting list and to scheduling one; two queries whatever the number of meetings."""
    meetings = visible_to(request.user, Meeting).filter(council=council).order_by("-starts_at", "-pk")
    shown = list(meetings[: COUNCIL_SECTION_SHOWN + 1])  # one more than shown says whether there are more
    return {
        "meetings": shown[:COUNCIL_SECTION_SHOWN],
        "more": len(shown) > COUNCIL_SECTION_SHOWN,
        "can_schedule": council.status == Council.Status.ACTIVE
        and can_change(request.user, council, Perm.MANAGE_MEETINGS),
    }
