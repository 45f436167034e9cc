"""Safety information's screens (N3.1エ, N3.2): the list of items a user may read, an item with its attachments,
publishing and correcting one, passing one on to kobans, and distributing one to contact persons with each
recipient's outcome (e-mail, printed handouts, hand-over)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.access.permissions import Perm
from liaison.access.policy import (
    can_change,
    for_work,
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
from liaison.lib.downloads import download_response
from liaison.lib.exports import Column, Table
from liaison.lib.ids import parse_id
from liaison.lib.versioning import StaleEdit, show_conflict
from liaison.org.models import Koban, Station

from .. import queries_info as queries
from ..actions import info as actions
from ..forms_info import DistributeForm, InfoForm, PassOnForm, RecipientFilterForm, SharedForm
from ..models import Delivery, Distribution, SafetyInfo, SafetyInfoAttachment

PAGE = 50

INFO_TABLE = Table(
    "地域安全情報",
    [
        Column("発信日", 16, lambda i: i.published_on),
        Column("件名", 36, lambda i: i.title),
        Column("伝達", 6, lambda i: "伝達" if i.passed_on_from_id else ""),
        Column(
            "発信元",
            20,
            lambda i: (
                i.publisher_station.name
                if i.publisher_station_id
                else (i.publisher_division.name if i.publisher_division_id else "")
            ),
        ),
        Column("対象地域", 20, lambda i: i.area),
        Column("掲載期限", 16, lambda i: i.valid_until),
        Column("状態", 10, lambda i: "掲載中" if i.is_current else "期限切れ"),
    ],
)


def _item(request, pk) -> SafetyInfo:
    return get_visible_or_404(
        request.user,
        SafetyInfo.objects.select_related("publisher_division", "publisher_station", "passed_on_from"),
        pk=pk,
    )


def _first_error(error: ValidationError) -> str:
    return error.messages[0] if error.messages else _("保存できませんでした。")


@require(Perm.VIEW_STATION)
def info_list(request):
    """N3.1エ: the items the user may read, current ones first, paged in the database."""
    today = today_tokyo()
    items = queries.for_list(visible_to(request.user, SafetyInfo), today)
    if wants_export(request):
        return export_list(request, INFO_TABLE, items, action="network.info_list_export")
    page = Paginator(items, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "network/info/info_list.html",
        {"page": page, "today": today, "can_publish": has_perm(request.user, Perm.PUBLISH_SAFETY_INFO)},
    )


@require(Perm.VIEW_STATION)
def info_detail(request, pk):
    """One item: its text, where it went, its attachments, and for a station what it did with it."""
    item = _item(request, pk)
    officer = officer_of(request.user)
    station_id = None if sees_all_stations(request.user) else officer.station_id
    original = item.passed_on_from
    attachments = list(item.attachments.all()) + (list(original.attachments.all()) if original else [])
    received = station_id is not None and item.publisher_station_id != station_id
    distributions = (
        Distribution.objects.filter(item=item, station_id=station_id).order_by("-created_at", "-pk")
        if station_id
        else Distribution.objects.none()
    )
    return render(
        request,
        "network/info/info_detail.html",
        {
            "item": item,
            "targets": list(item.targets.select_related("station", "koban").order_by("station__order", "koban__pk")),
            "attachments": attachments,
            "current": item.valid_until is None or item.valid_until >= today_tokyo(),
            "can_edit": actions.is_publisher(request.user, item),
            "can_pass_on": received and has_perm(request.user, Perm.PUBLISH_SAFETY_INFO),
            "passed_on": list(queries.items_passed_on_from(item, station_id)),
            "can_distribute": station_id is not None and has_perm(request.user, Perm.DISTRIBUTE_SAFETY_INFO),
            "distributions": distributions,
        },
    )


def _publish_scope(user) -> dict:
    """The stations and kobans the user may publish to: any for HQ, the own station's kobans for a station."""
    if sees_all_stations(user):
        return {
            "stations": Station.objects.filter(active=True).order_by("order", "code"),
            "kobans": Koban.objects.filter(active=True, station__active=True)
            .select_related("station")
            .order_by("station__order", "station__code", "pk"),
            "own_station": None,
        }
    station = officer_of(user).station
    if station is None:
        raise PermissionDenied
    return {
        "stations": None,
        "kobans": Koban.objects.filter(station=station, active=True).select_related("station").order_by("pk"),
        "own_station": station,
    }


