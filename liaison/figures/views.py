"""The station chief's and HQ's figures (C10.1, C8.2, N4.1, N4.3, N4.4): ``/figures/`` is the user's station for
station staff and the prefecture, one row per station, for HQ; each number links to the list behind it. Every table
is also a file (``?table=…&format=xlsx``). A fixed number of queries whatever the data (``queries``)."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from liaison.access.permissions import Perm
from liaison.access.personal_data import hidden_finding_codes
from liaison.access.policy import get_visible_or_404, officer_of, require, sees_all_stations, visible_to
from liaison.audit.exports import export_list, wants_export
from liaison.lib import charts
from liaison.lib.dates import today_tokyo
from liaison.network.queries_figures import exchanges_by_officer_month
from liaison.network.queries_referrals import recruitment_by_section
from liaison.org.models import Station

from . import export, queries
from .forms import FiscalYearForm, fiscal_year_label

# Parameters that choose the file or the table, not the figures: left out of the links the page builds.
NOT_FIGURE_PARAMS = ("format", "encoding", "page", "table")


def _period(request):
    form = FiscalYearForm(request.GET or None, current=queries.current_fiscal_year(today_tokyo()))
    year = form.chosen()
    return form, year, queries.Period.of(year)


def _query(request) -> str:
    query = request.GET.copy()
    for key in NOT_FIGURE_PARAMS:
        query.pop(key, None)
    return query.urlencode()


@require(Perm.VIEW_NETWORK_FIGURES)
def index(request):
    """HQ: the prefecture's stations; station staff: their own station."""
    if sees_all_stations(request.user):
        return _prefecture(request)
    station = officer_of(request.user).station
    if station is None:
        raise Http404
    return _station(request, station)


@require(Perm.VIEW_NETWORK_FIGURES)
def station(request, pk):
    """One station's figures: HQ's drill-down; station staff reach only their own (another station is 404)."""
    return _station(request, get_visible_or_404(request.user, Station, pk=pk))


def _prefecture(request):
    form, year, period = _period(request)
    stations, hidden = visible_to(request.user, Station), hidden_finding_codes(request.user)
    if wants_export(request):  # the file holds every station, the page 50 of them
        rows = queries.stations_overview(stations, period, hidden=hidden)
        return export_list(request, export.STATIONS, rows, action="figures.stations_export")
    figures = queries.overview(stations, period, hidden=hidden, page=request.GET.get("page"))
    return render(
        request,
        "figures/hq.html",
        {
            "form": form,
            "year": year,
            "year_label": fiscal_year_label(year),
            "period": period,
            "stations": figures,
            "page": figures.page,
            "query": _query(request),
        },
    )


def _station(request, station):
    form, year, period = _period(request)
    hidden = hidden_finding_codes(request.user)
    tables = {
        "councils": lambda: (export.COUNCILS, list(queries.councils_of_station(station.pk, period, hidden=hidden))),
        "meetings": lambda: (export.MEETINGS, queries.meetings_by_month(station.pk, period)["rows"]),
        "cases": lambda: (export.cases_table(), queries.cases_by_category(station.pk, period)["rows"]),
        "exchanges": lambda: _exchanges_export(station, period),
        "contacts": lambda: (export.contacts_table(), queries.contacts_by_area(station.pk)["rows"]),
        "recruitment": lambda: (export.RECRUITMENT, recruitment_by_section(station.pk, period.start, period.end)),
    }
    if request.GET.get("chart"):  # one chart's numbers as a file (?chart=…&format=xlsx)
        drawn = _charts(queries.meetings_by_month(station.pk, period), queries.cases_by_category(station.pk, period))
        chart = charts.asked(request, *drawn.values())
        if chart is not None:
            return export_list(
                request, chart.table(), chart.rows, action="figures.station_chart_export", station=station
            )
    if wants_export(request):
        table, rows = tables.get(request.GET.get("table", ""), tables["councils"])()
        return export_list(request, table, rows, action="figures.station_export", station=station)
    meetings = queries.meetings_by_month(station.pk, period)
    cases = queries.cases_by_category(station.pk, period)
    context = {
        "station": station,
        "form": form,
        "year": year,
        "year_label": fiscal_year_label(year),
        "period": period,
        "query": _query(request),
        "from_hq": sees_all_stations(request.user),
        "councils": list(queries.councils_of_station(station.pk, period, hidden=hidden)),
        "meetings": meetings,
        "cases": cases,
        "exchanges": exchanges_by_officer_month(station.pk, period),
        "contacts": queries.contacts_by_area(station.pk),
        "recruitment": recruitment_by_section(station.pk, period.start, period.end),
    }
    return render(request, "figures/station.html", {**context, **_charts(meetings, cases)})


def _charts(meetings: dict, cases: dict) -> dict:
    """The station page's charts (issue 13), from the figures it shows: meetings held per month against those
    planned, and the year's requests by status, all of them and each category that has any."""
    statuses = [(str(label), n) for _s, label, n in cases["totals"]["statuses"]]
    return {
        "meetings_chart": charts.monthly_bars(
            "meetings-by-month",
            _("月別の会議の開催と予定"),
            labels=[_("%(month)s月") % {"month": r["month"].month} for r in meetings["rows"]],
            values=[r["held"] for r in meetings["rows"]],
            targets=[r["scheduled"] for r in meetings["rows"]],
            unit=_("回"),
            value_title=_("開催済"),
            target_title=_("予定・開催"),
        ),
        "cases_chart": charts.share_bars(
            "cases-by-status",
            _("措置状況別の意見・要望"),
            rows=[
                (_("計"), statuses),
                *[
                    (str(r["label"]), [(str(label), n) for _s, label, n in r["statuses"]])
                    for r in cases["rows"]
                    if r["total"]
                ],
            ],
            unit=_("件"),
            row_title=_("分類"),
            part_title=_("措置状況"),
            value_title=_("件数"),
        ),
    }


def _exchanges_export(station, period):
    figures = exchanges_by_officer_month(station.pk, period)
    return export.exchanges_table(figures["months"]), figures["rows"]
