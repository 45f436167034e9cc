"""The referrals' screens (N2.3, N3.1イ, N4.1): refer a candidate, the queue (地域課: the station's, pending first;
everyone else: their own with the outcome), one referral, accepting and declining it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from liaison.access.permissions import Perm
from liaison.access.personal_data import Field, visible_fields
from liaison.access.policy import (
    can_change,
    for_work,
    get_visible_or_404,
    has_perm,
    officer_of,
    require,
    require_change,
    visible_to,
)
from liaison.audit.exports import export_list, wants_export
from liaison.cases.rules import fiscal_year_of, fiscal_year_range
from liaison.lib import once
from liaison.lib.dates import today_tokyo
from liaison.lib.exports import Column, Table
from liaison.org.models import Koban
from liaison.people.models import Person

from .. import queries_referrals as queries
from ..actions import referrals as actions
from ..forms_referrals import AcceptForm, DeclineForm, ReferralForm
from ..models import Referral

PAGE = 50


def _candidate(referral: Referral) -> str:
    return referral.person.full_name if referral.person_id else f"{referral.family_name} {referral.given_name}".strip()


def _outcome(referral: Referral) -> str:
    if referral.status == Referral.Status.DECLINED:
        return referral.decline_reason
    if referral.status == Referral.Status.ACCEPTED and referral.contact_id:
        return referral.contact.get_consent_display()
    return ""


# The candidate's name only, as on the screen (access.personal_data ON_DUTY): not an export of personal data.
_REFERRAL_COLUMNS = [
    Column("連絡日", 16, lambda r: r.referred_on),
    Column("候補者", 16, _candidate),
    Column("把握した機会", 16, lambda r: r.get_met_at_display()),
    Column("状況", 10, lambda r: r.get_status_display()),
    Column("結果", 40, _outcome),
]
_REFERRER = [
    Column("連絡した課", 14, lambda r: r.section.name if r.section_id else ""),
    Column("連絡した職員", 14, lambda r: r.referrer.full_name if r.referrer_id else ""),
]
# 地域課 (deciding) sees who referred each candidate; a referrer's own list does not need it.
REFERRAL_TABLE = Table("連絡員候補の連絡", _REFERRAL_COLUMNS, unit="人")
REFERRAL_QUEUE_TABLE = Table(
    "連絡員候補の連絡", [*_REFERRAL_COLUMNS[:2], *_REFERRER, *_REFERRAL_COLUMNS[2:]], unit="人"
)


@require(Perm.REFER_CANDIDATES)
def referral_list(request):
    """地域課's queue (pending first, then decided) or a referrer's own referrals with their outcome, paged in the
    database; for those who see the network's figures, the recruitment by section of this fiscal year (N4.1)."""
    officer = officer_of(request.user)
    if wants_export(request):
        table = REFERRAL_QUEUE_TABLE if has_perm(request.user, Perm.DECIDE_REFERRALS) else REFERRAL_TABLE
        return export_list(request, table, queries.queue(request.user), action="network.referral_list_export")
    page = Paginator(queries.queue(request.user), PAGE).get_page(request.GET.get("page"))
    figures = None
    if has_perm(request.user, Perm.VIEW_NETWORK_FIGURES) and officer.station_id is not None:
        year = fiscal_year_of(today_tokyo())
        start, end = fiscal_year_range(year)
        figures = {"year": year, "rows": queries.recruitment_by_section(officer.station_id, start, end)}
    return render(
        request,
        "network/referrals/referral_list.html",
        {
            "page": page,
            "deciding": has_perm(request.user, Perm.DECIDE_REFERRALS),
            "figures": figures,
            "station": officer.station,
        },
    )


@require(Perm.REFER_CANDIDATES)
def referral_create(request):
    """Tell the station's 地域課 of a candidate: who, why, where they met, the day (N2.3, N3.1イ)."""
    officer = officer_of(request.user)
    if officer.station_id is None:
        raise PermissionDenied
    form = ReferralForm(request.POST or None, user=request.user, initial={"referred_on": today_tokyo()})
    if request.method == "POST" and form.is_saved_already():
        messages.info(request, _("この連絡はすでに送られています。"))
        return (
            redirect("network:referral_detail", pk=form.saved_pk)
            if form.saved_pk
            else redirect("network:referral_list")
        )
    if request.method == "POST" and form.is_valid():
        try:
            referral = actions.referral_create(values=form.values(), acting_user=request.user, form_token=form.token)
        except once.AlreadySaved as saved:
            messages.info(request, _("この連絡はすでに送られています。"))
            return (
                redirect("network:referral_detail", pk=saved.result_pk)
                if saved.result_pk
                else redirect("network:referral_list")
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("地域課に連絡しました。結果はこの画面とホーム画面でお知らせします。"))
            return redirect("network:referral_detail", pk=referral.pk)
    return render(request, "network/referrals/referral_form.html", {"form": form})


