"""Writes of 地域安全の会 (N3.3): record a meeting with its attendees, change it (optimistic locking), and record an
opinion or request received there as a case of the shared cases app, linked to the meeting in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from liaison.audit.log import record
from liaison.cases import actions as case_actions
from liaison.cases.models import Case
from liaison.lib import once
from liaison.lib.dates import require_office_date
from liaison.lib.versioning import save_versioned
from liaison.org.models import Station

from ..models import ContactPerson, SafetyMeeting, SafetyMeetingCase

MEETING_FIELDS = ["held_on", "venue", "held_with", "topics", "other_attendees", "materials", "notes"]

# Who may raise an opinion at a 地域安全の会: a contact person who attended, or another resident there.
MEETING_RAISERS = (Case.RaisedBy.CONTACT_PERSON, Case.RaisedBy.RESIDENT)


def _check(station: Station, values: dict, contacts: list[ContactPerson], already: set[int]) -> None:
    require_office_date(values["held_on"], field="held_on")
    if not (values.get("venue") or "").strip():
        raise ValidationError({"venue": _("会場を入力してください。")})
    for contact in contacts:
        if contact.station_id != station.pk:
            raise ValidationError(
                _("出席した連絡員は%(station)sの連絡員から選んでください。") % {"station": station.name}
            )
        # Declined and withdrawn people are not offered (N4.2); one who attended before withdrawing stays recorded.
        if contact.consent not in ContactPerson.ACTIVE and contact.pk not in already:
            raise ValidationError(
                _("%(person)sは「%(consent)s」のため、出席者に加えられません。")
                % {"person": contact.person, "consent": contact.get_consent_display()}
            )


@transaction.atomic
def safety_meeting_create(
    *, station: Station, values: dict, contacts: list[ContactPerson], acting_user, form_token: str | None = None
) -> SafetyMeeting:
    """Record a 地域安全の会 of ``station`` with the contact persons who attended; once per form token."""
    claim = once.claim(form_token, acting_user)
    _check(station, values, contacts, set())
    meeting = SafetyMeeting.objects.create(
        station=station, created_by=acting_user, **{k: values.get(k) or "" for k in MEETING_FIELDS}
    )
    meeting.contacts.set(contacts)
    record(
        user=acting_user,
        action="network.safety_meeting_create",
        summary=f"地域安全の会を記録しました（{meeting}）",
        obj=meeting,
    )
    claim.done(meeting)
    return meeting


@transaction.atomic
def safety_meeting_update(
    *, meeting: SafetyMeeting, values: dict, contacts: list[ContactPerson], version: int, acting_user
) -> SafetyMeeting:
    """Change a 地域安全の会 unless someone saved it since ``version`` (then StaleEdit)."""
    meeting = SafetyMeeting.objects.select_related("station").get(pk=meeting.pk)
    already = set(meeting.contacts.values_list("pk", flat=True))
    _check(meeting.station, values, contacts, already)
    for name in MEETING_FIELDS:
        setattr(meeting, name, values.get(name) or "")
    save_versioned(meeting, version, [*MEETING_FIELDS, "updated_at"])
    meeting.contacts.set(contacts)
    record(
        user=acting_user,
        action="network.safety_meeting_update",
        summary=f"地域安全の会の記録を変更しました（{meeting}）",
        obj=meeting,
    )
    return meeting


@transaction.atomic
def safety_meeting_opinion_add(
    *, meeting: SafetyMeeting, values: dict, acting_user, form_token: str | None = None
) -> SafetyMeetingCase:
    """Record an opinion or request received at ``meeting`` (with the answer given there): a case of the meeting's
    station received on the meeting's day, linked to the meeting."""
    claim = once.claim(form_token, acting_user)
    if values.get("raised_by_kind") not in MEETING_RAISERS:
        raise ValidationError(_("地域安全の会の意見・要望の申出者は、連絡員か住民です。"))
    meeting = SafetyMeeting.objects.select_for_update().select_related("station").get(pk=meeting.pk)
    person = values.get("raised_by_person")
    if person is not None and not meeting.contacts.filter(person=person).exists():
        raise ValidationError(_("申出た連絡員は、この会に出席した連絡員から選んでください。"))
    case = case_actions.case_create(
        station=meeting.station,
        values={**values, "received_on": meeting.held_on, "koban": None},
        acting_user=acting_user,
    )
    link = SafetyMeetingCase.objects.create(meeting=meeting, case=case)
    record(
        user=acting_user,
        action="network.safety_meeting_opinion",
        summary=f"地域安全の会で出た意見・要望を記録しました（{case}）",
        obj=meeting,
        detail={"case_id": case.pk},
    )
    claim.done(case)
    return link
