from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.access.permissions import Perm
from liaison.access.personal_data import hidden_finding_codes, shown_findings
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
from liaison.audit.log import record_view
from liaison.findings.panels import first_rows
from liaison.lib import once
from liaison.lib.dates import parse_date_input, today_tokyo
from liaison.lib.downloads import download_response
from liaison.lib.exports import Column, Table, in_chunks
from liaison.lib.ids import parse_id, parse_ids
from liaison.lib.pagination import CappedPaginator
from liaison.lib.versioning import StaleEdit, show_conflict
from liaison.org.models import Koban, PrefectureSettings, Station
from liaison.org.picker import station_filter
from liaison.people.models import Person
from liaison.people.queries import current as current_people
from liaison.people.queries import likely_duplicates

from . import actions, coverage, queries, rules, sections
from . import findings as council_findings
from .forms import (
    AppointmentForm,
    BylawsForm,
    CouncilForm,
    EndMembershipForm,
    NewPersonForm,
    ReappointForm,
    ReviewForm,
    SuccessorForm,
)
from .models import Council, CouncilReview, Membership, Notice
from .rules import default_renewal_end


def _people_for(user):
    return current_people(visible_to(user, Person)).order_by("sort_key", "pk")


def _kobans_for(user, station=None):
    kobans = for_work(user, Koban).filter(active=True).select_related("station")
    if station is not None:
        kobans = kobans.filter(station=station)
    return kobans


COUNCIL_TABLE = Table(
    "連絡協議会",
    [
        Column("名称", 30, lambda c: c.name),
        Column("警察署", 14, lambda c: c.station.name),
        Column("種別", 14, lambda c: c.kind_label),
        Column("交番・駐在所", 24, lambda c: "、".join(k.name for k in c.kobans.all())),
        Column("委員", 6, lambda c: c.export_size),
        Column(
            "確認事項",
            50,
            lambda c: "\n".join(f.message for f in c.export_findings if f.severity != "info"),
        ),
    ],
)


def _export_councils(request, councils, hidden):
    """The filtered list, every page, with each council's member count and findings read per chunk as per page."""
    today = today_tokyo()

    def add(chunk):
        ids = [c.pk for c in chunk]
        sizes, found = queries.member_counts(ids, today), council_findings.stored(ids, hidden=hidden)
        for council in chunk:
            council.export_size, council.export_findings = sizes.get(council.pk, 0), found.get(council.pk, [])

    return export_list(request, COUNCIL_TABLE, in_chunks(councils, add), action="council.list_export")


