from django.db.models import Func, IntegerField, Subquery
from django.shortcuts import render

from liaison.access.policy import logged_in, officer_of, visible_to
from liaison.findings import panels
from liaison.org.models import Koban, Officer, Station


def _count(queryset) -> Subquery:
    """``SELECT COUNT(*)`` of ``queryset`` as a subquery, so that several counts are one round trip."""
    counted = queryset.order_by().annotate(n=Func("pk", function="COUNT", output_field=IntegerField()))
    return Subquery(counted.values("n")[:1], output_field=IntegerField())


@logged_in
def home(request):
    """Each role's start page: what is theirs to look after. The programmes' figures and to-do lists are the panels
    they register (liaison.findings.panels), read from the stored findings; this view knows none of them."""
    officer = officer_of(request.user)
    context = {"officer": officer}
    if officer is not None:
        user = request.user
        # The three figures of the organisation in one query, read on the officer's own row.
        context.update(
            Officer.objects.filter(pk=officer.pk)
            .values(
                station_count=_count(visible_to(user, Station).filter(active=True)),
                koban_count=_count(visible_to(user, Koban).filter(active=True)),
                officer_count=_count(visible_to(user, Officer).filter(active=True)),
            )
            .get()
        )
        context["figures"] = panels.render_for(request, officer, panels.FIGURE)
        context["todos"] = panels.render_for(request, officer, panels.TODO)
    return render(request, "dashboard/home.html", context)
