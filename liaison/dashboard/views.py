from django.shortcuts import render

from liaison.access.policy import logged_in, officer_of, visible_to
from liaison.findings import panels
from liaison.org.models import Koban, Officer, Station


@logged_in
def home(request):
    """Each role's start page: what is theirs to look after. The programmes' figures and to-do lists are the panels
    they register (liaison.findings.panels), read from the stored findings; this view knows none of them."""
    officer = officer_of(request.user)
    context = {"officer": officer}
    if officer is not None:
        context["station_count"] = visible_to(request.user, Station).filter(active=True).count()
        context["koban_count"] = visible_to(request.user, Koban).filter(active=True).count()
        context["officer_count"] = visible_to(request.user, Officer).filter(active=True).count()
        context["figures"] = panels.render_for(request, officer, panels.FIGURE)
        context["todos"] = panels.render_for(request, officer, panels.TODO)
    return render(request, "dashboard/home.html", context)
