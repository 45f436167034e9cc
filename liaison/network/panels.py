"""The network's home-page panel for the station's 地域課 and chief (registered with liaison.findings.panels from
``apps.py``): how many consenting contact persons have not been contacted for N days (N4.4), read from the stored
findings with a fixed number of queries, linked to the list on the chief's view."""

from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.access.permissions import Perm
from liaison.access.policy import has_perm, sees_all_stations
from liaison.findings import panels, store, todo

from . import findings


def stale_contacts(request, officer):
    """The count of the officer's station's consenting contact persons not contacted for N days."""
    if not has_perm(request.user, Perm.VIEW_NETWORK_FIGURES) or sees_all_stations(request.user):
        return None
    count = store.count_for(request.user, stale=store.Kind(findings.SOURCE, code=findings.STALE))["stale"]
    return {"stale_count": count, "stale_days": findings.stale_days()}


def stale_items(officer):
    """One item while any of the officer's station's consenting contact persons is not contacted for N days (the
    panel's count, N4.4), for notifications. It names nobody: contact persons are the civilians N4.2 protects."""
    user = officer.user
    if not has_perm(user, Perm.VIEW_NETWORK_FIGURES) or sees_all_stations(user):
        return []
    if not store.count_for(user, stale=store.Kind(findings.SOURCE, code=findings.STALE))["stale"]:
        return []
    return [
        todo.TodoItem(
            "network:stale_contacts",
            _("%(days)s日以上情報交換していない承諾済みの地域安全連絡員がいます（N4.4）")
            % {"days": findings.stale_days()},
            reverse("network:figures") + "#stale",
        )
    ]


def register() -> None:
    """The stale-contact findings source and its home panel (called once from ``NetworkConfig.ready``)."""
    findings.register()
    panels.register("network.stale_contacts", "network/figures/home_stale.html", stale_contacts, order=40)
    todo.register("network", stale_items)
