from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from liaison.access.permissions import Perm
from liaison.access.policy import get_visible_or_404, logged_in, require, visible_to
from liaison.access.second_factor import is_enrolled
from liaison.audit.exports import export_list, wants_export
from liaison.lib import once
from liaison.lib.exports import Column, Table
from liaison.lib.ids import parse_id
from liaison.lib.picker import found_message
from liaison.lib.text import search_text
from liaison.lib.versioning import StaleEdit, show_conflict

from . import actions, picker
from .forms import (
    HQDivisionForm,
    KobanForm,
    NewPasswordForm,
    OfficerCreateForm,
    OfficerForm,
    PrefectureSettingsForm,
    ReorganisationForm,
    SectionForm,
    StationForm,
)
from .models import HQDivision, Koban, Officer, PrefectureSettings, Reorganisation, Section, Station

# The organisation's lists as files: police staff and offices, no civilian's data.
STATION_TABLE = Table(
    "警察署",
    [
        Column("署名", 16, lambda s: s.name),
        Column("交番", 8, lambda s: s.koban_count),
        Column("駐在所", 8, lambda s: s.chuzaisho_count),
        Column("職員", 8, lambda s: s.officer_count),
        Column("状態", 20, lambda s: "現存" if s.active else f"{s.merged_into.name if s.merged_into else ''}に統合"),
    ],
)
OFFICER_TABLE = Table(
    "職員",
    [
        Column("氏名", 16, lambda o: o.full_name),
        Column("読み", 18, lambda o: f"{o.family_kana} {o.given_kana}".strip()),
        Column("階級", 10, lambda o: o.get_rank_display()),
        Column("職名", 14, lambda o: o.title),
        Column("所属", 24, lambda o: o.affiliation),
        Column("役割", 16, lambda o: o.get_role_display()),
        Column("在職", 6, lambda o: "" if o.active else "退職"),
    ],
    unit="人",
)
HQ_DIVISION_TABLE = Table(
    "本部所属",
    [
        Column("所属名", 24, lambda d: d.name),
        Column("本部地域課", 10, lambda d: "本部地域課" if d.is_community else ""),
        Column("職員", 8, lambda d: d.officer_count),
    ],
)


@require(Perm.VIEW_STATION)
def station_list(request):
    stations = visible_to(request.user, Station).annotate(
        koban_count=Count("kobans", filter=Q(kobans__kind=Koban.Kind.KOBAN, kobans__active=True), distinct=True),
        chuzaisho_count=Count(
            "kobans", filter=Q(kobans__kind=Koban.Kind.CHUZAISHO, kobans__active=True), distinct=True
        ),
        officer_count=Count("officers", filter=Q(officers__active=True), distinct=True),
    )
    if wants_export(request):
        return export_list(request, STATION_TABLE, stations.select_related("merged_into"), action="org.station_export")
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
    by_station = picker.station_filter(request, visible_to(request.user, Station))
    if by_station.chosen_id is not None:
        officers = officers.filter(station_id=by_station.chosen_id)
    query = search_text(request.GET.get("q"))
    if query:
        officers = officers.filter(
            Q(family_name__contains=query) | Q(given_name__contains=query) | Q(family_kana__contains=query)
        )
    if request.GET.get("retired") != "1":
        officers = officers.filter(active=True)
    if wants_export(request):
        return export_list(request, OFFICER_TABLE, officers, action="org.officer_export")
    page = Paginator(officers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "org/officer_list.html",
        {
            "page": page,
            "station_filter": by_station,
            "query": query,
            "retired": request.GET.get("retired") == "1",
        },
    )


@require(Perm.VIEW_STATION)
def officer_pick(request):
    """The officer picker's search: up to 20 serving officers the user may see, as options for its listbox."""
    query = search_text(request.GET.get("q"))
    officers = visible_to(request.user, Officer).filter(active=True)
    found = picker.find(request.user, officers, query)
    return render(request, "lib/picker_options.html", {"found": found, "message": found_message(found)})