@require(Perm.PUBLISH_SAFETY_INFO)
def info_create(request):
    """N3.1エ: publish an item (HQ to chosen stations or kobans; a station to itself or chosen kobans of it)."""
    scope = _publish_scope(request.user)
    form = InfoForm(request.POST or None, request.FILES or None, initial={"published_on": today_tokyo()}, **scope)
    if request.method == "POST" and form.is_saved_already():
        messages.info(request, _("この地域安全情報はすでに発信されています。"))
        return redirect("network:info_detail", pk=form.saved_pk) if form.saved_pk else redirect("network:info_list")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = actions.info_publish(
                values=form.values(),
                all_stations=bool(data.get("all_stations")),
                stations=list(data.get("stations") or []),
                kobans=list(data.get("kobans") or []),
                uploads=data["uploads"],
                acting_user=request.user,
                form_token=form.token,
            )
        except once.AlreadySaved as saved:
            messages.info(request, _("この地域安全情報はすでに発信されています。"))
            return (
                redirect("network:info_detail", pk=saved.result_pk)
                if saved.result_pk
                else redirect("network:info_list")
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("地域安全情報を発信しました。"))
            return redirect("network:info_detail", pk=item.pk)
    return render(request, "network/info/info_form.html", {"form": form, "scope": scope})


@require(Perm.PUBLISH_SAFETY_INFO)
def info_edit(request, pk):
    """Correct an item: its publisher only (a station never changes an HQ item); a stale save shows both versions."""
    item = _item(request, pk)
    if not actions.is_publisher(request.user, item):
        raise PermissionDenied
    attachments = list(item.attachments.all())
    remove_ids = (
        [i for i in (parse_id(v) for v in request.POST.getlist("remove")) if i] if request.method == "POST" else []
    )
    kept = len([a for a in attachments if a.pk not in remove_ids])
    form = InfoForm(request.POST or None, request.FILES or None, instance=item, attached=kept)
    if request.method == "POST" and form.is_valid():
        try:
            actions.info_update(
                item=item,
                values=form.values(),
                version=form.read_version,
                uploads=form.cleaned_data["uploads"],
                remove_ids=remove_ids,
                acting_user=request.user,
            )
        except StaleEdit as stale:
            show_conflict(request, form, stale)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("保存しました。"))
            return redirect("network:info_detail", pk=item.pk)
    return render(request, "network/info/info_form.html", {"form": form, "item": item, "attachments": attachments})


@require(Perm.VIEW_STATION)
def info_attachment(request, pk):
    """An attached file, sent through this check (never a public media URL): the user must see its item."""
    try:
        attachment = SafetyInfoAttachment.objects.get(pk=pk)
    except SafetyInfoAttachment.DoesNotExist:
        raise Http404 from None
    # Readable with the item, or with a copy the user's station passed on to its kobans (the copy shows them).
    visible = visible_to(request.user, SafetyInfo)
    if not (
        visible.filter(pk=attachment.item_id).exists() or visible.filter(passed_on_from_id=attachment.item_id).exists()
    ):
        raise Http404
    if not attachment.file:
        raise Http404
    return download_response(attachment.file.open("rb"), attachment.name)


@require(Perm.PUBLISH_SAFETY_INFO)
def info_pass_on(request, pk):
    """N3.1エ: a station passes an item it received on to chosen kobans of its own, in one step."""
    item = _item(request, pk)
    if sees_all_stations(request.user):
        raise PermissionDenied
    station = officer_of(request.user).station
    if station is None or item.publisher_station_id == station.pk:
        raise PermissionDenied
    form = PassOnForm(request.POST or None, kobans=Koban.objects.filter(station=station, active=True).order_by("pk"))
    if request.method == "POST" and form.is_valid():
        try:
            copy = actions.info_pass_on(item=item, kobans=list(form.cleaned_data["kobans"]), acting_user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("交番・駐在所に伝達しました。"))
            return redirect("network:info_detail", pk=copy.pk)
    return render(request, "network/info/info_pass_on.html", {"form": form, "item": item})


# --- distribution (N3.2) -----------------------------------------------------------------------------------------


def _own_station(user):
    station = officer_of(user).station
    if station is None:
        raise PermissionDenied
    return station


