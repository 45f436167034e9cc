"""Writes to contact persons (N2, N4.2): register one (on a recorded person or a new one), edit the particulars,
change the consent state with its dated history."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from liaison.audit.log import record
from liaison.lib import once
from liaison.lib.dates import today_tokyo
from liaison.lib.versioning import save_versioned
from liaison.org.models import Koban, Officer, Station
from liaison.people import actions as people_actions
from liaison.people.models import Person

from .. import findings, rules
from ..models import ConsentChange, ContactPerson, ContactRole

# The particulars an edit screen changes; the consent state has its own action.
CONTACT_FIELDS = [
    "koban",
    "municipality",
    "district",
    "source",
    "source_detail",
    "officer",
    "contact_way",
    "wants_email",
    "notes",
]


EMAIL_REQUIRED = _(
    "メールでの情報提供を希望するときは、住民等の記録にメールアドレスを登録してください（住民等の詳細の「編集する」）。"
)


def _check(station: Station, values: dict, person: Person | None = None) -> None:
    # Mail-outs (N3.2) go to the address on the person record: ticking "wants e-mail" without one would promise
    # information that can never be sent.
    if values.get("wants_email") and person is not None and not (person.email or "").strip():
        raise ValidationError({"wants_email": str(EMAIL_REQUIRED)})
    koban: Koban | None = values.get("koban")
    officer: Officer | None = values.get("officer")
    if koban is not None and koban.station_id != station.pk:
        raise ValidationError({"koban": _("%(station)sの交番・駐在所から選んでください。") % {"station": station.name}})
    if officer is not None and officer.station_id != station.pk:
        raise ValidationError(
            {"officer": _("担当警察官は%(station)sの警察官から選んでください。") % {"station": station.name}}
        )


def _default(name: str):
    return {"wants_email": False, "koban": None, "officer": None, "contact_way": ContactPerson.ContactWay.VISIT}.get(
        name, ""
    )


@transaction.atomic
def contact_create(
    *,
    station: Station,
    person: Person,
    values: dict,
    roles: list[tuple[str, str]] = (),
    acting_user,
    on: datetime.date | None = None,
    note: str = "",
    form_token: str | None = None,
) -> ContactPerson:
    """Register ``person`` as a candidate contact person (候補) of ``station``, with the first step of the consent
    history. ``roles`` are (kind, detail) pairs of concurrent roles (N2.2). The person record is the shared one: a
    council member becomes a contact person without a second record."""
    claim = once.claim(form_token, acting_user)
    _check(station, values, person)
    if ContactPerson.objects.filter(person=person, station=station).exists():
        raise ValidationError(
            _("%(person)sは既に%(station)sの地域安全連絡員（候補を含む）です。")
            % {"person": person, "station": station.name}
        )
    try:
        with transaction.atomic():
            contact = ContactPerson.objects.create(
                person=person,
                station=station,
                consent=ContactPerson.Consent.CANDIDATE,
                created_by=acting_user,
                **{k: values.get(k) if values.get(k) is not None else _default(k) for k in CONTACT_FIELDS},
            )
    except IntegrityError as exc:  # the same person registered at the same moment by someone else
        raise ValidationError(
            _("%(person)sは既に%(station)sの地域安全連絡員（候補を含む）です。")
            % {"person": person, "station": station.name}
        ) from exc
    ContactRole.objects.bulk_create(ContactRole(contact=contact, kind=k, detail=d or "") for k, d in roles)
    ConsentChange.objects.create(
        contact=contact,
        consent=ContactPerson.Consent.CANDIDATE,
        on=on or today_tokyo(),
        note=note[:200],
        created_by=acting_user,
    )
    findings.refresh([contact.pk])
    record(
        user=acting_user,
        action="network.contact_create",
        summary=f"地域安全連絡員の候補に登録しました（{person}）",
        obj=contact,
    )
    claim.done(contact)
    return contact


@transaction.atomic
def person_record_and_register(
    *,
    person_data: dict,
    station: Station,
    values: dict,
    roles: list[tuple[str, str]] = (),
    acting_user,
    form_token: str | None = None,
) -> ContactPerson:
    """Record a new person for ``station`` and register them as a candidate contact person in one step; once per
    form token. The duplicate check (``people.queries.likely_duplicates``) is the caller's, as for every new person."""
    claim = once.claim(form_token, acting_user)
    person = people_actions.person_create(data=person_data, station=station, acting_user=acting_user)
    contact = contact_create(station=station, person=person, values=values, roles=roles, acting_user=acting_user)
    claim.done(contact)
    return contact


@transaction.atomic
def contact_update(
    *, contact: ContactPerson, values: dict, roles: list[tuple[str, str]], version: int, acting_user
) -> ContactPerson:
    """Save the particulars and the concurrent roles if nobody saved the contact person since ``version`` was read;
    else raise StaleEdit with the saved record. The consent state is not touched: it changes only by a dated step."""
    _check(contact.station, values, contact.person)
    for name in CONTACT_FIELDS:
        if name in values:
            value = values[name]
            setattr(contact, name, value if value is not None else _default(name))
    save_versioned(contact, version, [*CONTACT_FIELDS, "updated_at"])
    # The roles are a small list edited as a whole: replacing them keeps the order the screen shows.
    contact.roles.all().delete()
    ContactRole.objects.bulk_create(ContactRole(contact=contact, kind=k, detail=d or "") for k, d in roles)
    record(
        user=acting_user,
        action="network.contact_update",
        summary=f"地域安全連絡員の記録を変更しました（{contact.person}）",
        obj=contact,
    )
    return contact


@transaction.atomic
def consent_change(
    *, contact: ContactPerson, consent: str, on: datetime.date | None, method: str = "", note: str = "", acting_user
) -> ContactPerson:
    """Move the consent state one step (N4.2), writing the dated history row with it.

    The row is locked first, so two officers recording at once cannot both step from the same state.
    """
    contact = ContactPerson.objects.select_for_update().get(pk=contact.pk)
    rules.check_consent_step(contact.consent, consent, on=on, method=method, today=today_tokyo())
    before = contact.get_consent_display()
    contact.consent = consent
    if consent == ContactPerson.Consent.CONSENTED:
        contact.consent_on, contact.consent_method = on, method
    contact.version += 1
    contact.save(update_fields=["consent", "consent_on", "consent_method", "version", "updated_at"])
    ConsentChange.objects.create(
        contact=contact, consent=consent, on=on, method=method, note=note[:200], created_by=acting_user
    )
    findings.refresh([contact.pk])
    record(
        user=acting_user,
        action="network.consent_change",
        summary=f"地域安全連絡員の承諾の状況を変更しました（{contact.person}：{before}→{contact.get_consent_display()}）",
        obj=contact,
    )
    return contact
