"""Writes of the meetings themselves (C7, C8.1, C10): scheduling, editing, holding and cancelling a meeting, its
attendance, election periods, materials and the officers' calendar addresses. Each is one transaction with its audit
entry; the council's stored findings (C7.2) are refreshed in the same transaction.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.audit.log import record
from liaison.lib import once
from liaison.lib.versioning import save_versioned

from .. import findings, rules
from ..models import (
    Attendance,
    CalendarFeed,
    ElectionPeriod,
    Guest,
    Material,
    Meeting,
    PoliceAttendee,
)
from ..signals import meeting_changed

# What a schedule or edit form may set; number, fiscal year, status and the election period are derived here.
MEETING_FIELDS = [
    "kind",
    "starts_at",
    "ends_at",
    "venue_kind",
    "venue_name",
    "themes",
    "theme_note",
    "trigger",
    "measures",
    "measures_note",
    "minutes",
    "remarks",
]

NUMBERING_ATTEMPTS = 5  # two people scheduling 第N回 of one council at once: the loser takes N+1


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def period_facts(queryset) -> list[rules.PeriodFacts]:
    return [
        rules.PeriodFacts(
            pk=p.pk,
            name=p.name,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            whole_prefecture=p.whole_prefecture,
            municipalities=frozenset(p.municipalities or []),
        )
        for p in queryset
    ]


def election_conflict(council, day: datetime.date) -> ElectionPeriod | None:
    """The election period (recorded by HQ or by the council's station) that ``day`` and the council's area fall in."""
    from django.db.models import Q

    candidates = ElectionPeriod.objects.filter(starts_on__lte=day, ends_on__gte=day).filter(
        Q(station__isnull=True) | Q(station_id=council.station_id)
    )
    found = rules.overlapping_periods(
        period_facts(candidates), day, council.kobans.values_list("municipality", flat=True)
    )
    return ElectionPeriod.objects.get(pk=found[0].pk) if found else None


def _check_values(values: dict) -> None:
    errors = {}
    if values.get("ends_at") and values["ends_at"] <= values["starts_at"]:
        errors["ends_at"] = _("終了日時は開始日時より後にしてください。")
    if values["kind"] == Meeting.Kind.AD_HOC and not (values.get("trigger") or "").strip():
        errors["trigger"] = _("臨時会議は開催の契機を入力してください（要綱第7-3）。")
    if not set(values.get("themes") or []) <= set(Meeting.Theme.values):
        errors["themes"] = _("テーマを選び直してください。")
    if not set(values.get("measures") or []) <= set(Meeting.Measure.values):
        errors["measures"] = _("対策を選び直してください。")
    if errors:
        raise ValidationError(errors)


def _apply_election(meeting: Meeting, reason: str, acting_user) -> bool:
    """Refuse a meeting inside an election period unless a reason is given (C10.3); True when overridden."""
    period = election_conflict(meeting.council, _local_day(meeting.starts_at))
    reason = (reason or "").strip()
    meeting.election_period = period
    if period is None:
        meeting.election_override_reason = ""
        return False
    if not reason:
        raise ValidationError({"election_override_reason": rules.election_refusal(period_facts([period])[0])})
    meeting.election_override_reason = reason
    return True


def _number(meeting: Meeting) -> None:
    """Give a regular meeting the next 第N回 of its fiscal year (C7.1); an ad hoc meeting has none."""
    if meeting.kind != Meeting.Kind.REGULAR or meeting.status == Meeting.Status.CANCELLED:
        meeting.number = None
        return
    numbers = (
        Meeting.objects.filter(
            council_id=meeting.council_id,
            fiscal_year=meeting.fiscal_year,
            kind=Meeting.Kind.REGULAR,
            status__in=[Meeting.Status.PLANNED, Meeting.Status.HELD],
        )
        .exclude(pk=meeting.pk)
        .values_list("number", flat=True)
    )
    meeting.number = rules.next_regular_number(numbers)


def _audit_override(meeting: Meeting, acting_user) -> None:
    record(
        user=acting_user,
        action="meeting.election_override",
        summary=f"{meeting}を選挙運動期間（{meeting.election_period}）中に予定しました。理由: "
        f"{meeting.election_override_reason}",
        obj=meeting,
        detail={"election_period_id": meeting.election_period_id, "reason": meeting.election_override_reason},
    )


@transaction.atomic
def meeting_schedule(
    *, council, values: dict, acting_user, election_override_reason: str = "", form_token: str | None = None
) -> Meeting:
    """Schedule a meeting of ``council`` (C7.1, C7.3, C8.1, C10.3): numbered if regular; refused inside an election
    period unless a reason is given (the override is audited); once per form token."""
    claim = once.claim(form_token, acting_user)
    if not council.is_active:
        raise ValidationError(_("廃止された協議会の会議は登録できません。"))
    _check_values(values)
    meeting = Meeting(
        council=council, created_by=acting_user, **{k: values.get(k) or _empty(k) for k in MEETING_FIELDS}
    )
    meeting.fiscal_year = rules.fiscal_year(_local_day(meeting.starts_at))
    overridden = _apply_election(meeting, election_override_reason, acting_user)
    _save_numbered(meeting, create=True)
    record(
        user=acting_user, action="meeting.schedule", summary=f"{meeting}を{_when(meeting)}に予定しました。", obj=meeting
    )
    if overridden:
        _audit_override(meeting, acting_user)
    findings.refresh([council.pk])
    claim.done(meeting)
    return meeting


def _empty(field: str):
    return [] if field in ("themes", "measures") else ("" if field not in ("starts_at", "ends_at") else None)


def _when(meeting: Meeting) -> str:
    return timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")


def _save_numbered(meeting: Meeting, *, create: bool, version: int | None = None, fields=()) -> None:
    """Save with the next free number. Two people numbering at once both read N: the database's unique constraint
    refuses the second, which reads again and takes N+1 (in a savepoint, so the rest of its transaction stands)."""
    for attempt in range(NUMBERING_ATTEMPTS):
        _number(meeting)
        try:
            with transaction.atomic():
                if create:
                    meeting.save()
                else:
                    save_versioned(meeting, version, [*fields, "number", "updated_at"])
            return
        except IntegrityError:
            if attempt == NUMBERING_ATTEMPTS - 1 or meeting.kind != Meeting.Kind.REGULAR:
                raise
            if create:
                meeting.pk = None


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, values: dict, version: int, acting_user, election_override_reason=""
) -> Meeting:
    """Change a planned or held meeting; a new date or kind renumbers it in its (new) fiscal year; the election
    check runs again (C10.3); stale edits raise StaleEdit."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("中止した会議は変更できません。"))
    _check_values(values)
    before = (meeting.kind, meeting.fiscal_year, meeting.election_period_id, meeting.election_override_reason)
    for key in MEETING_FIELDS:
        setattr(meeting, key, values.get(key) or _empty(key))
    meeting.fiscal_year = rules.fiscal_year(_local_day(meeting.starts_at))
    overridden = _apply_election(meeting, election_override_reason, acting_user)
    fields = [*MEETING_FIELDS, "fiscal_year", "election_period", "election_override_reason"]
    if (meeting.kind, meeting.fiscal_year) != before[:2]:
        _save_numbered(meeting, create=False, version=version, fields=fields)
    else:
        save_versioned(meeting, version, [*fields, "updated_at"])
    record(user=acting_user, action="meeting.update", summary=f"{meeting}を変更しました。", obj=meeting)
    if overridden and (meeting.election_period_id, meeting.election_override_reason) != before[2:]:
        _audit_override(meeting, acting_user)
    findings.refresh([meeting.council_id])
    meeting_changed.send(sender=Meeting, meeting=meeting)
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("council").get(pk=meeting.pk)


@transaction.atomic
def meeting_hold(*, meeting: Meeting, acting_user) -> Meeting:
    """Record that a planned meeting was held (its attendance and minutes are recorded on its page)."""
    meeting = _locked(meeting)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("予定の会議だけを開催済にできます。"))
    if _local_day(meeting.starts_at) > timezone.localdate():
        raise ValidationError(_("開催日より前に開催済にはできません。"))
    meeting.status = Meeting.Status.HELD
    meeting.version += 1
    meeting.save(update_fields=["status", "version", "updated_at"])
    record(user=acting_user, action="meeting.hold", summary=f"{meeting}を開催済にしました。", obj=meeting)
    findings.refresh([meeting.council_id])
    meeting_changed.send(sender=Meeting, meeting=meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str, acting_user) -> Meeting:
    """Cancel a planned meeting; its number is freed for the next regular meeting scheduled."""
    meeting = _locked(meeting)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("予定の会議だけを中止にできます。"))
    label = str(meeting)
    meeting.status = Meeting.Status.CANCELLED
    # The record is kept in Japanese, whatever the language of the screen it was typed on.
    meeting.remarks = "\n".join(p for p in (meeting.remarks, f"中止の理由: {reason}" if reason else "") if p)
    meeting.version += 1
    meeting.save(update_fields=["status", "remarks", "version", "updated_at"])
    record(
        user=acting_user,
        action="meeting.cancel",
        summary=f"{label}を中止しました。{reason}",
        obj=meeting,
        detail={"number": meeting.number, "reason": reason},
    )
    findings.refresh([meeting.council_id])
    return meeting


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, memberships: list, guests: list[dict], officers: list, acting_user
) -> rules.AttendanceCounts:
    """Record who attended (C7.4, C10.2): the members ticked, the guests, and the police attendees, each classed
    by ``rules.executive_class`` as on that day. Replaces the earlier record; Form 3's figures come from it."""
    meeting = _locked(meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("中止した会議の出席は記録できません。"))
    meeting.attendances.all().delete()
    Attendance.objects.bulk_create(Attendance(meeting=meeting, membership=m) for m in memberships)
    meeting.guests.all().delete()
    Guest.objects.bulk_create(
        Guest(meeting=meeting, name=g["name"], affiliation=g.get("affiliation", ""), reason=g.get("reason", ""))
        for g in guests
    )
    meeting.police_attendees.all().delete()
    attendees = [
        PoliceAttendee(
            meeting=meeting,
            officer=o,
            executive_class=classify(o),
            post=" ".join(p for p in (o.affiliation, o.title) if p)[:80],
        )
        for o in officers
    ]
    PoliceAttendee.objects.bulk_create(attendees)
    counts = rules.attendance_counts(
        members=len(memberships), guests=len(guests), classes=[a.executive_class for a in attendees]
    )
    record(
        user=acting_user,
        action="meeting.attendance",
        summary=f"{meeting}の出席者を記録しました（委員{counts.members}人、委員以外{counts.guests}人、"
        f"警察官{counts.police}人）。",
        obj=meeting,
        detail={
            "membership_ids": [m.pk for m in memberships],
            "officer_ids": [o.pk for o in officers],
            "guests": len(guests),
        },
    )
    return counts


