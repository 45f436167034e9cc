from django.db.models import Func, IntegerField, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import render

from liaison.access.policy import logged_in, officer_of, sees_all_stations, visible_to
from liaison.figures.models import StationStanding
from liaison.findings import panels
from liaison.org.models import Koban, Officer, Station


def _count(queryset) -> Subquery:
    """``SELECT COUNT(*)`` of ``queryset`` as a subquery, so that several counts are one round trip."""
    counted = queryset.order_by().annotate(n=Func("pk", function="COUNT", output_field=IntegerField()))
    return Subquery(counted.values("n")[:1], output_field=IntegerField())


def _sum(queryset, column: str) -> Coalesce:
    """``SELECT SUM(column)`` of ``queryset`` as a subquery, 0 when it has no rows."""
    summed = queryset.order_by().annotate(n=Func(column, function="SUM", output_field=IntegerField()))
    return Coalesce(Subquery(summed.values("n")[:1], output_field=IntegerField()), Value(0))


@logged_in
def home(request):
    """Each role's start page: what is theirs to look after. The programmes' figures and to-do lists are the panels
    they register (liaison.findings.panels), read from the stored findings; this view knows none of them."""
    officer = officer_of(request.user)
    context = {"officer": officer}
    if officer is not None:
        user = request.user
        # The three figures of the organisation in one query, read on the officer's own row. HQ's are the prefecture's:
        # summed from the counts kept per station, with HQ's own officers, who belong to no station.
        if sees_all_stations(user):
            kobans = _sum(StationStanding.objects.all(), "kobans_active")
            officers = _sum(StationStanding.objects.all(), "officers_active") + _count(
                Officer.objects.filter(active=True, station__isnull=True)
            )
        else:
            kobans = _count(visible_to(user, Koban).filter(active=True))
            officers = _count(visible_to(user, Officer).filter(active=True))
        context.update(
            Officer.objects.filter(pk=officer.pk)
            .values(
                station_count=_count(visible_to(user, Station).filter(active=True)),
                koban_count=kobans,
                officer_count=officers,
            )
            .get()
        )
        context["figures"] = panels.render_for(request, officer, panels.FIGURE)
        context["todos"] = panels.render_for(request, officer, panels.TODO)
    return render(request, "dashboard/home.html", context)
