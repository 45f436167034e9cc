"""The figures' card on the home page of station chiefs and HQ (registered with liaison.findings.panels from
``apps.py``): a link to the figures page. It reads nothing: the counts of what needs action are already the to-do
panels' (one query each), and the home page's budget of queries stays as it was."""

from liaison.access.permissions import Perm
from liaison.access.policy import has_perm, sees_all_stations
from liaison.findings import panels


def figure(request, officer):
    """The card for those who may read the figures: HQ's names the stations, a station's its own."""
    if not has_perm(request.user, Perm.VIEW_NETWORK_FIGURES):
        return None
    return {"for_hq": sees_all_stations(request.user)}


def register() -> None:
    panels.register("figures.figure", "figures/home_figure.html", figure, kind=panels.FIGURE, order=90)