def classify(officer) -> str:
    """The executive class of an officer as they are placed today (``rules.executive_class``)."""
    return rules.executive_class(
        rank=officer.rank,
        title=officer.title,
        section_is_community=bool(officer.section_id and officer.section.is_community),
        at_koban=officer.koban_id is not None,
        hq_community=bool(officer.hq_division_id and officer.hq_division.is_community),
    )


# --- Election periods (C10.3) ------------------------------------------------------------------------------------


@transaction.atomic
def election_period_create(*, values: dict, station, acting_user) -> ElectionPeriod:
    """Record an election period: HQ's (``station`` None) for the prefecture or chosen municipalities, or a
    station's own."""
    if values["ends_on"] < values["starts_on"]:
        raise ValidationError({"ends_on": _("終了日は開始日以後にしてください。")})
    municipalities = sorted({m.strip() for m in values.get("municipalities") or [] if m and m.strip()})
    if not values.get("whole_prefecture") and not municipalities:
        raise ValidationError(_("県内全域とするか、対象の市区町村を選んでください。"))
    period = ElectionPeriod.objects.create(
        name=values["name"],
        whole_prefecture=bool(values.get("whole_prefecture")),
        municipalities=[] if values.get("whole_prefecture") else municipalities,
        starts_on=values["starts_on"],
        ends_on=values["ends_on"],
        station=station,
        created_by=acting_user,
    )
    record(
        user=acting_user,
        action="election_period.create",
        summary=f"選挙期間「{period.name}」（{period.starts_on}〜{period.ends_on}）を登録しました。",
        obj=period,
        station=station,
    )
    return period