@logged_in
def station_pick(request):
    """The station filter's search (HQ's lists when the stations are many): up to 20 stations the user may see."""
    found = picker.find_stations(request.user, visible_to(request.user, Station), search_text(request.GET.get("q")))
    return render(request, "lib/picker_options.html", {"found": found, "message": found_message(found)})


@require(Perm.MANAGE_SETTINGS)
def settings_edit(request):
    current = PrefectureSettings.current()
    if request.method == "POST":
        form = PrefectureSettingsForm(request.POST, instance=PrefectureSettings(pk=current.pk))
        if form.is_valid():
            try:
                actions.prefecture_settings_update(
                    values=form.cleaned_data, version=form.read_version, acting_user=request.user
                )
            except StaleEdit as stale:
                message = _(
                    "あなたが編集している間に、他の人がこの設定を保存しました。下の「現在の保存内容」を確認し、"
                    "必要なら入力をやり直して保存してください。"
                )
                show_conflict(request, form, stale, message)
            else:
                messages.success(request, _("県の設定を保存しました。"))
                if form.has_changed():
                    # Findings that read the settings are rebuilt by the background worker (findings.store).
                    messages.info(request, _("協議会などの確認事項は、新しい設定でまもなく再計算されます。"))
                return redirect("org:settings")
    else:
        form = PrefectureSettingsForm(instance=current)
    return render(request, "org/settings_edit.html", {"form": form})


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
            messages.success(request, _("再編整備を登録しました。"))
            return redirect("org:reorganisations")
    return render(request, "org/reorganisation_form.html", {"form": form})


# --- Organisation maintenance (X1), HQ administrator only -----------------------------------------------------------


def _save(form, call, request=None):
    """Run an action with the form's data; its ValidationError lands on the form (fields kept as typed).

    An edit passes the request: a StaleEdit then becomes the conflict screen (both versions, input kept).
    """
    try:
        return call(form.cleaned_data)
    except once.AlreadySaved:
        # The same form sent twice at the same moment: the first one recorded it.
        form.add_error(None, _("この内容はすでに登録されています（同じ画面からの二重送信）。一覧で確認してください。"))
        return None
    except ValidationError as error:
        form.add_error(None, error)
        return None
    except StaleEdit as stale:
        show_conflict(request, form, stale)
        return None


@require(Perm.MANAGE_ORGANISATION)
def station_create(request):
    form = StationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        station = _save(
            form, lambda data: actions.station_create(values=data, acting_user=request.user, form_token=form.token)
        )
        if station:
            messages.success(
                request,
                _("%(station)sを登録しました。続けて課と交番・駐在所を登録してください。") % {"station": station.name},
            )
            return redirect("org:station", station.pk)
    return render(
        request, "org/edit_form.html", {"form": form, "title": _("警察署の登録"), "back": (_("警察署"), "org:stations")}
    )


@require(Perm.MANAGE_ORGANISATION)
def station_edit(request, pk):
    station = get_visible_or_404(request.user, Station, pk=pk)
    form = StationForm(request.POST or None, instance=station)
    if request.method == "POST" and form.is_valid():
        if _save(
            form,
            lambda data: actions.station_update(
                station=station, values=data, version=form.read_version, acting_user=request.user
            ),
            request,
        ):
            messages.success(request, _("警察署の登録内容を保存しました。"))
            return redirect("org:station", station.pk)
    return render(
        request,
        "org/edit_form.html",
        {"form": form, "title": _("%(station)sの編集") % {"station": station.name}, "station": station},
    )


@require(Perm.MANAGE_ORGANISATION)
def section_create(request, station_pk):
    station = get_visible_or_404(request.user, Station, pk=station_pk)
    form = SectionForm(request.POST or None, instance=Section(station=station))
    if request.method == "POST" and form.is_valid():
        section = _save(
            form,
            lambda data: actions.section_create(
                station=station, values=data, acting_user=request.user, form_token=form.token
            ),
        )
        if section:
            messages.success(request, _("%(section)sを追加しました。") % {"section": section.name})
            return redirect("org:station", station.pk)
    return render(
        request,
        "org/edit_form.html",
        {"form": form, "title": _("%(station)sに課を追加") % {"station": station.name}, "station": station},
    )


