"""The station chief's and HQ's figures (C10.1, C8.2, N4.1, N4.3, N4.4): ``/figures/`` is the user's station for
station staff and the prefecture, one row per station, for HQ; each number links to the list behind it. Every table
is also a file (``?table=…&format=xlsx``). A fixed number of queries whatever the data (``queries``)."""

from django.http import Http404
from django.shortcuts import render

from liaison.access.permissions import Perm
from liaison.access.personal_data import hidden_finding_codes
from liaison.access.policy import get_visible_or_404, officer_of, require, sees_all_stations, visible_to
from liaison.audit.exports import export_list, wants_export
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
    figures = queries.overview(visible_to(request.user, Station), period, hidden=hidden_finding_codes(request.user))
    if wants_export(request):
        return export_list(request, export.STATIONS, figures.stations, action="figures.stations_export")
    return render(
        request,
        "figures/hq.html",
        {
            "form": form,
            "year": year,
            "year_label": fiscal_year_label(year),
            "period": period,
            "stations": figures,
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
    if wants_export(request):
        table, rows = tables.get(request.GET.get("table", ""), tables["councils"])()
        return export_list(request, table, rows, action="figures.station_export", station=station)
    context = {
        "station": station,
        "form": form,
        "year": year,
        "year_label": fiscal_year_label(year),
        "period": period,
        "query": _query(request),
        "from_hq": sees_all_stations(request.user),
        "councils": list(queries.councils_of_station(station.pk, period, hidden=hidden)),
        "meetings": queries.meetings_by_month(station.pk, period),
        "cases": queries.cases_by_category(station.pk, period),
        "exchanges": exchanges_by_officer_month(station.pk, period),
        "contacts": queries.contacts_by_area(station.pk),
        "recruitment": recruitment_by_section(station.pk, period.start, period.end),
    }
    return render(request, "figures/station.html", context)


def _exchanges_export(station, period):
    figures = exchanges_by_officer_month(station.pk, period)
    return export.exchanges_table(figures["months"]), figures["rows"]