@require(Perm.VIEW_COUNCILS)
def council_list(request):
    """Councils with their findings; filters by station, koban, kind and findings; kobans without a council (C3.1).

    Filters, counts and pages in SQL on the stored findings (liaison.findings): one page of councils is read, with
    a fixed number of queries whatever the number of councils.
    """
    councils = visible_to(request.user, Council).filter(status=Council.Status.ACTIVE)
    params = {k: request.GET.get(k, "") for k in ("koban", "kind", "finding")}
    stations = visible_to(request.user, Station).filter(active=True)
    by_station = station_filter(request, stations) if sees_all_stations(request.user) else None
    station_id = by_station.chosen_id if by_station else parse_id(request.GET.get("station"))
    koban_id = parse_id(params["koban"])
    if station_id is not None:
        councils = councils.filter(station_id=station_id)
    if koban_id is not None:
        councils = councils.filter(kobans__id=koban_id)  # one koban: no council repeats
    if params["kind"] in Council.Kind.values:
        councils = councils.filter(kind=params["kind"])
    hidden = hidden_finding_codes(request.user)
    if params["finding"] in ("error", "warning"):
        councils = councils.filter(council_findings.having(severity=params["finding"], hidden=hidden))
    elif params["finding"] in dict(FINDING_FILTERS):
        councils = councils.filter(council_findings.having(code=params["finding"], hidden=hidden))
    councils = (
        councils.select_related("station")
        .prefetch_related("kobans")
        .order_by("station__order", "station__code", "name", "pk")
    )
    if wants_export(request):
        return _export_councils(request, councils, hidden)
    # Counted up to a cap (「1,000件以上」): an exact count would read every council HQ sees; filters narrow it.
    page = CappedPaginator(councils, COUNCIL_PAGE).get_page(request.GET.get("page"))
    ids = [c.pk for c in page.object_list]
    found = council_findings.stored(ids, hidden=hidden)
    sizes = queries.member_counts(ids, today_tokyo())
    rows = [{"council": c, "findings": found.get(c.pk, []), "size": sizes.get(c.pk, 0)} for c in page.object_list]
    kobans = visible_to(request.user, Koban).filter(active=True)
    if station_id is not None:
        kobans = kobans.filter(station_id=station_id)
    # C3.1 from the stored findings (``coverage``), as the home page counts them: the live query
    # (``queries.kobans_without_council``) probes the councils of every koban the user sees. The findings are few, so
    # the database starts from them; the list and its count are one query.
    missing, missing_count = first_rows(
        kobans.filter(pk__in=coverage.uncovered().values("subject__object_id"))
        .select_related("station")
        .order_by("station__order", "station__code", "name", "pk"),
        MISSING_SHOWN,
    )
    # The koban filter lists one station's kobans: the whole prefecture's would make the page grow with it.
    one_station = station_id is not None or not sees_all_stations(request.user)
    return render(
        request,
        "councils/council_list.html",
        {
            "page": page,
            "rows": rows,
            "params": params,
            "station_filter": by_station,
            "kobans": kobans.select_related("station") if one_station else Koban.objects.none(),
            "kinds": Council.Kind.choices,
            "finding_codes": FINDING_FILTERS,
            "missing": missing,
            "missing_count": missing_count,
            "can_create": has_perm(request.user, Perm.MANAGE_COUNCILS),
        },
    )


COUNCIL_PAGE = 50
MISSING_SHOWN = 100  # kobans without a council listed by name; the count says how many there are in all

FINDING_FILTERS = [  # labels are lazy: the list is built once, shown in the language of each request
    ("error", gettext_lazy("要対応（エラー）あり")),
    ("warning", gettext_lazy("警告あり")),
    ("public_office", gettext_lazy("公職にある委員")),
    ("no_chair", gettext_lazy("会長なし")),
    ("size", gettext_lazy("委員数")),
    ("leader_share", gettext_lazy("コミュニティ・リーダーの割合")),
    ("long_tenure", gettext_lazy("長期在任")),
    ("term_ending", gettext_lazy("任期満了が近い")),
]


def _council(request, pk):
    return get_visible_or_404(request.user, Council.objects.select_related("station", "operation_manager"), pk=pk)


@require(Perm.VIEW_COUNCILS)
def council_detail(request, pk):
    """Current members in 五十音順 with posts and findings, operation manager and staff, history of terms and reviews."""
    today = today_tokyo()
    council = get_visible_or_404(request.user, queries.with_current_members(Council.objects.all(), today), pk=pk)
    findings = shown_findings(request.user, queries.findings_for([council], today)[council.pk])
    record_view(
        user=request.user,
        action="council.view",
        summary=f"{council.name}の委員名簿を表示しました",
        obj=council,
        detail={"membership_ids": [m.pk for m in council.current_members]},
    )
    starts = queries.tenure_starts([council], today)
    members = [{"m": m, "age": m.person.age(today), "tenure_start": starts.get(m.pk)} for m in council.current_members]
    successors = Membership.objects.filter(previous=OuterRef("pk"), kind=Membership.Kind.SUCCESSOR)
    history = (
        council.memberships.select_related("person", "station")
        .annotate(has_successor=Exists(successors))
        .order_by("-start_date", "person__sort_key", "pk")
    )
    reviews = CouncilReview.objects.filter(predecessors=council) | CouncilReview.objects.filter(successors=council)
    reviews = reviews.distinct().prefetch_related("predecessors", "successors")
    proposal = queries.proposed_operation_manager(council)
    return render(
        request,
        "councils/council_detail.html",
        {
            "council": council,
            "members": members,
            "findings": findings,
            "history": history,
            "reviews": reviews,
            "proposal": proposal,
            "staff": queries.operation_staff(council),
            "can_manage": can_change(request.user, council, Perm.MANAGE_COUNCILS),
            "can_appoint": can_change(request.user, council, Perm.APPOINT_MEMBERS) and council.is_active,
            "can_confirm": can_change(request.user, council, Perm.CONFIRM_OPERATION_MANAGER),
            "can_print": can_change(request.user, council, Perm.PRINT_FORMS),
            "today": today,
            "sections": sections.render_for(request, council),
        },
    )


