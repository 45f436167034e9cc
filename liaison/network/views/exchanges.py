"""The information exchanges' screens (N3.1ア–ウ): logging one on a tablet, the station's list and one exchange with
the opinions received and what was done about them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from liaison.access.permissions import Perm
from liaison.access.policy import (
    get_visible_or_404,
    has_perm,
    officer_of,
    require,
    sees_all_stations,
    visible_to,
)
from liaison.audit.exports import export_list, wants_export
from liaison.lib import once
from liaison.lib.dates import today_tokyo
from liaison.lib.exports import Column, Table
from liaison.org.models import Koban, Officer, Section, Station
from liaison.org.picker import station_filter

from .. import queries_exchanges as queries
from ..actions.exchanges import exchange_create as log_exchange
from ..forms_exchanges import ExchangeFilterForm, ExchangeForm, OpinionFormSet, opinions_of
from ..models import Exchange, ExchangeMaterial

PAGE = 50

# Contact persons by name, as on the screen (access.personal_data ON_DUTY): not an export of personal data.
EXCHANGE_TABLE = Table(
    "情報交換",
    [
        Column("日付", 16, lambda e: e.on),
        Column("警察署", 14, lambda e: e.station.name),
        Column("方法", 12, lambda e: e.get_kind_display()),
        Column("警察官", 14, lambda e: e.officer.full_name if e.officer_id else ""),
        Column("課", 12, lambda e: e.section.name if e.section_id else ""),
        Column("交番・駐在所", 16, lambda e: e.koban.name if e.koban_id else ""),
        Column("連絡員", 30, lambda e: "、".join(c.person.full_name for c in e.contacts.all())),
        Column("意見・要望", 8, lambda e: e.case_count),
    ],
)


def _station_scope(request):
    """The station the list is of and HQ's station filter: the user's own station and no filter, or for HQ the one
    chosen in the filter (None: every station, also for an id that is not a station HQ sees)."""
    if not sees_all_stations(request.user):
        return officer_of(request.user).station, None
    stations = visible_to(request.user, Station)
    by_station = station_filter(request, stations.filter(active=True))
    station_id = by_station.chosen_id
    return (stations.filter(pk=station_id).first() if station_id else None), by_station


@require(Perm.VIEW_CONTACTS)
def exchange_list(request):
    """A station's exchanges, newest first, filtered and paged in the database (a fixed number of queries)."""
    station, by_station = _station_scope(request)
    exchanges = visible_to(request.user, Exchange)
    if station is not None:
        exchanges = exchanges.filter(station=station)
    form = ExchangeFilterForm(
        request.GET or None,
        officers=Officer.objects.filter(station=station) if station else Officer.objects.none(),
        sections=Section.objects.filter(station=station).order_by("order", "name")
        if station
        else Section.objects.none(),
        kobans=Koban.objects.filter(station=station) if station else Koban.objects.none(),
        months=queries.months(exchanges, today_tokyo()),
    )
    listed = queries.for_list(queries.filtered(exchanges, form.filters()))
    if wants_export(request):
        return export_list(request, EXCHANGE_TABLE, listed, action="network.exchange_list_export")
    page = Paginator(listed, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "network/exchanges/exchange_list.html",
        {
            "form": form,
            "page": page,
            "station": station,
            "station_filter": by_station,
            "can_create": has_perm(request.user, Perm.LOG_EXCHANGES) and not sees_all_stations(request.user),
        },
    )


@require(Perm.VIEW_CONTACTS)
def exchange_detail(request, pk):
    """One exchange: whom, what was handed out, the advice, and each opinion with its status and history (N3.1ウ)."""
    exchange = get_visible_or_404(request.user, queries.for_detail(Exchange.objects.all()), pk=pk)
    return render(request, "network/exchanges/exchange_detail.html", {"exchange": exchange})


def _initial(officer, items) -> dict:
    """Today, the officer's usual way of meeting, and the materials of their last exchange (N3.1イ: the same
    newsletter goes to every door, so the next entry starts with it ticked)."""
    initial = {"on": today_tokyo(), "kind": queries.last_kind(officer) or Exchange.Kind.HOME_VISIT}
    offered = {item.pk for item in items}
    last_items = []
    for material in queries.last_materials(officer):
        if material.kind == ExchangeMaterial.Kind.MINI_NEWSLETTER:
            initial["mini_newsletter"] = True
        elif material.kind == ExchangeMaterial.Kind.KOBAN_BULLETIN:
            initial["bulletin"], initial["bulletin_title"] = True, material.title
        elif material.kind == ExchangeMaterial.Kind.SAFETY_INFO and material.item_id in offered:
            last_items.append(material.item_id)
        elif material.kind == ExchangeMaterial.Kind.OTHER:
            initial["other_material"] = material.title
    initial["items"] = last_items
    return initial


def _groups(form, contacts) -> list[dict]:
    """The tick list in its three groups (the officer's own, the koban's, the rest of the station)."""
    chosen = {str(v) for v in (form["contacts"].value() or [])}
    titles = {
        queries.MINE: _("担当している連絡員"),
        queries.KOBAN: _("交番・駐在所の連絡員"),
        queries.STATION: _("署のその他の連絡員"),
    }
    groups: dict[int, dict] = {}
    for contact in contacts:
        group = groups.setdefault(contact.group, {"title": titles[contact.group], "rows": []})
        group["rows"].append({"contact": contact, "checked": str(contact.pk) in chosen})
    return [groups[k] for k in sorted(groups)]


@require(Perm.LOG_EXCHANGES)
def exchange_create(request):
    """Log an exchange on one screen (N3.1ア・イ): tick the contact persons met, the materials, type the opinions."""
    officer = officer_of(request.user)
    station = officer.station
    if station is None:  # HQ roles do not meet contact persons; a station's officers log exchanges
        raise PermissionDenied
    today = today_tokyo()
    contacts = queries.offered_contacts(station, officer)
    items = queries.offered_items(station, today)
    data = request.POST or None
    form = ExchangeForm(data, contacts=contacts, items=items, initial=_initial(officer, items) if not data else None)
    opinions = OpinionFormSet(data, prefix="op", form_kwargs={"contacts": contacts})
    if request.method == "POST" and form.is_saved_already():
        messages.info(request, _("この情報交換はすでに記録されています。"))
        return (
            redirect("network:exchange_detail", pk=form.saved_pk)
            if form.saved_pk
            else redirect("network:exchange_list")
        )
    if request.method == "POST" and all([form.is_valid(), opinions.is_valid()]):  # both, so both show their errors
        try:
            exchange = log_exchange(
                station=station,
                officer=officer,
                values=form.values(),
                contacts=list(form.cleaned_data["contacts"]),
                materials=form.materials(),
                cases=opinions_of(opinions),
                acting_user=request.user,
                form_token=form.token,
            )
        except once.AlreadySaved as saved:
            messages.info(request, _("この情報交換はすでに記録されています。"))
            return (
                redirect("network:exchange_detail", pk=saved.result_pk)
                if saved.result_pk
                else redirect("network:exchange_list")
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("情報交換を記録しました。"))
            return redirect("network:exchange_detail", pk=exchange.pk)
    return render(
        request,
        "network/exchanges/exchange_form.html",
        {"form": form, "opinions": opinions, "groups": _groups(form, contacts), "items": items},
    )