@require(Perm.MANAGE_ORGANISATION)
def section_edit(request, pk):
    section = get_visible_or_404(request.user, Section.objects.select_related("station"), pk=pk)
    station = section.station
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        if _save(
            form,
            lambda data: actions.section_update(
                section=section, values=data, version=form.read_version, acting_user=request.user
            ),
            request,
        ):
            messages.success(request, _("課の登録内容を保存しました。"))
            return redirect("org:station", station.pk)
    return render(
        request,
        "org/edit_form.html",
        {"form": form, "title": _("%(station)sの課の編集") % {"station": station.name}, "station": station},
    )


@require(Perm.MANAGE_ORGANISATION)
def hq_division_list(request):
    divisions = HQDivision.objects.annotate(officer_count=Count("officers", filter=Q(officers__active=True)))
    if wants_export(request):
        return export_list(request, HQ_DIVISION_TABLE, divisions, action="org.hq_division_export")
    return render(request, "org/hq_division_list.html", {"divisions": divisions})


@require(Perm.MANAGE_ORGANISATION)
def hq_division_create(request):
    form = HQDivisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _save(
            form, lambda data: actions.hq_division_create(values=data, acting_user=request.user, form_token=form.token)
        ):
            messages.success(request, _("本部所属を登録しました。"))
            return redirect("org:hq_divisions")
    return render(
        request,
        "org/edit_form.html",
        {"form": form, "title": _("本部所属の登録"), "back": (_("本部所属"), "org:hq_divisions")},
    )


@require(Perm.MANAGE_ORGANISATION)
def hq_division_edit(request, pk):
    division = get_visible_or_404(request.user, HQDivision, pk=pk)
    form = HQDivisionForm(request.POST or None, instance=division)
    if request.method == "POST" and form.is_valid():
        if _save(
            form,
            lambda data: actions.hq_division_update(
                division=division, values=data, version=form.read_version, acting_user=request.user
            ),
            request,
        ):
            messages.success(request, _("本部所属を保存しました。"))
            return redirect("org:hq_divisions")
    return render(
        request,
        "org/edit_form.html",
        {
            "form": form,
            "title": _("%(division)sの編集") % {"division": division.name},
            "back": (_("本部所属"), "org:hq_divisions"),
        },
    )


@require(Perm.MANAGE_ORGANISATION)
def koban_create(request):
    initial = {}
    station_id = parse_id(request.GET.get("station", ""))
    if station_id:
        initial["station"] = station_id
    form = KobanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        koban = _save(
            form, lambda data: actions.koban_create(values=data, acting_user=request.user, form_token=form.token)
        )
        if koban:
            messages.success(request, _("%(koban)sを登録しました。") % {"koban": koban.name})
            return redirect("org:koban", koban.pk)
    return render(
        request,
        "org/edit_form.html",
        {"form": form, "title": _("交番・駐在所の登録"), "back": (_("警察署"), "org:stations")},
    )


@require(Perm.MANAGE_ORGANISATION)
def koban_edit(request, pk):
    koban = get_visible_or_404(request.user, Koban.objects.select_related("station"), pk=pk)
    form = KobanForm(request.POST or None, instance=koban)
    if request.method == "POST" and form.is_valid():
        if _save(
            form,
            lambda data: actions.koban_update(
                koban=koban, values=data, version=form.read_version, acting_user=request.user
            ),
            request,
        ):
            messages.success(request, _("交番・駐在所の登録内容を保存しました。"))
            return redirect("org:koban", koban.pk)
    return render(
        request,
        "org/edit_form.html",
        {"form": form, "title": _("%(koban)sの編集") % {"koban": koban.name}, "station": koban.station},
    )