@require(Perm.MANAGE_COUNCILS)
def council_create(request):
    officer = officer_of(request.user)
    station = officer.station
    form = CouncilForm(request.POST or None, kobans_queryset=_kobans_for(request.user, station))
    if request.method == "POST" and form.is_saved_already():
        messages.info(request, _("この協議会はすでに登録されています。"))
        return redirect("councils:detail", pk=form.saved_pk) if form.saved_pk else redirect("councils:list")
    if request.method == "POST" and form.is_valid():
        try:
            council = actions.council_create(
                station=station,
                values=form.cleaned_data,
                kobans=list(form.cleaned_data["kobans"]),
                acting_user=request.user,
                form_token=form.token,
            )
        except once.AlreadySaved as saved:
            messages.info(request, _("この協議会はすでに登録されています。"))
            return redirect("councils:detail", pk=saved.result_pk) if saved.result_pk else redirect("councils:list")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(council)sを登録しました。") % {"council": council.name})
            return redirect("councils:detail", pk=council.pk)
    return render(request, "councils/council_form.html", {"form": form})


@require(Perm.MANAGE_COUNCILS)
def council_edit(request, pk):
    council = _council(request, pk)
    require_change(request.user, council, Perm.MANAGE_COUNCILS)
    kobans = _kobans_for(request.user, council.station)
    form = CouncilForm(request.POST or None, instance=council, kobans_queryset=kobans)
    if request.method == "POST" and form.is_valid():
        try:
            actions.council_update(
                # A fresh copy: the form has written its values into ``council`` already.
                council=get_visible_or_404(request.user, Council, pk=council.pk),
                values=form.cleaned_data,
                kobans=list(form.cleaned_data["kobans"]),
                version=form.read_version,
                acting_user=request.user,
            )
        except StaleEdit as stale:
            message = _("あなたが編集している間に、他の人がこの協議会を変更しました。内容を確認してください。")
            show_conflict(request, form, stale, message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("保存しました。"))
            return redirect("councils:detail", pk=council.pk)
    return render(request, "councils/council_form.html", {"form": form, "council": council})


@require(Perm.MANAGE_COUNCILS)
def council_bylaws(request, pk):
    """C10.4: upload the council's bylaws."""
    council = _council(request, pk)
    require_change(request.user, council, Perm.MANAGE_COUNCILS)
    form = BylawsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        actions.council_set_bylaws(council=council, upload=form.cleaned_data["bylaws"], acting_user=request.user)
        messages.success(request, _("規約・会則を登録しました。"))
        return redirect("councils:detail", pk=council.pk)
    return render(request, "councils/bylaws_form.html", {"form": form, "council": council})


@require(Perm.VIEW_COUNCILS)
def council_bylaws_download(request, pk):
    from django.http import Http404

    council = _council(request, pk)
    if not council.bylaws:
        raise Http404
    return download_response(council.bylaws.open("rb"), council.bylaws.name.rsplit("/", 1)[-1])


@require(Perm.CONFIRM_OPERATION_MANAGER)
def confirm_operation_manager(request, pk):
    """C3.2(3): the station chief confirms (or changes) the proposed operation manager."""
    council = _council(request, pk)
    require_change(request.user, council, Perm.CONFIRM_OPERATION_MANAGER)
    if request.method != "POST":
        return redirect("councils:detail", pk=council.pk)
    staff = {o.pk: o for o in queries.operation_staff(council)}
    officer = staff.get(parse_id(request.POST.get("officer", "")))
    if officer is None:
        messages.error(request, _("運営責任者にする勤務員を選んでください。"))
    else:
        actions.operation_manager_confirm(council=council, officer=officer, acting_user=request.user)
        messages.success(request, _("運営責任者を%(name)sに指定しました。") % {"name": officer.full_name})
    return redirect("councils:detail", pk=council.pk)


