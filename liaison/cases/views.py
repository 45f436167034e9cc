"""The cases' screens: the station's case list (filters, pages, Excel), a case, recording and editing one, its
action status and the day the raiser was told (C8.2, N3.1)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.access.permissions import Perm
from liaison.access.policy import (
    can_change,
    for_work,
    get_visible_or_404,
    has_perm,
    officer_of,
    require,
    require_change,
    sees_all_stations,
    visible_to,
)
from liaison.audit.exports import export_list, wants_export
from liaison.lib import once
from liaison.lib.dates import today_tokyo
from liaison.lib.versioning import StaleEdit, show_conflict
from liaison.org.models import Koban, Officer, Section, Station
from liaison.org.picker import station_filter

from . import actions, queries
from . import findings as case_findings
from .export import case_table
from .forms import CaseFilterForm, CaseForm, ProgressForm, ToldForm
from .models import Case

PAGE = 50


def _station_scope(request):
    """The station the list is of and HQ's station filter: the user's own station and no filter, or for HQ the one
    chosen in the filter (None: every station, also for an id that is not a station HQ sees).

    The list and both exports read the station from the filter, so the station picked from the picker's results
    (without JavaScript) is the one exported too."""
    if not sees_all_stations(request.user):
        return officer_of(request.user).station, None
    stations = visible_to(request.user, Station)
    by_station = station_filter(request, stations.filter(active=True))
    station_id = by_station.chosen_id
    return (stations.filter(pk=station_id).first() if station_id else None), by_station


def _filter_form(request, station):
    cases = visible_to(request.user, Case)
    if station is not None:
        cases = cases.filter(station=station)
    sections = Section.objects.filter(station=station) if station else Section.objects.none()
    kobans = Koban.objects.filter(station=station) if station else Koban.objects.none()
    form = CaseFilterForm(
        request.GET or None,
        sections=sections,
        kobans=kobans,
        years=queries.fiscal_years(cases, today_tokyo()),
    )
    return cases, form


@require(Perm.VIEW_STATION)
def case_list(request):
    """A station's opinions and requests, newest first, filtered and paged in the database (a fixed number of
    queries whatever the number of cases); each row with its stored findings."""
    station, by_station = _station_scope(request)
    cases, form = _filter_form(request, station)
    filters = form.filters()
    selected = queries.for_list(queries.filtered(cases, filters))
    if wants_export(request):
        return _export(request, selected, station)
    page = Paginator(selected, PAGE).get_page(request.GET.get("page"))
    found = case_findings.stored([c.pk for c in page.object_list])
    rows = [{"case": c, "findings": found.get(c.pk, [])} for c in page.object_list]
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "station": station,
            "station_filter": by_station,
            "show_names": has_perm(request.user, Perm.VIEW_PEOPLE),
            "can_create": has_perm(request.user, Perm.MANAGE_CASES) and not sees_all_stations(request.user),
            "query": request.GET.urlencode(),
        },
    )


@require(Perm.VIEW_STATION)
def case_export(request):
    """The filtered list as a file (Excel unless ``?format=csv``): the list's own export, at its older address."""
    station, _by_station = _station_scope(request)
    cases, form = _filter_form(request, station)
    selected = queries.for_list(queries.filtered(cases, form.filters()))
    return _export(request, selected, station, back=reverse("cases:list"))


def _export(request, cases, station, back=None):
    """Every case the filtered list shows, streamed; audited (of personal data when the raisers' names are in it)."""
    table = case_table(with_names=has_perm(request.user, Perm.VIEW_PEOPLE))
    return export_list(request, table, cases, action="case.export", station=station, back=back)


def _case(request, pk):
    return get_visible_or_404(
        request.user, Case.objects.select_related("station", "koban", "section", "raised_by_person"), pk=pk
    )


@require(Perm.VIEW_STATION)
def case_detail(request, pk):
    """One case: what was asked, the answer, the section in charge, the history of its action status."""
    case = _case(request, pk)
    may_change = can_change(request.user, case, Perm.MANAGE_CASES)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "updates": case.updates.select_related("officer", "created_by"),
            "findings": case_findings.live(case, today_tokyo()),
            "show_names": has_perm(request.user, Perm.VIEW_PEOPLE),
            "may_change": may_change,
            "progress_form": ProgressForm(
                case=case, officers=_officers(case), user=request.user, initial={"on": today_tokyo()}
            )
            if may_change
            else None,
            "told_form": ToldForm(case=case, initial={"told_on": today_tokyo()})
            if may_change and case.status not in ("received", "considering")
            else None,
        },
    )


