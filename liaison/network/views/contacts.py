"""The contact persons' screens (N2.1, N2.2, N2.4, N4.2, N4.3): the station's list (filters, pages, Excel), a contact
person's page with the consent steps, registering and editing one.

The list is the station's 連絡員一覧表: every section of the station and HQ read it (VIEW_CONTACTS), nobody else; the
personal fields each reader sees are decided in ``liaison.access.personal_data``. 地域課 and the chief keep it
(MANAGE_CONTACTS); a koban chief keeps their own koban's contact persons only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.access.permissions import Perm
from liaison.access.personal_data import may_see
from liaison.access.policy import (
    can_change,
    for_work,
    get_visible_or_404,
    has_perm,
    officer_of,
    require,
    require_change,
    sees_all_stations,
    visible_to,
)
from liaison.audit.exports import export_list, wants_export
from liaison.lib import once
from liaison.lib.dates import today_tokyo
from liaison.lib.versioning import StaleEdit, show_conflict
from liaison.org.models import Koban, Officer, Station
from liaison.org.picker import station_filter
from liaison.people.models import Person
from liaison.people.queries import current as current_people
from liaison.people.queries import likely_duplicates

from .. import queries_contacts as queries
from .. import rules, sections
from ..actions import contacts as actions
from ..export_contacts import columns_for, contact_table
from ..forms_contacts import ConsentForm, ContactCreateForm, ContactForm, NewContactPersonForm
from ..models import ContactPerson

PAGE = 50


def _listed(request):
    """HQ's station filter (None for a station's user) and ``queries.listed`` of the request.

    For HQ the station is the filter's choice, written back as ``station`` into the parameters the list reads: the
    station picked from the picker's results (without JavaScript) is then the one listed, exported and, through the
    page's link, printed as PDF."""
    if not sees_all_stations(request.user):
        return None, request.GET, queries.listed(request.user, request.GET)
    stations = visible_to(request.user, Station).filter(active=True).order_by("order", "pk")
    by_station = station_filter(request, stations)
    params = request.GET.copy()
    if params:  # an empty query string leaves the filter form unbound, with its defaults
        params["station"] = by_station.selected
    return by_station, params, queries.listed(request.user, params)


@require(Perm.VIEW_CONTACTS)
def contact_list(request):
    """N2.4: the station's contact persons in 五十音順, filtered and paged in the database (a fixed number of queries
    whatever their number)."""
    by_station, params, (station, form, filters, contacts) = _listed(request)
    if wants_export(request):
        return _export(request, station, contacts)
    page = Paginator(contacts, PAGE).get_page(request.GET.get("page"))
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "network/contacts/contact_list.html",
        {
            "form": form,
            "page": page,
            "station": station,
            "station_filter": by_station,
            "may_see": may_see(request.user),
            "can_create": has_perm(request.user, Perm.MANAGE_CONTACTS) and not sees_all_stations(request.user),
            "query": query.urlencode(),
        },
    )


@require(Perm.VIEW_CONTACTS)
def contact_export(request):
    """The filtered list as a file (Excel unless ``?format=csv``): the list's own export, at its older address."""
    _by_station, _params, (station, _form, _filters, contacts) = _listed(request)
    return _export(request, station, contacts, back=reverse("network:contact_list"))


def _export(request, station, contacts, back=None):
    """Every contact person the filtered list shows, with the columns the reader may see; an audited export (of
    personal data when personal fields are in it)."""
    table = contact_table(columns_for(may_see(request.user), with_station=station is None))
    action = "network.contact_export_csv" if request.GET.get("format") == "csv" else "network.contact_export_excel"
    return export_list(request, table, contacts, action=action, station=station, back=back)


def _contact(request, pk):
    return get_visible_or_404(
        request.user,
        ContactPerson.objects.select_related("person", "station", "koban", "officer"),
        pk=pk,
    )


def _officers(station):
    return Officer.objects.filter(station=station, active=True).order_by("family_kana", "given_kana", "pk")


def _kobans(request, station):
    """Kobans a contact person of ``station`` may be given: koban-level roles only their own koban (required)."""
    kobans = for_work(request.user, Koban).filter(station=station, active=True).order_by("order", "pk")
    return kobans, has_perm(request.user, Perm.KOBAN_ONLY)


@require(Perm.VIEW_CONTACTS)
def contact_detail(request, pk):
    """A contact person: particulars, concurrent roles, the consent state with its dated history, the allowed consent
    steps (for those who keep the list) and the sections other areas add."""
    contact = _contact(request, pk)
    may_change = can_change(request.user, contact, Perm.MANAGE_CONTACTS)
    return render(
        request,
        "network/contacts/contact_detail.html",
        {
            "contact": contact,
            "roles": list(contact.roles.all()),
            "history": list(contact.consent_history.select_related("created_by__officer")),
            "may_see": may_see(request.user),
            "may_change": may_change,
            "consent_form": ConsentForm(contact=contact, initial={"on": today_tokyo()})
            if may_change and rules.consent_steps(contact.consent)
            else None,
            "sections": sections.render_for(request, contact),
        },
    )


def _people(user):
    return current_people(visible_to(user, Person)).order_by("sort_key", "pk")