def _preview_findings(council, person, post, leader_category, start_date):
    """The findings the council would have with this appointment added (shown before saving)."""
    today = start_date
    council = queries.with_current_members(Council.objects.filter(pk=council.pk), today).get()
    limits = rules.Limits.from_settings(PrefectureSettings.current())
    starts = queries.tenure_starts([council], today)
    facts = [queries.member_facts(m, today, starts.get(m.pk)) for m in council.current_members]
    if person is not None:
        office = person.public_office_on(today) if person.pk else None
        facts.append(
            rules.MemberFacts(
                name=person.full_name,
                post=post,
                leader_category=leader_category,
                gender=person.gender,
                age=person.age(today),
                occupation=person.occupation,
                holds_public_office=office is not None,
                tenure_start=today,
            )
        )
    return rules.council_findings(
        members=facts, limits=limits, today=today, occupational=council.kind == Council.Kind.OCCUPATIONAL
    )


@require(Perm.APPOINT_MEMBERS)
def appoint(request, pk):
    """Appoint a member: pick a recorded person or record a new one; the findings it would cause are shown first."""
    council = _council(request, pk)
    require_change(request.user, council, Perm.APPOINT_MEMBERS)
    people = _people_for(request.user)
    form = AppointmentForm(
        request.POST or None, people_queryset=people, user=request.user, initial={"start_date": today_tokyo()}
    )
    # The new-person part is read only when something was typed in it: a form shown again after picking someone (or
    # after a search without JavaScript) must not show "required" under every empty new-person field.
    typed_new = any(value.strip() for key, value in request.POST.items() if key.startswith("new-"))
    new_person = NewPersonForm(request.POST if typed_new else None, prefix="new", use_required_attribute=False)
    preview, duplicates = None, []
    if request.method == "POST" and "preview" not in request.POST and form.is_saved_already():
        messages.info(request, _("この委嘱はすでに登録されています。"))
        return redirect("councils:detail", pk=council.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = data["person"]
        wants_new = not person and any(request.POST.get(f"new-{f}") for f in ("family_name", "given_name"))
        if not person and not wants_new:
            form.add_error("person", _("委員にする人を選ぶか、新しく登録する人の氏名を入力してください。"))
        elif wants_new and new_person.is_valid():
            v = new_person.values()
            duplicates = likely_duplicates(
                family_kana=v["family_kana"],
                given_kana=v["given_kana"],
                birth_date=v["birth_date"],
                phone=v.get("phone") or "",
                queryset=visible_to(request.user, Person),
            )
            if duplicates and form.is_saved_already():
                # The "similar record" is the one this very form saved a moment ago, from a simultaneous send.
                messages.info(request, _("この委嘱はすでに登録されています。"))
                return redirect("councils:detail", pk=council.pk)
            if duplicates and not data["confirm_distinct"]:
                form.add_error(
                    "confirm_distinct",
                    _(
                        "似ている記録があります。同じ人なら上の一覧から選び、別人なら「別人として登録する」にチェックしてください。"
                    ),
                )
        if form.is_valid() and (person or (wants_new and new_person.is_valid())):
            if "preview" in request.POST:
                candidate = person or Person(**{k: v for k, v in new_person.values().items() if v is not None})
                preview = _preview_findings(
                    council, candidate, data["post"], data["leader_category"], data["start_date"]
                )
            else:
                term = {
                    "start_date": data["start_date"],
                    "post": data["post"],
                    "post_title": data["post_title"],
                    "leader_category": data["leader_category"],
                    "letter_number": data["letter_number"],
                }
                try:
                    if person is None:
                        membership = actions.person_record_and_appoint(
                            person_data=new_person.values(),
                            council=council,
                            acting_user=request.user,
                            form_token=form.token,
                            **term,
                        )
                    else:
                        membership = actions.membership_appoint(
                            council=council, person=person, acting_user=request.user, form_token=form.token, **term
                        )
                except once.AlreadySaved:
                    # The same form sent twice (double click, re-send): the first one saved it.
                    messages.info(request, _("この委嘱はすでに登録されています。"))
                    return redirect("councils:detail", pk=council.pk)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, _("%(name)sさんを委嘱しました。") % {"name": membership.person.full_name})
                    if "save_and_next" in request.POST:
                        return redirect("councils:appoint", pk=council.pk)
                    return redirect("councils:detail", pk=council.pk)
    return render(
        request,
        "councils/appoint_form.html",
        {
            "council": council,
            "form": form,
            "new_person": new_person,
            "preview": preview,
            "duplicates": duplicates,
        },
    )