def _officers(case):
    return Officer.objects.filter(station=case.station, active=True).order_by("family_kana", "given_kana", "pk")


def _form_scope(request, station):
    """Kobans and sections a case of ``station`` may name: koban-level roles only their own koban (required)."""
    kobans = for_work(request.user, Koban).filter(station=station, active=True)
    sections = Section.objects.filter(station=station).order_by("order", "name")
    return kobans, sections, has_perm(request.user, Perm.KOBAN_ONLY)


@require(Perm.MANAGE_CASES)
def case_create(request):
    """Record an opinion or request (受付): content, category, who raised it, the answer given, the section."""
    officer = officer_of(request.user)
    station = officer.station
    if station is None:  # HQ roles follow cases up; the station that received one records it
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    kobans, sections, koban_required = _form_scope(request, station)
    initial = {"received_on": today_tokyo(), "koban": officer.koban_id}
    form = CaseForm(
        request.POST or None,
        kobans=kobans,
        sections=sections,
        user=request.user,
        koban_required=koban_required,
        initial=initial,
    )
    if request.method == "POST" and form.is_saved_already():
        messages.info(request, _("この意見・要望はすでに登録されています。"))
        return redirect("cases:detail", pk=form.saved_pk) if form.saved_pk else redirect("cases:list")
    if request.method == "POST" and form.is_valid():
        try:
            case = actions.case_create(
                station=station, values=form.values(), acting_user=request.user, form_token=form.token
            )
        except once.AlreadySaved as saved:
            messages.info(request, _("この意見・要望はすでに登録されています。"))
            return redirect("cases:detail", pk=saved.result_pk) if saved.result_pk else redirect("cases:list")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("意見・要望を登録しました。"))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form})


@require(Perm.MANAGE_CASES)
def case_edit(request, pk):
    case = _case(request, pk)
    require_change(request.user, case, Perm.MANAGE_CASES)
    kobans, sections, koban_required = _form_scope(request, case.station)
    form = CaseForm(
        request.POST or None,
        instance=case,
        kobans=kobans,
        sections=sections,
        user=request.user,
        koban_required=koban_required,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.case_update(case=case, values=form.values(), version=form.read_version, acting_user=request.user)
        except StaleEdit as stale:
            show_conflict(request, form, stale)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("保存しました。"))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "case": case})


@require(Perm.MANAGE_CASES)
def case_progress(request, pk):
    """Record a step of the action status (措置状況): the only way the status changes."""
    case = _case(request, pk)
    require_change(request.user, case, Perm.MANAGE_CASES)
    form = ProgressForm(
        request.POST or None, case=case, officers=_officers(case), user=request.user, initial={"on": today_tokyo()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.case_progress(
                case=case,
                status=data["status"],
                on=data["on"],
                note=data["note"],
                officer=data["officer"],
                version=form.read_version,
                acting_user=request.user,
            )
        except StaleEdit as stale:
            messages.error(
                request, _("あなたが入力している間に、他の人がこの意見・要望を更新しました。内容を確認してください。")
            )
            form = ProgressForm(request.POST, case=stale.current, officers=_officers(case), user=request.user)
            form.mark_stale(stale.current)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("措置状況を記録しました。"))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_step_form.html", {"form": form, "case": case, "title": _("措置状況の記録")})


@require(Perm.MANAGE_CASES)
def case_told(request, pk):
    """Record the day the raiser and attendees were told the outcome (措置状況の連絡)."""
    case = _case(request, pk)
    require_change(request.user, case, Perm.MANAGE_CASES)
    form = ToldForm(request.POST or None, case=case, initial={"told_on": today_tokyo()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.case_record_told(
                case=case, told_on=form.cleaned_data["told_on"], version=form.read_version, acting_user=request.user
            )
        except StaleEdit as stale:
            show_conflict(request, form, stale)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("措置状況を連絡した日を記録しました。"))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_step_form.html", {"form": form, "case": case, "title": _("措置状況の連絡")})
