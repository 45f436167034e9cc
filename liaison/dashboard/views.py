from django.shortcuts import render

from liaison.access.policy import logged_in, officer_of, visible_to
from liaison.org.models import Koban, Officer, Station


@logged_in
def home(request):
    """Each role's start page: what is theirs to look after."""
    officer = officer_of(request.user)
    context = {"officer": officer}
    if officer is not None:
        context["station_count"] = visible_to(request.user, Station).filter(active=True).count()
        context["koban_count"] = visible_to(request.user, Koban).filter(active=True).count()
        context["officer_count"] = visible_to(request.user, Officer).filter(active=True).count()
    return render(request, "dashboard/home.html", context)
