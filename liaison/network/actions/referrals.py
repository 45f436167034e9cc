"""Writes to referrals (N2.3, N3.1イ): an officer of any section tells 地域課 of a candidate; 地域課 accepts
(the candidate becomes a 候補 contact person on the shared person record) or declines with a reason.

Deciding locks the referral row and checks it is still pending, so two 地域課 officers deciding at once cannot both
win: the second is told who was first.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.access.policy import officer_of
from liaison.audit.log import record
from liaison.lib import once
from liaison.lib.dates import require_office_date, today_tokyo
from liaison.lib.kana import READING_ERROR, clean_name, normalize_reading
from liaison.lib.phone import phone_digits
from liaison.people.actions import person_create
from liaison.people.models import Person

from ..models import ContactPerson, Referral
from .contacts import contact_create

# The particulars a referral screen records; station, referrer, section and koban come from the referring officer.
REFERRAL_FIELDS = [
    "person",
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "phone",
    "address",
    "organisation",
    "reason",
    "met_at",
    "met_detail",
    "referred_on",
]

# Where a contact person comes from (N2.1), guessed from where the referrer met them; 地域課 may change it when
# accepting. People met at a meeting or gathering usually come through a group; people met at a campaign are mostly
# the police volunteers and cooperators who run it with us; someone met while handling a case or on a home visit or
# patrol is a resident the officer got to know (the circular's 「地域の実情に詳しい者」).
SOURCE_OF_MET_AT = {
    Referral.MetAt.MEETING: ContactPerson.Source.GROUP,
    Referral.MetAt.CAMPAIGN: ContactPerson.Source.COOPERATOR,
    Referral.MetAt.CASE: ContactPerson.Source.ACQUAINTANCE,
    Referral.MetAt.VISIT: ContactPerson.Source.ACQUAINTANCE,
    Referral.MetAt.OTHER: ContactPerson.Source.OTHER,
}


def contact_defaults(referral: Referral) -> dict:
    """The contact person's particulars as the referral suggests them: its koban (and that koban's municipality), the
    source from where they met, the organisation typed by the referrer."""
    koban = referral.koban
    return {
        "koban": koban,
        "municipality": koban.municipality if koban is not None else "",
        "source": SOURCE_OF_MET_AT.get(referral.met_at, ContactPerson.Source.OTHER),
        "source_detail": (referral.organisation or referral.met_detail)[:200],
    }


def _clean_typed(values: dict) -> dict:
    """Names tidied, readings as katakana, the phone as digits; errors keyed by field."""
    cleaned, errors = dict(values), {}
    for name in ("family_name", "given_name", "organisation"):
        cleaned[name] = clean_name(values.get(name) or "")
    for name in ("family_kana", "given_kana"):
        try:
            cleaned[name] = normalize_reading(values.get(name) or "") if values.get(name) else ""
        except ValueError:
            errors[name] = READING_ERROR
    try:
        cleaned["phone"] = phone_digits(values["phone"]) if values.get("phone") else ""
    except ValueError as error:
        errors["phone"] = str(error)
    for name in ("address", "met_detail", "reason"):
        cleaned[name] = (values.get(name) or "").strip()
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def referral_create(*, values: dict, acting_user, form_token: str | None = None) -> Referral:
    """Tell the referrer's station's 地域課 of a candidate (N2.3): an existing person of the station, or the name and
    particulars typed. The referrer's officer record, section and koban are the acting user's; once per form token."""
    claim = once.claim(form_token, acting_user)
    officer = officer_of(acting_user)
    if officer is None or officer.station_id is None:
        raise ValidationError(_("連絡員候補の連絡は、警察署の職員が行います。"))
    values = _clean_typed(values)
    person: Person | None = values.get("person")
    if person is not None:
        if person.station_id != officer.station_id or person.merged_into_id is not None:
            raise ValidationError(
                {"person": _("%(station)sの住民等から選んでください。") % {"station": officer.station}}
            )
    elif not (values["family_name"] and values["given_name"]):
        raise ValidationError(_("登録済みの住民等を選ぶか、候補者の姓と名を入力してください。"))
    if not values["reason"]:
        raise ValidationError({"reason": _("推薦の理由を入力してください。")})
    if values.get("met_at") not in Referral.MetAt.values:
        raise ValidationError({"met_at": _("把握した機会を選んでください。")})
    referred_on: datetime.date = values.get("referred_on") or today_tokyo()
    require_office_date(referred_on, field="referred_on")
    if referred_on > today_tokyo():
        raise ValidationError({"referred_on": _("連絡日に、未来の日付は入力できません。")})
    referral = Referral.objects.create(
        station_id=officer.station_id,
        referrer=officer,
        section_id=officer.section_id,
        koban_id=officer.koban_id,
        created_by=acting_user,
        **{
            name: values.get(name) or ("" if name not in ("person", "referred_on") else None)
            for name in REFERRAL_FIELDS
            if name != "referred_on"
        },
        referred_on=referred_on,
    )
    record(
        user=acting_user,
        action="network.referral_create",
        summary=f"地域安全連絡員の候補を地域課に連絡しました（{referral.person or referral.family_name}）",
        obj=referral,
        personal_data=True,
    )
    claim.done(referral)
    return referral


def _lock_pending(referral: Referral) -> Referral:
    """The referral re-read under a row lock; ValidationError when someone else decided it meanwhile."""
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status != Referral.Status.PENDING:
        raise ValidationError(
            _("この連絡は、既に他の職員が判断しました（%(status)s）。画面を読み込み直して確認してください。")
            % {"status": current.get_status_display()}
        )
    return current


@transaction.atomic
def referral_accept(
    *,
    referral: Referral,
    acting_user,
    person: Person | None = None,
    new_person: dict | None = None,
    values: dict | None = None,
) -> Referral:
    """Accept a referral (N2.3): the candidate becomes a 候補 contact person of the station on one person record.

    The person is the one the referral named, else ``person`` (an existing record 地域課 chose, e.g. among the likely
    duplicates), else a new record made from ``new_person``. A person who already is a contact person of the station
    is not registered twice: the referral is linked to that contact. ``values`` are the contact's particulars
    (defaults: ``contact_defaults``).
    """
    current = _lock_pending(referral)
    station = current.station
    chosen = current.person or person
    if chosen is not None and (chosen.station_id != station.pk or chosen.merged_into_id is not None):
        raise ValidationError(_("%(station)sの住民等から選んでください。") % {"station": station.name})
    if chosen is None:
        if not new_person:
            raise ValidationError(_("登録済みの住民等を選ぶか、新しく登録する人の氏名と読みを入力してください。"))
        chosen = person_create(data=new_person, station=station, acting_user=acting_user)
    contact = ContactPerson.objects.filter(person=chosen, station=station).first()
    linked_existing = contact is not None
    if contact is None:
        particulars = {**contact_defaults(current), **(values or {})}
        contact = contact_create(
            station=station,
            person=chosen,
            values=particulars,
            acting_user=acting_user,
            note=_("%(section)s %(officer)sからの連絡による")
            % {"section": current.section.name if current.section else "", "officer": current.referrer.full_name},
        )
    current.person = chosen
    current.contact = contact
    current.status = Referral.Status.ACCEPTED
    current.decided_by = acting_user
    current.decided_at = timezone.now()
    current.version += 1
    current.save(update_fields=["person", "contact", "status", "decided_by", "decided_at", "version"])
    record(
        user=acting_user,
        action="network.referral_accept",
        summary=f"地域安全連絡員の候補の連絡を受理しました（{chosen}"
        + ("：登録済みの連絡員に結び付け" if linked_existing else "")
        + "）",
        obj=current,
        personal_data=True,
        detail={"contact": contact.pk, "linked_existing": linked_existing},
    )
    return current


@transaction.atomic
def referral_decline(*, referral: Referral, reason: str, acting_user) -> Referral:
    """Decline a referral with the reason (required), which the referrer sees with the outcome (N2.3)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("見送りの理由を入力してください。")})
    current = _lock_pending(referral)
    current.status = Referral.Status.DECLINED
    current.decline_reason = reason
    current.decided_by = acting_user
    current.decided_at = timezone.now()
    current.version += 1
    current.save(update_fields=["status", "decline_reason", "decided_by", "decided_at", "version"])
    record(
        user=acting_user,
        action="network.referral_decline",
        summary=f"地域安全連絡員の候補の連絡を見送りました（{current.person or current.family_name}）",
        obj=current,
        personal_data=True,
    )
    return current
