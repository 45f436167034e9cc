"""The station chief's view (N4.1, N4.3, N4.4): exchanges per officer and month, consenting contact persons not
contacted for N days, the 巡回連絡強化日 with their results, recruitment by section, coverage by koban and area — for
the user's station (HQ picks one) and a period; the same figures as Excel. Planning 巡回連絡強化日 lives here too."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from liaison.access.permissions import Perm
from liaison.access.policy import (
    get_visible_or_404,
    has_perm,
    officer_of,
    require,
    require_change,
    sees_all_stations,
    visible_to,
)
from liaison.audit.exports import export_list
from liaison.audit.log import record_export
from liaison.lib import charts
from liaison.lib.dates import today_tokyo
from liaison.lib.downloads import download_response
from liaison.lib.wareki import to_wareki_month
from liaison.org.models import Koban, Station
from liaison.org.picker import station_filter

from .. import findings, queries_figures, queries_referrals
from ..actions import visit_days as visit_day_actions
from ..export_figures import figures_xlsx
from ..forms_figures import PeriodForm, VisitDayForm
from ..models import VisitDay

PAGE = 50


# HQ sees no figures until it has chosen a station, so the filter's empty choice asks for one.
CHOOSE_STATION = gettext_lazy("選んでください")


def _station(request):
    """The station shown and HQ's station filter: the user's own station and no filter; HQ chooses one in the filter
    (None until it has, or when the id is not a station HQ sees). The page and its export read the same filter."""
    if not sees_all_stations(request.user):
        return officer_of(request.user).station, None
    stations = visible_to(request.user, Station)
    by_station = station_filter(request, stations.filter(active=True), empty_label=CHOOSE_STATION)
    station_id = by_station.chosen_id
    return (stations.filter(pk=station_id).first() if station_id else None), by_station


def _period(request):
    current = queries_figures.current_fiscal_year(today_tokyo())
    form = PeriodForm(request.GET or None, years=list(range(current, current - 6, -1)))
    year, month = form.chosen(current)
    return form, year, month, queries_figures.Period.of(year, month)


def _figures(station, period) -> dict:
    return {
        "by_officer": queries_figures.exchanges_by_officer_month(station.pk, period),
        "visit_days": list(queries_figures.visit_days(station.pk, period)),
        "by_koban": list(queries_figures.coverage_by_koban(station.pk, period)),
        "by_area": queries_figures.coverage_by_area(station.pk, period),
        "recruitment": queries_referrals.recruitment_by_section(station.pk, period.start, period.end),  # N4.1
    }


def _charts(period, figures_: dict, by_consent: list[tuple[str, int]]) -> dict:
    """The page's charts (issue 13) drawn from the figures it already read: exchanges per month, contact persons by
    consent, recruitment by section."""
    span = to_wareki_month(period.start)
    if (period.start.year, period.start.month) != (period.end.year, period.end.month):
        span = _("%(start)s〜%(end)s") % {"start": span, "end": to_wareki_month(period.end)}
    by_month = figures_["by_officer"]
    return {
        "exchanges_chart": charts.monthly_bars(
            "exchanges-by-month",
            _("月別の情報交換の件数（%(span)s）") % {"span": span},
            labels=[_("%(month)s月") % {"month": m.month} for m in by_month["months"]],
            values=by_month["totals"],
            unit=_("件"),
            value_title=_("情報交換"),
        ),
        "consent_chart": charts.share_bars(
            "contacts-by-consent",
            _("承諾の状況別の連絡員"),
            rows=[(_("連絡員"), by_consent)],
            unit=_("人"),
            row_title=_("区分"),
            part_title=_("承諾の状況"),
        ),
        "recruitment_chart": charts.grouped_bars(
            "recruitment-by-section",
            _("課別の連絡員候補の連絡（%(span)s）") % {"span": span},
            labels=[r["section"] for r in figures_["recruitment"]],
            series=[
                (_("連絡"), [r["made"] for r in figures_["recruitment"]]),
                (_("候補として受理"), [r["accepted"] for r in figures_["recruitment"]]),
                (_("承諾"), [r["consented"] for r in figures_["recruitment"]]),
            ],
            unit=_("件"),
            category_title=_("課"),
        ),
    }


@require(Perm.VIEW_NETWORK_FIGURES)
def figures(request):
    """The chief's view of the network for a station and a period (default: this fiscal year). Every figure is an SQL
    aggregate or a page of the stored findings: a fixed number of queries whatever the data."""
    station, by_station = _station(request)
    form, year, month, period = _period(request)
    context = {
        "station": station,
        "form": form,
        "period": period,
        "station_filter": by_station,
        "query": request.GET.urlencode(),
    }
    if station is not None:
        figures_ = _figures(station, period)
        drawn = _charts(period, figures_, queries_figures.contacts_by_consent(station.pk))
        chart = charts.asked(request, *drawn.values())
        if chart is not None:  # ?chart=…&format=xlsx: one chart's numbers as a file
            return export_list(
                request, chart.table(), chart.rows, action="network.figures_chart_export", station=station
            )
        stale = Paginator(queries_figures.stale_contacts(station.pk), PAGE).get_page(request.GET.get("page"))
        context.update(
            figures_,
            **drawn,
            page=stale,
            stale_days=findings.stale_days(),
            may_plan=has_perm(request.user, Perm.PLAN_VISIT_DAYS) and not sees_all_stations(request.user),
        )
    return render(request, "network/figures/figures.html", context)


@require(Perm.VIEW_NETWORK_FIGURES)
def figures_export(request):
    """The figures of the page as an Excel workbook (with the names of the contact persons not contacted): an
    audited export."""
    station, _by_station = _station(request)
    if station is None:  # HQ has not picked a station yet: the page asks for one
        return figures(request)
    _form, _year, _month, period = _period(request)
    figures_ = _figures(station, period)
    stale = list(queries_figures.stale_contacts(station.pk)[:5000])
    content = figures_xlsx(station=station, period=period, stale=stale, stale_days=findings.stale_days(), **figures_)
    record_export(
        user=request.user,
        action="network.figures_export",
        summary=f"地域安全ネットワークの状況をExcelに出力しました（{station.name}）",
        station=station,
        detail={"start": period.start.isoformat(), "end": period.end.isoformat(), "stale": len(stale)},
    )
    return download_response(content, f"地域安全ネットワークの状況_{station.name}_{period.start.isoformat()}.xlsx")


@require(Perm.PLAN_VISIT_DAYS)
def visit_day_plan(request):
    """Plan a 巡回連絡強化日: one date for several kobans of the station at once."""
    station = officer_of(request.user).station
    if station is None:
        raise PermissionDenied
    kobans = Koban.objects.filter(station=station, active=True).order_by("order", "name")
    form = VisitDayForm(request.POST or None, kobans=kobans, initial={"on": today_tokyo()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            days = visit_day_actions.visit_days_plan(
                station=station, on=data["on"], kobans=list(data["kobans"]), note=data["note"], acting_user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("巡回連絡強化日を%(n)s件予定しました。") % {"n": len(days)})
            return redirect("network:figures")
    return render(request, "network/figures/visit_day_form.html", {"form": form})


@require(Perm.PLAN_VISIT_DAYS)
@require_POST
def visit_day_delete(request, pk):
    """Take a planned 巡回連絡強化日 off the plan."""
    day = get_visible_or_404(request.user, VisitDay.objects.select_related("koban__station"), pk=pk)
    require_change(request.user, day, Perm.PLAN_VISIT_DAYS)
    visit_day_actions.visit_day_delete(day=day, acting_user=request.user)
    messages.success(request, _("巡回連絡強化日の予定を取り消しました。"))
    return redirect("network:figures")