@require(Perm.MANAGE_CONTACTS)
def contact_create(request):
    """N2.1, N2.2, N4.3: register a contact person (as a candidate): a recorded person picked by search, or a new one
    after the people app's duplicate check; a council member is picked, not recorded again (one person record)."""
    officer = officer_of(request.user)
    station = officer.station
    if station is None:  # the station keeps its list (N2.4); HQ reads it
        raise PermissionDenied
    kobans, koban_required = _kobans(request, station)
    form = ContactCreateForm(
        request.POST or None,
        kobans=kobans,
        officers=_officers(station),
        people=_people(request.user),
        user=request.user,
        koban_required=koban_required,
        initial={"koban": officer.koban_id, "officer": officer.pk},
    )
    # The new-person part is read only when something was typed in it (see councils' appointment screen).
    typed_new = any(value.strip() for key, value in request.POST.items() if key.startswith("new-"))
    new_person = NewContactPersonForm(request.POST if typed_new else None, prefix="new", use_required_attribute=False)
    duplicates: list[Person] = []
    if request.method == "POST" and form.is_saved_already():
        messages.info(request, _("この地域安全連絡員はすでに登録されています。"))
        return (
            redirect("network:contact_detail", pk=form.saved_pk) if form.saved_pk else redirect("network:contact_list")
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = data["person"]
        if person is None and not typed_new:
            form.add_error("person", _("連絡員にする人を選ぶか、新しく登録する人の氏名を入力してください。"))
        elif person is None and new_person.is_valid():
            typed = new_person.values()
            duplicates = likely_duplicates(
                family_kana=typed["family_kana"],
                given_kana=typed["given_kana"],
                birth_date=typed["birth_date"],
                phone=typed.get("phone") or "",
                queryset=visible_to(request.user, Person),
            )
            if duplicates and not data["confirm_distinct"]:
                form.add_error(
                    "confirm_distinct",
                    _(
                        "似ている記録があります。同じ人なら上で選び、別人なら「別人として登録する」にチェックしてください。"
                    ),
                )
            elif data.get("wants_email") and not (typed.get("email") or "").strip():
                form.add_error("wants_email", actions.EMAIL_REQUIRED)
        elif person is not None and data.get("wants_email") and not person.email:
            form.add_error("wants_email", actions.EMAIL_REQUIRED)
        if form.is_valid() and (person is not None or (typed_new and new_person.is_valid())):
            try:
                if person is None:
                    contact = actions.person_record_and_register(
                        person_data=new_person.values(),
                        station=station,
                        values=form.values(),
                        roles=form.roles(),
                        acting_user=request.user,
                        form_token=form.token,
                    )
                else:
                    contact = actions.contact_create(
                        station=station,
                        person=person,
                        values=form.values(),
                        roles=form.roles(),
                        acting_user=request.user,
                        form_token=form.token,
                    )
            except once.AlreadySaved as saved:
                messages.info(request, _("この地域安全連絡員はすでに登録されています。"))
                if saved.result_pk:
                    return redirect("network:contact_detail", pk=saved.result_pk)
                return redirect("network:contact_list")
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(name)sさんを地域安全連絡員の候補に登録しました。") % {"name": contact.person.full_name},
                )
                return redirect("network:contact_detail", pk=contact.pk)
    return render(
        request,
        "network/contacts/contact_form.html",
        {"form": form, "new_person": new_person, "duplicates": duplicates},
    )


@require(Perm.MANAGE_CONTACTS)
def contact_edit(request, pk):
    """Edit the particulars and concurrent roles; a save over someone else's shows both versions (optimistic lock)."""
    contact = _contact(request, pk)
    require_change(request.user, contact, Perm.MANAGE_CONTACTS)
    kobans, koban_required = _kobans(request, contact.station)
    form = ContactForm(
        request.POST or None,
        instance=contact,
        kobans=kobans,
        officers=_officers(contact.station),
        user=request.user,
        koban_required=koban_required,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.contact_update(
                # A fresh copy: the form has written its values into ``contact`` already.
                contact=get_visible_or_404(
                    request.user, ContactPerson.objects.select_related("person", "station"), pk=contact.pk
                ),
                values=form.values(),
                roles=form.roles(),
                version=form.read_version,
                acting_user=request.user,
            )
        except StaleEdit as stale:
            show_conflict(request, form, stale)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("保存しました。"))
            return redirect("network:contact_detail", pk=contact.pk)
    return render(request, "network/contacts/contact_form.html", {"form": form, "contact": contact})


@require(Perm.MANAGE_CONTACTS)
def contact_consent(request, pk):
    """N4.2: record one consent step (only the steps the current state allows), with its date and, for 承諾, how
    consent was given."""
    contact = _contact(request, pk)
    require_change(request.user, contact, Perm.MANAGE_CONTACTS)
    if not rules.consent_steps(contact.consent):
        return redirect("network:contact_detail", pk=contact.pk)
    form = ConsentForm(request.POST or None, contact=contact, initial={"on": today_tokyo()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.consent_change(
                contact=contact,
                consent=data["consent"],
                on=data["on"],
                method=data["method"],
                note=data["note"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("承諾の状況を記録しました。"))
            return redirect("network:contact_detail", pk=contact.pk)
    return render(request, "network/contacts/consent_form.html", {"form": form, "contact": contact})