def _referral(request, pk) -> Referral:
    """A referral of the user's station (another station's: 404). Who the station's candidates are is 地域課's
    business: an officer who does not decide referrals opens only their own (403 on a colleague's)."""
    referral = get_visible_or_404(
        request.user,
        Referral.objects.select_related(
            "station", "referrer", "section", "koban", "person", "contact", "decided_by__officer"
        ),
        pk=pk,
    )
    if not has_perm(request.user, Perm.DECIDE_REFERRALS) and referral.referrer_id != officer_of(request.user).pk:
        raise PermissionDenied
    return referral


def _shows_particulars(request, referral) -> bool:
    """Phone and address typed by the referrer: for those who may see people's phones, and for the referrer."""
    return Field.PHONE in visible_fields(request.user) or referral.referrer_id == officer_of(request.user).pk


@require(Perm.REFER_CANDIDATES)
def referral_detail(request, pk):
    referral = _referral(request, pk)
    may_decide = referral.status == Referral.Status.PENDING and can_change(
        request.user, referral, Perm.DECIDE_REFERRALS
    )
    return render(
        request,
        "network/referrals/referral_detail.html",
        {
            "referral": referral,
            "may_decide": may_decide,
            "particulars": _shows_particulars(request, referral),
            "decline_form": DeclineForm() if may_decide else None,
            "may_open_contact": has_perm(request.user, Perm.VIEW_CONTACTS),
        },
    )


def _still_pending(request, referral) -> bool:
    if referral.status == Referral.Status.PENDING:
        return True
    messages.error(
        request,
        _("この連絡は、既に他の職員が判断しました（%(status)s）。") % {"status": referral.get_status_display()},
    )
    return False


@require(Perm.DECIDE_REFERRALS)
def referral_accept(request, pk):
    """Accept: choose the person record (the referral's own, a likely duplicate, or a new one) and the contact
    person's particulars; the candidate becomes a 候補 contact person (N2.3)."""
    referral = _referral(request, pk)
    require_change(request.user, referral, Perm.DECIDE_REFERRALS)
    if not _still_pending(request, referral):
        return redirect("network:referral_detail", pk=referral.pk)
    matches = [] if referral.person_id else queries.possible_people(referral, people=visible_to(request.user, Person))
    kobans = for_work(request.user, Koban).filter(station=referral.station, active=True)
    initial = {
        **actions.contact_defaults(referral),
        "person_choice": "" if matches else "new",  # an existing record is chosen by a person, never guessed
        **{
            name: getattr(referral, name)
            for name in ("family_name", "given_name", "family_kana", "given_kana", "phone", "address")
        },
    }
    form = AcceptForm(
        request.POST or None, referral=referral, matches=matches, kobans=kobans, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            accepted = actions.referral_accept(
                referral=referral,
                person=form.person(),
                new_person=form.new_person(),
                values=form.contact_values(),
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("受理しました。%(person)sを地域安全連絡員の候補として記録しました。") % {"person": accepted.person},
            )
            return redirect("network:referral_detail", pk=referral.pk)
    return render(
        request,
        "network/referrals/referral_accept.html",
        {"referral": referral, "form": form, "matches": matches, "particulars": _shows_particulars(request, referral)},
    )


@require(Perm.DECIDE_REFERRALS)
def referral_decline(request, pk):
    """Decline with the reason, which the referrer sees (N2.3)."""
    referral = _referral(request, pk)
    require_change(request.user, referral, Perm.DECIDE_REFERRALS)
    if not _still_pending(request, referral):
        return redirect("network:referral_detail", pk=referral.pk)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.referral_decline(referral=referral, reason=form.cleaned_data["reason"], acting_user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("見送りとして記録しました。連絡した職員に理由が表示されます。"))
            return redirect("network:referral_list")
    return render(request, "network/referrals/referral_decline.html", {"referral": referral, "form": form})
