from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from liaison.access.permissions import Perm
from liaison.access.policy import (
    can_change,
    get_visible_or_404,
    officer_of,
    require,
    require_change,
    sees_all_stations,
    visible_to,
)
from liaison.audit.exports import export_list, wants_export
from liaison.audit.log import record_view
from liaison.lib import once
from liaison.lib.exports import Column, Table
from liaison.lib.ids import parse_id
from liaison.lib.pagination import CappedPaginator
from liaison.lib.picker import found_message
from liaison.lib.text import search_text
from liaison.lib.versioning import StaleEdit, show_conflict

from . import actions, picker, postal, queries, sections
from .forms import MergeSearchForm, PersonCreateForm, PersonEditForm, PublicOfficeForm
from .models import Person

PAGE_SIZE = 50


# The list's columns; it is shown only to holders of the people permission, who see every field (access.personal_data).
PERSON_TABLE = Table(
    "住民等",
    [
        Column("氏名", 16, lambda p: p.full_name, personal=True),
        Column("読み", 18, lambda p: p.full_kana, personal=True),
        Column("生年月日", 16, lambda p: p.birth_date, personal=True),
        Column("年齢", 6, lambda p: p.age(), personal=True),
        Column("電話番号", 16, lambda p: p.phone_display, personal=True),
        Column("団体名・役職", 24, lambda p: f"{p.organisation} {p.organisation_title}".strip(), personal=True),
        Column("登録した警察署", 14, lambda p: p.station.name),
    ],
)


@require(Perm.VIEW_PEOPLE)
def person_list(request):
    people = queries.current(visible_to(request.user, Person)).select_related("station")
    query = search_text(request.GET.get("q"))
    if query:
        # A search counts its matches only up to a cap: counting every サ or 佐藤 costs as much as reading them.
        found = queries.search_in_order(people, query, one_station=not sees_all_stations(request.user))
        paginator = CappedPaginator(found, PAGE_SIZE)
    else:  # the whole list is capped too: an exact count would read every person of the prefecture
        found = people.order_by("sort_key", "pk")
        paginator = CappedPaginator(found, PAGE_SIZE)
    if wants_export(request):  # every match, beyond the screen's cap: a file is read in full
        return export_list(request, PERSON_TABLE, found, action="person.list_export")
    page = paginator.get_page(request.GET.get("page"))
    officer = officer_of(request.user)
    record_view(
        user=request.user,
        action="person.list",
        summary=f"住民等の一覧を表示しました（{page.number}ページ、{len(page.object_list)}人）",
        station=officer.station_id if officer else None,
        detail={"q": query, "page": page.number, "ids": [p.pk for p in page.object_list]},
    )
    return render(request, "people/person_list.html", {"page": page, "query": query})


@require(Perm.VIEW_PEOPLE)
def person_detail(request, pk):
    person = get_visible_or_404(
        request.user, Person.objects.select_related("station", "merged_into", "created_by"), pk=pk
    )
    record_view(
        user=request.user, action="person.view", summary=f"住民等「{person.full_name}」の情報を表示しました", obj=person
    )
    offices = list(person.public_offices.all())
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "offices": offices,
            "sections": sections.render_for(request, person),
            "can_change": can_change(request.user, person, Perm.MANAGE_PEOPLE),
        },
    )


def _duplicates_for(request, data):
    return queries.likely_duplicates(
        family_kana=data.get("family_kana") or "",
        given_kana=data.get("given_kana") or "",
        birth_date=data.get("birth_date"),
        phone=data.get("phone") or "",
        queryset=visible_to(request.user, Person),
    )


@require(Perm.MANAGE_PEOPLE)
def person_create(request):
    officer = officer_of(request.user)
    if officer is None or officer.station is None:
        raise PermissionDenied
    duplicates = []
    form = PersonCreateForm(request.POST or None)
    if request.method == "POST" and form.is_saved_already():
        # The same form sent again after its first save committed (re-send, reload): show what that save recorded.
        return _already_recorded(request, form.saved_pk)
    if request.method == "POST" and form.is_valid():
        duplicates = _duplicates_for(request, form.cleaned_data)
        if duplicates and form.is_saved_already():
            # The "similar record" is the one this very form saved a moment ago, from a simultaneous send.
            return _already_recorded(request, form.saved_pk)
        if duplicates and not form.cleaned_data["confirm_distinct"]:
            form.add_error(
                "confirm_distinct",
                _(
                    "同じ人の可能性がある記録があります。既存の記録を開いて確かめるか、別人であれば"
                    "「別人として登録する」を選んでから登録してください。"
                ),
            )
        else:
            try:
                person = actions.person_create(
                    data=form.values(), station=officer.station, acting_user=request.user, form_token=form.token
                )
            except once.AlreadySaved as saved:
                # The same form sent twice at the same moment (double click): show what the first one recorded.
                return _already_recorded(request, saved.result_pk)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(name)sさんを登録しました。") % {"name": person.full_name})
                return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "duplicates": duplicates, "creating": True})


def _already_recorded(request, pk):
    messages.info(request, _("この住民等はすでに登録されています。"))
    return redirect("people:detail", pk=pk) if pk else redirect("people:list")