@require(Perm.MANAGE_ORGANISATION)
def koban_close(request, pk):
    koban = get_visible_or_404(request.user, Koban.objects.select_related("station"), pk=pk)
    officer_count = koban.officers.filter(active=True).count()
    if request.method == "POST":
        try:
            actions.koban_close(koban=koban, acting_user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(koban)sを廃止しました。") % {"koban": koban.name})
            return redirect("org:station", koban.station_id)
    return render(request, "org/koban_close.html", {"koban": koban, "officer_count": officer_count})


def _show_password_once(request, officer, password, heading):
    """The generated password appears on this response only: it is neither stored nor logged."""
    response = render(
        request, "org/officer_password_shown.html", {"officer": officer, "password": password, "heading": heading}
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require(Perm.MANAGE_ORGANISATION)
def officer_create(request):
    form = OfficerCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = form.typed_password or actions.generate_password()
        data = {name: form.cleaned_data.get(name) for name in OfficerForm.Meta.fields}
        officer = _save(
            form,
            lambda _data: actions.officer_create(
                values=data,
                username=form.cleaned_data["username"],
                password=password,
                acting_user=request.user,
                form_token=form.token,
            ),
        )
        if officer:
            if not form.typed_password:
                return _show_password_once(request, officer, password, _("職員を登録しました"))
            messages.success(request, _("職員 %(name)s を登録しました。") % {"name": officer.full_name})
            return redirect("org:officer_edit", officer.pk)
    return render(request, "org/officer_form.html", {"form": form, "title": _("職員の登録")})


@require(Perm.MANAGE_ORGANISATION)
def officer_edit(request, pk):
    officer = get_visible_or_404(request.user, Officer.objects.select_related("user"), pk=pk)
    form = OfficerForm(request.POST or None, instance=officer)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data.get(name) for name in OfficerForm.Meta.fields}
        if _save(
            form,
            lambda _data: actions.officer_update(
                officer=officer, values=values, version=form.read_version, acting_user=request.user
            ),
            request,
        ):
            messages.success(request, _("職員の登録内容を保存しました。"))
            return redirect("org:officer_edit", officer.pk)
    context = {"form": form, "title": _("職員の編集"), "officer": officer, "second_factor": is_enrolled(officer.user)}
    return render(request, "org/officer_form.html", context)


@require(Perm.MANAGE_ORGANISATION)
def officer_retire(request, pk):
    officer = get_visible_or_404(request.user, Officer.objects.select_related("user"), pk=pk)
    if request.method == "POST":
        try:
            actions.officer_retire(officer=officer, acting_user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("%(name)s を退職（転出）とし、ログインを停止しました。") % {"name": officer.full_name}
            )
            return redirect("org:officers")
    return render(request, "org/officer_retire.html", {"officer": officer})


@require(Perm.MANAGE_ORGANISATION)
@require_POST
def officer_second_factor_reset(request, pk):
    """An officer who lost their phone: HQ removes their second factor, and they enrol again at the next login."""
    officer = get_visible_or_404(request.user, Officer.objects.select_related("user"), pk=pk)
    actions.officer_second_factor_reset(officer=officer, acting_user=request.user)
    messages.success(
        request,
        _("%(name)s の二要素認証を解除しました。次回のログイン時に認証アプリを登録し直します。")
        % {"name": officer.full_name},
    )
    return redirect("org:officer_edit", officer.pk)


@never_cache
@require(Perm.MANAGE_ORGANISATION)
def officer_password(request, pk):
    officer = get_visible_or_404(request.user, Officer.objects.select_related("user"), pk=pk)
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = form.typed_password or actions.generate_password()
        done = _save(
            form,
            lambda _data: actions.officer_password_reset(officer=officer, password=password, acting_user=request.user),
        )
        if done:
            if not form.typed_password:
                return _show_password_once(request, officer, password, _("パスワードを再設定しました"))
            messages.success(request, _("%(name)s のパスワードを再設定しました。") % {"name": officer.full_name})
            return redirect("org:officer_edit", officer.pk)
    return render(request, "org/officer_password.html", {"form": form, "officer": officer})
