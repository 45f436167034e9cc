from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render

from liaison.access.permissions import Perm
from liaison.access.policy import get_visible_or_404, require, visible_to

from . import actions
from .forms import PrefectureSettingsForm, ReorganisationForm
from .models import Koban, Officer, PrefectureSettings, Reorganisation, Station


@require(Perm.VIEW_STATION)
def station_list(request):
    stations = visible_to(request.user, Station).annotate(
        koban_count=Count("kobans", filter=Q(kobans__kind=Koban.Kind.KOBAN, kobans__active=True), distinct=True),
        chuzaisho_count=Count(
            "kobans", filter=Q(kobans__kind=Koban.Kind.CHUZAISHO, kobans__active=True), distinct=True
        ),
        officer_count=Count("officers", filter=Q(officers__active=True), distinct=True),
    )
    return render(request, "org/station_list.html", {"stations": stations})


@require(Perm.VIEW_STATION)
def station_detail(request, pk):
    station = get_visible_or_404(request.user, Station, pk=pk)
    kobans = station.kobans.filter(active=True).annotate(
        officer_count=Count("officers", filter=Q(officers__active=True))
    )
    sections = station.sections.annotate(officer_count=Count("officers", filter=Q(officers__active=True)))
    reorganisations = Reorganisation.objects.filter(Q(from_station=station) | Q(to_station=station)).select_related(
        "from_station", "to_station"
    )
    return render(
        request,
        "org/station_detail.html",
        {"station": station, "kobans": kobans, "sections": sections, "reorganisations": reorganisations},
    )


@require(Perm.VIEW_STATION)
def koban_detail(request, pk):
    koban = get_visible_or_404(request.user, Koban.objects.select_related("station"), pk=pk)
    officers = koban.officers.filter(active=True).order_by("-rank", "sort_key")
    transfers = koban.transfers.select_related("reorganisation", "from_station", "to_station")
    return render(request, "org/koban_detail.html", {"koban": koban, "officers": officers, "transfers": transfers})


@require(Perm.VIEW_STATION)
def officer_list(request):
    officers = visible_to(request.user, Officer).select_related("station", "section", "koban", "hq_division")
    station_id = request.GET.get("station")
    if station_id and station_id.isdigit():
        officers = officers.filter(station_id=int(station_id))
    query = request.GET.get("q", "").strip()
    if query:
        officers = officers.filter(
            Q(family_name__contains=query) | Q(given_name__contains=query) | Q(family_kana__contains=query)
        )
    if request.GET.get("retired") != "1":
        officers = officers.filter(active=True)
    page = Paginator(officers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "org/officer_list.html",
        {"page": page, "stations": visible_to(request.user, Station), "query": query, "station_id": station_id},
    )


@require(Perm.MANAGE_SETTINGS)
def settings_edit(request):
    current = PrefectureSettings.current()
    conflict = None
    if request.method == "POST":
        form = PrefectureSettingsForm(request.POST, instance=PrefectureSettings(pk=current.pk))
        if form.is_valid():
            try:
                actions.prefecture_settings_update(
                    values=form.cleaned_data, version=form.cleaned_data["version"], acting_user=request.user
                )
            except actions.StaleEdit as stale:
                conflict = stale.current
                messages.error(
                    request,
                    "あなたが編集している間に、他の人がこの設定を保存しました。下の「現在の保存内容」を確認し、"
                    "必要なら入力をやり直して保存してください。",
                )
                data = request.POST.copy()
                data["version"] = stale.current.version
                form = PrefectureSettingsForm(data, instance=PrefectureSettings(pk=current.pk))
            else:
                messages.success(request, "県の設定を保存しました。")
                return redirect("org:settings")
    else:
        form = PrefectureSettingsForm(instance=current, initial={"version": current.version})
    conflict_values = (
        [(form.fields[name].label, getattr(conflict, name)) for name in actions.SETTINGS_FIELDS] if conflict else []
    )
    return render(request, "org/settings_edit.html", {"form": form, "conflict": conflict_values})


@require(Perm.MANAGE_ORGANISATION)
def reorganisation_list(request):
    reorganisations = visible_to(request.user, Reorganisation).select_related("from_station", "to_station")
    reorganisations = reorganisations.prefetch_related("transfers__koban")
    return render(request, "org/reorganisation_list.html", {"reorganisations": reorganisations})


@require(Perm.MANAGE_ORGANISATION)
def reorganisation_create(request):
    form = ReorganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == Reorganisation.Kind.MERGE:
                actions.reorganisation_merge_stations(
                    from_station=data["from_station"],
                    to_station=data["to_station"],
                    effective_date=data["effective_date"],
                    note=data["note"],
                    acting_user=request.user,
                )
            else:
                actions.reorganisation_move_kobans(
                    from_station=data["from_station"],
                    to_station=data["to_station"],
                    kobans=list(data["kobans"]),
                    effective_date=data["effective_date"],
                    note=data["note"],
                    acting_user=request.user,
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "再編整備を登録しました。")
            return redirect("org:reorganisations")
    return render(request, "org/reorganisation_form.html", {"form": form})