@require(Perm.DISTRIBUTE_SAFETY_INFO)
def info_distribute(request, pk):
    """N3.2: give an item to the station's consenting contact persons (one koban's, if chosen) by e-mail, printed
    handouts or hand-over. The page lists who will receive it for each method before anything is sent."""
    item = _item(request, pk)
    station = _own_station(request.user)
    kobans = for_work(request.user, Koban).filter(station=station, active=True).order_by("pk")
    source = request.POST if request.method == "POST" else request.GET
    filter_form = RecipientFilterForm(source or None, kobans=kobans)
    koban = filter_form.cleaned_data.get("koban") if filter_form.is_valid() else None
    form = DistributeForm(
        request.POST or None, kobans=kobans, initial={"method": Distribution.Method.EMAIL, "koban": koban}
    )
    if request.method == "POST" and form.is_saved_already():
        messages.info(request, _("この提供はすでに記録されています。"))
        return (
            redirect("network:distribution_detail", pk=form.saved_pk)
            if form.saved_pk
            else redirect("network:info_detail", pk=item.pk)
        )
    if request.method == "POST" and form.is_valid():
        method = form.cleaned_data["method"]
        contacts = list(queries.recipients(request.user, station, koban=form.cleaned_data["koban"], method=method))
        try:
            distribution = actions.distribution_create(
                item=item,
                station=station,
                method=method,
                contacts=contacts,
                handed_on=form.cleaned_data.get("handed_on"),
                acting_user=request.user,
                form_token=form.token,
            )
        except once.AlreadySaved as saved:
            messages.info(request, _("この提供はすでに記録されています。"))
            return (
                redirect("network:distribution_detail", pk=saved.result_pk)
                if saved.result_pk
                else redirect("network:info_detail", pk=item.pk)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("提供を記録しました。"))
            return redirect("network:distribution_detail", pk=distribution.pk)
    everyone = list(queries.recipients(request.user, station, koban=koban))
    by_email = {c.pk for c in queries.recipients(request.user, station, koban=koban, method="email")}
    return render(
        request,
        "network/info/info_distribute.html",
        {
            "item": item,
            "form": form,
            "filter_form": filter_form,
            "recipients": [{"contact": c, "email": c.pk in by_email} for c in everyone],
            "email_count": len(by_email),
        },
    )


def _distribution(request, pk) -> Distribution:
    return get_visible_or_404(request.user, Distribution.objects.select_related("item", "station", "created_by"), pk=pk)


@require(Perm.VIEW_STATION)
def distribution_detail(request, pk):
    """N3.2: each recipient's outcome (sent, failed with the server's reason, printed, handed over), the resend
    button for failed e-mails, the print of handouts, and what a contact person said about sharing it."""
    distribution = _distribution(request, pk)
    deliveries = list(queries.deliveries_for_page(distribution))
    may_work = has_perm(request.user, Perm.DISTRIBUTE_SAFETY_INFO)
    rows = [
        {"d": d, "may_change": may_work and can_change(request.user, d, Perm.DISTRIBUTE_SAFETY_INFO)}
        for d in deliveries
    ]
    return render(
        request,
        "network/info/distribution_detail.html",
        {
            "distribution": distribution,
            "rows": rows,
            "failed": sum(1 for r in rows if r["d"].status == Delivery.Status.FAILED and r["may_change"]),
            # Mails still waiting: normally the worker's next minutes, but also what a stopped worker left behind.
            "waiting": sum(1 for r in rows if r["d"].status == Delivery.Status.QUEUED and r["may_change"])
            if distribution.method == Distribution.Method.EMAIL
            else 0,
            "printable": [r["d"].pk for r in rows if r["may_change"]]
            if distribution.method == Distribution.Method.PRINT
            else [],
        },
    )


@require(Perm.DISTRIBUTE_SAFETY_INFO)
@require_POST
def distribution_resend(request, pk):
    """N3.2: queue the failed e-mails of a distribution again (only those; sent ones are never sent twice)."""
    distribution = _distribution(request, pk)
    mine = [
        d
        for d in distribution.deliveries.select_related("contact", "distribution")
        if can_change(request.user, d, Perm.DISTRIBUTE_SAFETY_INFO)
    ]
    try:
        count = actions.deliveries_resend(distribution=distribution, deliveries=mine, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("%(n)s件のメールを再送します。") % {"n": count})
    return redirect("network:distribution_detail", pk=distribution.pk)


@require(Perm.DISTRIBUTE_SAFETY_INFO)
@require_POST
def delivery_shared(request, pk):
    """N3.2: record, when the contact person says so, whether they passed the item on to residents (optional)."""
    delivery = get_visible_or_404(request.user, Delivery.objects.select_related("distribution", "contact"), pk=pk)
    if not can_change(request.user, delivery, Perm.DISTRIBUTE_SAFETY_INFO):
        raise PermissionDenied
    form = SharedForm(request.POST)
    if form.is_valid():
        actions.delivery_record_shared(
            delivery=delivery, shared=form.shared_value(), note=form.cleaned_data["note"], acting_user=request.user
        )
        messages.success(request, _("申出を記録しました。"))
    else:
        messages.error(request, _("記録できませんでした。入力を確認してください。"))
    return redirect("network:distribution_detail", pk=delivery.distribution_id)