def _membership(request, pk):
    return get_visible_or_404(
        request.user, Membership.objects.select_related("council", "council__station", "person"), pk=pk
    )


@require(Perm.APPOINT_MEMBERS)
def membership_end(request, pk):
    membership = _membership(request, pk)
    require_change(request.user, membership.council, Perm.APPOINT_MEMBERS)
    form = EndMembershipForm(request.POST or None, initial={"ended_on": today_tokyo(), "reason": "resigned"})
    if request.method == "POST" and form.is_valid():
        try:
            actions.membership_end(
                membership=membership,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)sさんの委嘱を終了しました。") % {"name": membership.person.full_name})
            return redirect("councils:detail", pk=membership.council_id)
    return render(
        request, "councils/membership_form.html", {"form": form, "membership": membership, "title": _("委嘱の終了")}
    )


@require(Perm.APPOINT_MEMBERS)
def membership_reappoint(request, pk):
    membership = _membership(request, pk)
    require_change(request.user, membership.council, Perm.APPOINT_MEMBERS)
    form = ReappointForm(request.POST or None, initial={"term_years": PrefectureSettings.current().term_years})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = actions.membership_reappoint(
                membership=membership,
                start_date=data["start_date"],
                term_years=data["term_years"],
                consent_date=data["consent_date"],
                consent_note=data["consent_note"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)sさんを再任しました。") % {"name": new.person.full_name})
            return redirect("councils:detail", pk=membership.council_id)
    return render(
        request, "councils/membership_form.html", {"form": form, "membership": membership, "title": _("再任")}
    )


@require(Perm.APPOINT_MEMBERS)
def membership_successor(request, pk):
    """C6.2(1): appoint a successor for the remaining term of an ended membership."""
    membership = _membership(request, pk)
    require_change(request.user, membership.council, Perm.APPOINT_MEMBERS)
    form = SuccessorForm(
        request.POST or None,
        people_queryset=_people_for(request.user),
        user=request.user,
        initial={"start_date": today_tokyo()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = actions.membership_appoint_successor(
                predecessor=membership,
                person=form.cleaned_data["person"],
                start_date=form.cleaned_data["start_date"],
                leader_category=form.cleaned_data["leader_category"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)sさんを後任として委嘱しました（任期は前任者の残任期間）。") % {"name": new.person.full_name},
            )
            return redirect("councils:detail", pk=membership.council_id)
    return render(
        request, "councils/membership_form.html", {"form": form, "membership": membership, "title": _("後任の委嘱")}
    )


@require(Perm.MANAGE_COUNCILS)
def council_review(request, pk):
    """C4.3: split, merge or dissolve; each member carries over to the successor chosen for them, or ends."""
    council = _council(request, pk)
    require_change(request.user, council, Perm.MANAGE_COUNCILS)
    others = visible_to(request.user, Council).filter(station=council.station, status=Council.Status.ACTIVE)
    members = council.memberships.filter(queries.current_memberships(today_tokyo())).select_related("person")
    form = ReviewForm(
        request.POST or None, other_councils=others.exclude(pk=council.pk), members=members.order_by("person__sort_key")
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = actions.council_review_with_named_successors(
                kind=data["kind"],
                council=council,
                others=list(data["others"]),
                names=form.names(),
                explained_on=data["explained_on"],
                effective_date=data["effective_date"],
                assignment=form.assignment(),
                note=data["note"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(kind)sを登録しました。") % {"kind": review.get_kind_display()})
            first = review.successors.first()
            return redirect("councils:detail", pk=first.pk if first else council.pk)
    return render(request, "councils/review_form.html", {"form": form, "council": council})


@require(Perm.APPOINT_MEMBERS)
def renewals(request):
    """Renewal workbench: every term ending in a period; reappoint in bulk, replace or end, then print the letters."""
    today = today_tokyo()
    errors = []
    try:
        start = parse_date_input(request.GET["from"]) if request.GET.get("from") else today
        end = parse_date_input(request.GET["to"]) if request.GET.get("to") else default_renewal_end(today)
    except ValueError as error:
        errors.append(str(error))
        start, end = today, default_renewal_end(today)
    memberships = for_work(request.user, Membership).filter(council__status=Council.Status.ACTIVE)
    if request.method == "POST":
        ids = parse_ids(request.POST.getlist("ids"))
        chosen = [
            m
            for m in memberships.filter(pk__in=ids).select_related("council", "person")
            if can_change(request.user, m.council, Perm.APPOINT_MEMBERS)
        ]
        if not chosen:
            messages.error(request, _("再任する委員を選んでください。"))
        else:
            done, refused = actions.memberships_reappoint_bulk(memberships=chosen, acting_user=request.user)
            if done:
                messages.success(
                    request, _("%(count)s人を再任しました。委嘱状を印刷してください。") % {"count": len(done)}
                )
                request.session["renewed_ids"] = [m.pk for m in done]
            for line in refused:
                messages.error(request, line)
        page = request.GET.get("page", "")
        back = f"&page={page}" if page.isdigit() else ""
        return redirect(f"{reverse('councils:renewals')}?from={start.isoformat()}&to={end.isoformat()}{back}")
    if wants_export(request) and not errors:  # an unreadable period shows the screen with its reason, not a file
        return export_list(
            request,
            RENEWAL_TABLE,
            queries.memberships_ending(memberships, start, end),
            action="council.renewals_export",
        )
    # Paged: a station may have thousands of terms ending; the page shows 50 and says how many there are.
    ending = Paginator(queries.memberships_ending(memberships, start, end), RENEWALS_PAGE).get_page(
        request.GET.get("page")
    )
    renewed_ids = request.session.get("renewed_ids", [])
    renewed = visible_to(request.user, Membership).filter(pk__in=renewed_ids).select_related("person", "council")
    return render(
        request,
        "councils/renewals.html",
        {
            "page": ending,
            "ending": ending.object_list,
            "start": start,
            "end": end,
            "errors": errors,
            "renewed": renewed,
        },
    )


RENEWALS_PAGE = 50
# What the workbench shows of a term: the member's name and post are what everyone who sees the council sees
# (access.personal_data ON_DUTY), so the file is not one of personal data.
RENEWAL_TABLE = Table(
    "任期更新",
    [
        Column("警察署", 14, lambda m: m.council.station.name),
        Column("協議会", 30, lambda m: m.council.name),
        Column("氏名", 16, lambda m: m.person.full_name),
        Column("役職", 12, lambda m: m.post_label),
        Column("任期開始", 16, lambda m: m.start_date),
        Column("任期満了", 16, lambda m: m.end_date),
    ],
    unit="人",
)


@require(Perm.VIEW_COUNCILS)
def notice_read(request, pk):
    notice = get_visible_or_404(request.user, Notice, pk=pk)
    officer = officer_of(request.user)
    if notice.recipient_id != officer.pk:
        raise PermissionDenied
    actions.notice_mark_read(notice=notice, acting_user=request.user)
    return redirect("councils:detail", pk=notice.council_id) if notice.council_id else redirect("home")


def person_section(request, person):
    """Person page section: every council term of this person the user may see."""
    if not has_perm(request.user, Perm.VIEW_COUNCILS):
        return None
    memberships = (
        visible_to(request.user, Membership)
        .filter(person=person)
        .select_related("council", "station")
        .order_by("-start_date", "pk")
    )
    dismissed = [m for m in memberships if m.end_reason == Membership.EndReason.PUBLIC_OFFICE]
    return {"memberships": memberships, "dismissed": dismissed, "today": today_tokyo()}
