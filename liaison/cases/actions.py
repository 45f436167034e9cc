"""Writes to cases (C8.2, N3.1). Each validates, saves, refreshes the stored findings and audits in one transaction.

The action status changes only through ``case_progress``, which writes the dated history row (CaseUpdate) with it.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from liaison.audit.log import japanese, record
from liaison.lib import once
from liaison.lib.dates import require_office_date, today_tokyo
from liaison.lib.versioning import save_versioned
from liaison.org.models import Koban, Officer, Section, Station

from . import findings, rules
from .models import Case, CaseUpdate

# The particulars an edit screen changes; the status, settled and told dates have their own actions.
CASE_FIELDS = [
    "received_on",
    "category",
    "content",
    "raised_by_kind",
    "raised_by_person",
    "raised_by_name",
    "answer",
    "section",
    "koban",
]


def _check(station: Station, values: dict) -> None:
    koban: Koban | None = values.get("koban")
    section: Section | None = values.get("section")
    if koban is not None and koban.station_id != station.pk:
        raise ValidationError(
            _("%(koban)sは%(station)sの交番・駐在所ではありません。") % {"koban": koban.name, "station": station.name}
        )
    if section is not None and section.station_id != station.pk:
        raise ValidationError(_("担当課は%(station)sの課から選んでください。") % {"station": station.name})
    if not (values.get("content") or "").strip():
        raise ValidationError(_("意見・要望の内容を入力してください。"))
    if values.get("received_on"):
        require_office_date(values["received_on"], field="received_on")
        if values["received_on"] > today_tokyo():
            raise ValidationError({"received_on": _("受付日に、未来の日付は入力できません。")})


@transaction.atomic
def case_create(*, station: Station, values: dict, acting_user, form_token: str | None = None) -> Case:
    """Record an opinion or request of ``station`` (受付), with the first row of its history; once per form token."""
    claim = once.claim(form_token, acting_user)
    _check(station, values)
    case = Case.objects.create(
        station=station, created_by=acting_user, **{k: values.get(k) or _empty(k) for k in CASE_FIELDS}
    )
    CaseUpdate.objects.create(
        case=case,
        on=case.received_on,
        status=Case.Status.RECEIVED,
        note="受付",  # records are kept in Japanese, whatever the screen language
        created_by=acting_user,
    )
    findings.refresh([case.pk])
    record(user=acting_user, action="case.create", summary=f"意見・要望を受け付けました（{case}）", obj=case)
    claim.done(case)
    return case


def _empty(name: str):
    return "" if name in ("raised_by_name", "answer", "content") else None


@transaction.atomic
def case_update(*, case: Case, values: dict, version: int, acting_user) -> Case:
    """Change a case's particulars unless someone saved it since ``version`` (then StaleEdit)."""
    case = Case.objects.select_related("station").get(pk=case.pk)
    _check(case.station, values)
    first_update = case.updates.order_by("on", "pk").values_list("on", flat=True).exclude(status=Case.Status.RECEIVED)
    later = first_update.first()
    if later is not None and values["received_on"] > later:
        raise ValidationError({"received_on": _("受付日を、措置状況の経過の日付より後にはできません。")})
    for name in CASE_FIELDS:
        setattr(case, name, values.get(name) or _empty(name))
    save_versioned(case, version, [*CASE_FIELDS, "updated_at"])
    findings.refresh([case.pk])
    record(user=acting_user, action="case.update", summary=f"意見・要望の内容を変更しました（{case}）", obj=case)
    return case


@transaction.atomic
def case_progress(
    *,
    case: Case,
    status: str,
    on: datetime.date,
    note: str,
    officer: Officer | None,
    version: int,
    acting_user,
) -> CaseUpdate:
    """Record one dated step of the action status (措置状況) and move the case to ``status``.

    Settling (措置済・措置困難) sets the settled date; any change of status clears the date the raiser was told,
    because the outcome they were told is no longer the current one.
    """
    case = Case.objects.get(pk=case.pk)
    last_on = case.updates.order_by("-on", "-pk").values_list("on", flat=True).first()
    error = rules.status_change_error(
        current=case.status, new=status, on=on, received_on=case.received_on, last_on=last_on, today=today_tokyo()
    )
    if error:
        raise ValidationError(error)
    changed = status != case.status
    fields = ["updated_at"]
    if changed:
        case.status = status
        case.settled_on = on if status in Case.SETTLED else None
        case.told_on = None
        fields += ["status", "settled_on", "told_on"]
    # Versioned even for a note alone: two people recording steps at once see each other's before saving.
    save_versioned(case, version, fields)
    update = CaseUpdate.objects.create(
        case=case, on=on, status=status, note=note, officer=officer, created_by=acting_user
    )
    findings.refresh([case.pk])
    record(
        user=acting_user,
        action="case.progress",
        summary=f"意見・要望の措置状況を「{japanese(case.get_status_display)}」としました（{case}）",
        obj=case,
        detail={"status": status, "on": on.isoformat(), "changed": changed},
    )
    return update


@transaction.atomic
def case_record_told(*, case: Case, told_on: datetime.date, version: int, acting_user) -> Case:
    """Record the day the raiser and attendees were told the outcome (措置状況の連絡, C8.2)."""
    case = Case.objects.get(pk=case.pk)
    error = rules.told_error(status=case.status, told_on=told_on, settled_on=case.settled_on, today=today_tokyo())
    if error:
        raise ValidationError(error)
    case.told_on = told_on
    save_versioned(case, version, ["told_on", "updated_at"])
    findings.refresh([case.pk])
    record(user=acting_user, action="case.told", summary=f"措置状況を申出者・参加者に連絡しました（{case}）", obj=case)
    return case