def _editable(request, pk) -> Person:
    """A person the user may change: 404 for another station's, 403 for another koban's (koban-level roles)."""
    person = get_visible_or_404(request.user, Person.objects.select_related("station"), pk=pk)
    require_change(request.user, person, Perm.MANAGE_PEOPLE)
    if person.merged_into_id:
        messages.error(request, _("この記録は統合済みです。統合先の記録を開いてください。"))
    return person


@require(Perm.MANAGE_PEOPLE)
def person_edit(request, pk):
    person = _editable(request, pk)
    if person.merged_into_id:
        return redirect("people:detail", pk=person.merged_into_id)
    if request.method == "POST":
        form = PersonEditForm(request.POST, instance=Person(pk=person.pk))
        if form.is_valid():
            try:
                actions.person_update(
                    person=person, data=form.values(), version=form.read_version, acting_user=request.user
                )
            except StaleEdit as stale:
                show_conflict(request, form, stale)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(name)sさんの記録を保存しました。") % {"name": person.full_name})
                return redirect("people:detail", pk=person.pk)
    else:
        form = PersonEditForm(instance=person)
        record_view(
            user=request.user,
            action="person.edit_view",
            summary=f"住民等「{person.full_name}」の編集画面を表示しました",
            obj=person,
        )
    return render(request, "people/person_form.html", {"form": form, "person": person, "creating": False})


@require(Perm.MERGE_PEOPLE)
def person_merge(request, pk):
    """Merge the person ``pk`` (removed) into one chosen by search (kept)."""
    remove = get_visible_or_404(request.user, Person.objects.select_related("station"), pk=pk)
    if remove.merged_into_id:
        messages.error(request, _("この記録は統合済みです。"))
        return redirect("people:detail", pk=remove.pk)
    candidates = queries.current(visible_to(request.user, Person)).exclude(pk=remove.pk).select_related("station")
    keep_id = request.POST.get("keep") or request.GET.get("keep")
    if keep_id:
        if parse_id(keep_id) is None:
            raise Http404
        keep = get_visible_or_404(request.user, candidates, pk=parse_id(keep_id))
        if request.method == "POST":
            try:
                actions.person_merge(keep=keep, remove=remove, acting_user=request.user)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("%(name)sさん（ID %(id)s）の記録を統合しました。") % {"name": remove.full_name, "id": remove.pk},
                )
                return redirect("people:detail", pk=keep.pk)
        record_view(
            user=request.user,
            action="person.merge_view",
            summary=f"住民等「{remove.full_name}」と「{keep.full_name}」の統合確認画面を表示しました",
            obj=remove,
            detail={"keep": keep.pk, "remove": remove.pk},
        )
        return render(request, "people/person_merge_confirm.html", {"remove": remove, "keep": keep})
    form = MergeSearchForm(request.GET or None)
    query = search_text(form.cleaned_data["q"]) if form.is_valid() else ""
    if query:
        found = queries.search_in_order(candidates, query, one_station=not sees_all_stations(request.user))[:PAGE_SIZE]
    else:
        found = queries.likely_duplicates(
            family_kana=remove.family_kana,
            given_kana=remove.given_kana,
            birth_date=remove.birth_date,
            phone=remove.phone,
            queryset=candidates,
        )
    return render(request, "people/person_merge.html", {"remove": remove, "form": form, "found": found, "query": query})


@require(Perm.MANAGE_PEOPLE)
def public_office_new(request, pk):
    person = _editable(request, pk)
    if person.merged_into_id:
        return redirect("people:detail", pk=person.merged_into_id)
    form = PublicOfficeForm(request.POST or None)
    if request.method == "POST" and form.is_saved_already():
        messages.info(request, _("この公職歴はすでに登録されています。"))
        return redirect("people:detail", pk=person.pk)
    if request.method == "POST" and form.is_valid():
        try:
            actions.public_office_record(person=person, acting_user=request.user, **form.cleaned_data)
        except once.AlreadySaved:
            messages.info(request, _("この公職歴はすでに登録されています。"))
            return redirect("people:detail", pk=person.pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)sさんの公職歴を登録しました。") % {"name": person.full_name})
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/public_office_form.html", {"form": form, "person": person})


@require(Perm.MANAGE_PEOPLE)
def postal_lookup(request, code):
    """JSON for the address fields: {prefecture, city, town}, or 404 for an unknown code."""
    found = postal.lookup(code)
    if found is None:
        return JsonResponse({"error": _("該当する郵便番号が見つかりません。")}, status=404)
    return JsonResponse(found, json_dumps_params={"ensure_ascii": False})


@require(Perm.VIEW_PEOPLE)
def person_pick(request):
    """The person picker's search: up to 20 current persons the user may see, as options for its listbox.

    Every search that shows someone is audited like a page of the person list: it shows readings, ages and towns.
    """
    query = search_text(request.GET.get("q"))
    found = picker.find(request.user, visible_to(request.user, Person), query)
    if found.choices:
        officer = officer_of(request.user)
        record_view(
            user=request.user,
            action="person.pick",
            summary=f"人物の選択で「{query}」を検索しました（{len(found.choices)}人）",
            station=officer.station_id if officer else None,
            detail={"q": query, "ids": [choice.value for choice in found.choices]},
        )
    return render(request, "lib/picker_options.html", {"found": found, "message": found_message(found)})
