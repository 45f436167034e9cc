"""Council summaries for a fiscal year (see ``summaries``): the prefecture with one row per station (HQ), a station
with one row per council, one council. Each row links one level down; every table exports as Excel or CSV
(``?table=<id>&format=xlsx``). Gender and age tables are shown only to readers who may see those personal fields."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.access.permissions import Perm
from liaison.access.personal_data import Field, visible_fields
from liaison.access.policy import get_visible_or_404, officer_of, require, sees_all_stations, visible_to
from liaison.audit.exports import export_list, wants_export
from liaison.councils.models import Council
from liaison.lib import charts
from liaison.lib.dates import today_tokyo
from liaison.lib.exports import Column as ExportColumn
from liaison.lib.exports import Table
from liaison.org.models import PrefectureSettings, Station

from . import summaries
from .forms_summaries import SummaryYearForm

# The personal fields a table reveals, by the summaries' name for them.
PERSONAL = {"gender": Field.GENDER, "age": Field.AGE}


def _year(request) -> tuple[SummaryYearForm, summaries.Year]:
    today = today_tokyo()
    current = summaries.current_fiscal_year(today)
    form = SummaryYearForm(request.GET or None, current=current)
    return form, summaries.Year.of(form.chosen(current), today)


def _personal(user) -> set[str]:
    fields = visible_fields(user)
    return {name for name, personal_field in PERSONAL.items() if personal_field in fields}


def _link(name: str, pk: int, year: summaries.Year) -> str:
    return f"{reverse(name, args=[pk])}?year={year.fiscal_year}"


def _summary(request, template, *, councils, by, units, year, form, scope_name, station=None, obj=None, **context):
    """The page of one level, or one of its tables as a file when the request asks for it."""
    tell_days = PrefectureSettings.current().case_tell_days
    figures = summaries.figures(councils, year, by, units, tell_days=tell_days, personal=_personal(request.user))
    member_mix = _member_mix(figures, year)
    if charts.asked(request, member_mix) is not None:  # the chart's numbers as a file (?chart=…&format=xlsx)
        return export_list(
            request,
            member_mix.table(),
            member_mix.rows,
            action="figures.summary_member_mix",
            station=station,
            obj=obj,
        )
    if wants_export(request):
        return _export(
            request,
            figures,
            year=year,
            scope_name=scope_name,
            unit_label=context["unit_label"],
            station=station,
            obj=obj,
        )
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "year": year,
            "tell_days": tell_days,
            "figures": figures,
            **{figure.key: figure for figure in figures},  # each figure's numbers under its own name, for charts
            "export_query": f"year={year.fiscal_year}",
            "member_mix": member_mix,
        },
    )


def _member_mix(figures, year) -> charts.Chart:
    """Issue 13: the members by leader category, gender and age band (those the reader may see), from the totals of
    the same tables, as one chart of shares."""
    names = {"leaders": _("リーダーの区分"), "gender": _("性別"), "age": _("年齢層")}
    rows = [
        (
            names[figure.key],
            [
                (str(column.label), value or 0)
                for column, value in figure.total.cells
                if column.key != "members" and column.kind == "count"
            ],
        )
        for figure in figures
        if figure.key in names
    ]
    return charts.share_bars(
        "member-mix",
        _("委員の構成（%(year)s）") % {"year": year.label},
        rows=rows,
        unit=_("人"),
        row_title=_("集計"),
        part_title=_("区分"),
    )


def _export(request, figures, *, year, scope_name, unit_label, station, obj):
    """One table of the page (``?table=``), its rows and its total, through the list export (audited)."""
    key = request.GET.get("table", "")
    if key in PERSONAL and key not in _personal(request.user):
        raise PermissionDenied
    figure = next((f for f in figures if f.key == key), None)
    if figure is None:
        raise Http404
    columns = [ExportColumn(str(unit_label), 24, lambda row: row.label)]
    columns += [
        ExportColumn(str(column.label), 12, lambda row, i=i: row.values[i]) for i, column in enumerate(figure.columns)
    ]
    table = Table(f"{figure.title}_{scope_name}_{year.fiscal_year}年度", columns, unit="行")
    return export_list(
        request, table, [*figure.rows, figure.total], action=f"figures.summary_{figure.key}", station=station, obj=obj
    )


@require(Perm.VIEW_COUNCILS)
def summary(request):
    """Where the summaries start: the prefecture for HQ, the own station for station staff."""
    if sees_all_stations(request.user):
        return redirect("figures:summary_prefecture")
    officer = officer_of(request.user)
    if officer is None or officer.station_id is None:
        raise PermissionDenied
    return redirect("figures:summary_station", officer.station_id)


@require(Perm.VIEW_ALL_STATIONS, Perm.VIEW_COUNCILS)
def summary_prefecture(request):
    """The prefecture's summary: one row per station (active, or with councils in the year), four aggregate
    queries whatever the number of stations and councils."""
    form, year = _year(request)
    councils = summaries.councils_of_year(visible_to(request.user, Council), year)
    stations = visible_to(request.user, Station).filter(Q(active=True) | Q(pk__in=councils.values("station_id")))
    units = [
        summaries.Unit(s.pk, s.name, _link("figures:summary_station", s.pk, year))
        for s in stations.order_by("order", "code")
    ]
    settings = PrefectureSettings.current()
    return _summary(
        request,
        "figures/summary_prefecture.html",
        councils=councils,
        by=summaries.STATION,
        units=units,
        year=year,
        form=form,
        scope_name=str(settings.name),
        unit_label=_("警察署"),
        prefecture=settings.name,
    )


@require(Perm.VIEW_COUNCILS)
def summary_station(request, pk):
    """A station's summary: one row per council that existed in the year (another station's is 404)."""
    station = get_visible_or_404(request.user, Station, pk=pk)
    form, year = _year(request)
    councils = summaries.councils_of_year(visible_to(request.user, Council).filter(station=station), year)
    units = [
        summaries.Unit(c.pk, c.name, _link("figures:summary_council", c.pk, year))
        for c in councils.order_by("name", "pk").only("pk", "name")
    ]
    return _summary(
        request,
        "figures/summary_station.html",
        councils=councils,
        by=summaries.COUNCIL,
        units=units,
        year=year,
        form=form,
        scope_name=station.name,
        station=station,
        unit_label=_("連絡協議会"),
        station_obj=station,
        sees_prefecture=sees_all_stations(request.user),
    )


@require(Perm.VIEW_COUNCILS)
def summary_council(request, pk):
    """One council's summary, linking to the council's page (another station's council is 404)."""
    council = get_visible_or_404(request.user, Council.objects.select_related("station"), pk=pk)
    form, year = _year(request)
    units = [summaries.Unit(council.pk, council.name, reverse("councils:detail", args=[council.pk]))]
    return _summary(
        request,
        "figures/summary_council.html",
        councils=Council.objects.filter(pk=council.pk),
        by=summaries.COUNCIL,
        units=units,
        year=year,
        form=form,
        scope_name=council.name,
        obj=council,
        unit_label=_("連絡協議会"),
        council=council,
        sees_prefecture=sees_all_stations(request.user),
    )