@transaction.atomic
def election_period_delete(*, period: ElectionPeriod, acting_user) -> None:
    """Remove an election period no meeting was scheduled against (an override keeps it, as its evidence)."""
    if period.meetings.exists():
        raise ValidationError(_("この期間中に予定した会議があるため、削除できません。"))
    record(
        user=acting_user,
        action="election_period.delete",
        summary=f"選挙期間「{period.name}」を削除しました。",
        obj=period,
        station=period.station,
    )
    period.delete()


# --- Materials (C10.5) -------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_materials_set(*, meeting: Meeting, upload=None, title: str = "", reused: list, acting_user) -> Meeting:
    """Attach an uploaded file (kept as a material of the station) and materials used before (C10.5)."""
    added = list(reused)
    if upload is not None:
        material = Material(station=meeting.council.station, title=title or upload.name, uploaded_by=acting_user)
        material.file.save(upload.name, upload, save=False)
        material.save()
        added.append(material)
    meeting.materials.add(*added)
    record(
        user=acting_user,
        action="meeting.materials",
        summary=f"{meeting}に資料を添付しました（{'、'.join(m.title for m in added)}）。",
        obj=meeting,
        detail={"material_ids": [m.pk for m in added]},
    )
    return meeting


@transaction.atomic
def meeting_material_remove(*, meeting: Meeting, material: Material, acting_user) -> None:
    """Detach a material from a meeting (the file stays for other meetings)."""
    meeting.materials.remove(material)
    record(
        user=acting_user,
        action="meeting.material_remove",
        summary=f"{meeting}から資料「{material}」を外しました。",
        obj=meeting,
    )


# --- Calendar feed -----------------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """The stored form of a calendar token: a token is 32 random bytes, so a plain SHA-256 cannot be guessed back."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_renew(*, officer, acting_user) -> str:
    """Give the officer a new secret calendar address (the old one stops at once); returns the token, shown once."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        officer=officer, defaults={"token_hash": token_hash(token), "created_at": timezone.now()}
    )
    record(
        user=acting_user,
        action="calendar_feed.renew",
        summary=f"{officer.full_name}さんの会議予定の配信アドレスを発行しました（以前のアドレスは無効）。",
        obj=officer,
    )
    return token


@transaction.atomic
def calendar_feed_stop(*, officer, acting_user) -> None:
    """Stop the officer's calendar address."""
    if CalendarFeed.objects.filter(officer=officer).delete()[0]:
        record(
            user=acting_user,
            action="calendar_feed.stop",
            summary=f"{officer.full_name}さんの会議予定の配信アドレスを停止しました。",
            obj=officer,
        )
