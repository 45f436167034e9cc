"""Writes of safety information (N3.1エ, N3.2): publish, edit, pass on to kobans, distribute to contact persons
(e-mail, printed handouts, hand-over), resend failed e-mails, and what a contact person said about sharing it.

Each action validates, saves and audits in one transaction. A distribution is audited by who, how and how many,
never by the addresses (they are on the delivery rows, for whoever may see them).
"""

from __future__ import annotations

import datetime
import os
import uuid
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.access.permissions import Perm
from liaison.access.policy import has_perm, officer_of, sees_all_stations
from liaison.audit.log import japanese, record
from liaison.lib import once
from liaison.lib.dates import require_office_date, today_tokyo
from liaison.lib.versioning import save_versioned
from liaison.org.models import Koban, Station

from ..models import (
    ContactPerson,
    Delivery,
    Distribution,
    Exchange,
    ExchangeMaterial,
    SafetyInfo,
    SafetyInfoAttachment,
    SafetyInfoTarget,
)
from .exchanges import exchange_create

INFO_FIELDS = ["title", "body", "area", "published_on", "valid_until"]


def is_publisher(user, item: SafetyInfo) -> bool:
    """True when ``user`` publishes for the one who published ``item``: its HQ division for an HQ item, its station
    for a station's item. ``can_change`` lets an item without a station through (HQ's), so the publisher is checked
    here explicitly: a station never changes an HQ item, and HQ never changes a station's."""
    if not has_perm(user, Perm.PUBLISH_SAFETY_INFO):
        return False
    officer = officer_of(user)
    if item.publisher_station_id is not None:
        return not sees_all_stations(user) and officer.station_id == item.publisher_station_id
    return (
        sees_all_stations(user)
        and officer.hq_division_id is not None
        and officer.hq_division_id == item.publisher_division_id
    )


def _check(values: dict) -> None:
    if not (values.get("title") or "").strip() or not (values.get("body") or "").strip():
        raise ValidationError(_("件名と本文を入力してください。"))
    published_on, valid_until = values.get("published_on"), values.get("valid_until")
    if published_on is None:
        raise ValidationError({"published_on": _("発信日を入力してください。")})
    require_office_date(published_on, field="published_on")
    if valid_until is not None:
        require_office_date(valid_until, field="valid_until")
        if valid_until < published_on:
            raise ValidationError({"valid_until": _("掲載期限は発信日以降の日付にしてください。")})


def _stored_name(upload_name: str) -> str:
    # The stored name is random: what a person called the file never becomes a path, and names cannot be guessed.
    extension = os.path.splitext(upload_name)[1].lower()[:10]
    return f"{uuid.uuid4().hex}{extension}"


def _attach(item: SafetyInfo, uploads, acting_user) -> list[SafetyInfoAttachment]:
    attached = []
    for upload in uploads:
        attachment = SafetyInfoAttachment(item=item, name=upload.name[:200], uploaded_by=acting_user)
        attachment.file.save(_stored_name(upload.name), upload, save=False)
        attachment.save()
        attached.append(attachment)
    return attached


def _publisher(acting_user) -> dict:
    """Who an item of ``acting_user`` is from: their HQ division, or their station."""
    if not has_perm(acting_user, Perm.PUBLISH_SAFETY_INFO):
        raise PermissionDenied
    officer = officer_of(acting_user)
    if sees_all_stations(acting_user):
        if officer.hq_division_id is None:
            raise ValidationError(_("本部所属が登録されていないため発信できません。"))
        return {"publisher_division_id": officer.hq_division_id, "publisher_station": None}
    if officer.station_id is None:
        raise PermissionDenied
    return {"publisher_division_id": None, "publisher_station": officer.station}


def _targets(acting_user, *, all_stations: bool, stations: Iterable[Station], kobans: Iterable[Koban]) -> set:
    """(station id, koban id or None) pairs an item goes to: HQ to any stations and kobans, a station to itself or
    its own kobans."""
    officer = officer_of(acting_user)
    stations, kobans = list(stations), list(kobans)
    if sees_all_stations(acting_user):
        if all_stations:
            stations = list(Station.objects.filter(active=True))
        pairs = {(s.pk, None) for s in stations}
    else:
        if stations and any(s.pk != officer.station_id for s in stations):
            raise ValidationError(_("自署と自署の交番・駐在所にだけ発信できます。"))
        pairs = {(officer.station_id, None)} if (all_stations or stations) else set()
        if any(k.station_id != officer.station_id for k in kobans):
            raise ValidationError(_("自署と自署の交番・駐在所にだけ発信できます。"))
    pairs |= {(k.station_id, k.pk) for k in kobans}
    if not pairs:
        raise ValidationError(_("発信先の警察署または交番・駐在所を選んでください。"))
    return pairs


@transaction.atomic
def info_publish(
    *,
    values: dict,
    all_stations: bool = False,
    stations: Iterable[Station] = (),
    kobans: Iterable[Koban] = (),
    uploads=(),
    acting_user,
    form_token: str | None = None,
) -> SafetyInfo:
    """N3.1エ: publish an item from the user's HQ division or station to the chosen stations and kobans (HQ), or to
    the own station or chosen kobans of it (a station), with its attachments; once per form token."""
    claim = once.claim(form_token, acting_user)
    publisher = _publisher(acting_user)
    _check(values)
    pairs = _targets(acting_user, all_stations=all_stations, stations=stations, kobans=kobans)
    item = SafetyInfo.objects.create(
        **publisher,
        created_by=acting_user,
        **{k: values.get(k) if k != "area" else values.get(k) or "" for k in INFO_FIELDS},
    )
    SafetyInfoTarget.objects.bulk_create(
        [
            SafetyInfoTarget(item=item, station_id=s, koban_id=k)
            for s, k in sorted(pairs, key=lambda p: (p[0], p[1] or 0))
        ]
    )
    attached = _attach(item, uploads, acting_user)
    record(
        user=acting_user,
        action="safety_info.publish",
        summary=f"地域安全情報を発信しました（{item.title}、発信先{len(pairs)}か所、添付{len(attached)}件）",
        obj=item,
        detail={"targets": len(pairs), "attachments": [a.name for a in attached]},
    )
    claim.done(item)
    return item


@transaction.atomic
def info_update(
    *, item: SafetyInfo, values: dict, version: int, uploads=(), remove_ids: Sequence[int] = (), acting_user
) -> SafetyInfo:
    """Correct an item: only its publisher (see ``is_publisher``), against the version the screen showed."""
    if not is_publisher(acting_user, item):
        raise PermissionDenied
    _check(values)
    for name in INFO_FIELDS:
        setattr(item, name, values.get(name) if name != "area" else values.get(name) or "")
    save_versioned(item, version, [*INFO_FIELDS, "updated_at"])
    removed = list(item.attachments.filter(pk__in=list(remove_ids)))
    for attachment in removed:
        attachment.file.delete(save=False)
        attachment.delete()
    attached = _attach(item, uploads, acting_user)
    record(
        user=acting_user,
        action="safety_info.update",
        summary=f"地域安全情報を修正しました（{item.title}、添付の追加{len(attached)}件・削除{len(removed)}件）",
        obj=item,
        detail={"added": [a.name for a in attached], "removed": [a.name for a in removed]},
    )
    return item


@transaction.atomic
def info_pass_on(*, item: SafetyInfo, kobans: Sequence[Koban], acting_user) -> SafetyInfo:
    """N3.1エ: a station passes an item it received on to chosen kobans of its own, as one new item that points to
    the original (its text copied, its attachments read through the original)."""
    if not has_perm(acting_user, Perm.PUBLISH_SAFETY_INFO) or sees_all_stations(acting_user):
        raise PermissionDenied
    officer = officer_of(acting_user)
    station_id = officer.station_id
    if item.publisher_station_id == station_id:
        raise ValidationError(_("自署が発信した情報は、発信先を選んで発信してください。"))
    if not SafetyInfoTarget.objects.filter(item=item, station_id=station_id).exists():
        raise PermissionDenied
    kobans = list(kobans)
    if not kobans:
        raise ValidationError(_("伝達する交番・駐在所を選んでください。"))
    if any(k.station_id != station_id for k in kobans):
        raise ValidationError(_("自署の交番・駐在所にだけ伝達できます。"))
    copy = SafetyInfo.objects.create(
        publisher_station_id=station_id,
        title=item.title,
        body=item.body,
        area=item.area,
        published_on=today_tokyo(),
        valid_until=item.valid_until,
        passed_on_from=item,
        created_by=acting_user,
    )
    SafetyInfoTarget.objects.bulk_create([SafetyInfoTarget(item=copy, station_id=station_id, koban=k) for k in kobans])
    record(
        user=acting_user,
        action="safety_info.pass_on",
        summary=f"地域安全情報を交番・駐在所に伝達しました（{item.title}、{len(kobans)}か所）",
        obj=copy,
        detail={"original": item.pk, "kobans": [k.pk for k in kobans]},
    )
    return copy


# --- distribution to contact persons (N3.2) ----------------------------------------------------------------------


def _check_recipients(station, contacts: Sequence[ContactPerson], method: str) -> None:
    if not contacts:
        raise ValidationError(_("提供先の連絡員がいません。"))
    for contact in contacts:
        # Consent is the contact person's own decision (N4.2): only those who consented ever receive anything.
        if contact.station_id != station.pk or contact.consent != ContactPerson.Consent.CONSENTED:
            raise ValidationError(_("承諾を得た自署の連絡員にだけ提供できます。"))
        if method == Distribution.Method.EMAIL and not (contact.wants_email and contact.person.email):
            raise ValidationError(
                _("%(name)sさんはメールでの提供を希望していないか、メールアドレスが登録されていません。")
                % {"name": contact.person.full_name}
            )


@transaction.atomic
def distribution_create(
    *,
    item: SafetyInfo,
    station: Station,
    method: str,
    contacts: Sequence[ContactPerson],
    handed_on: datetime.date | None = None,
    acting_user,
    form_token: str | None = None,
) -> Distribution:
    """N3.2: give ``item`` to ``contacts`` of ``station``: one delivery each. E-mails are queued for the background
    worker (committed with the distribution, so none is lost); printed handouts wait for their print; a hand-over is
    recorded as done on ``handed_on``."""
    claim = once.claim(form_token, acting_user)
    if not has_perm(acting_user, Perm.DISTRIBUTE_SAFETY_INFO) or officer_of(acting_user).station_id != station.pk:
        raise PermissionDenied
    if method not in Distribution.Method.values:
        raise ValidationError(_("提供の方法を選んでください。"))
    contacts = list(contacts)
    _check_recipients(station, contacts, method)
    distribution = Distribution.objects.create(item=item, station=station, method=method, created_by=acting_user)
    Delivery.objects.bulk_create(
        [
            Delivery(
                distribution=distribution,
                contact=c,
                email=c.person.email if method == Distribution.Method.EMAIL else "",
            )
            for c in contacts
        ]
    )
    if method == Distribution.Method.HANDOVER:
        handover_record(
            distribution=distribution,
            deliveries=list(distribution.deliveries.all()),
            handed_on=handed_on or today_tokyo(),
            acting_user=acting_user,
        )
    record(
        user=acting_user,
        action="safety_info.distribute",
        summary=(
            f"地域安全情報を連絡員に提供しました（{item.title}、{japanese(distribution.get_method_display)}、"
            f"{len(contacts)}人）"
        ),
        obj=distribution,
        detail={"item": item.pk, "method": method, "recipients": len(contacts)},
    )
    if method == Distribution.Method.EMAIL:
        _enqueue_mail(distribution)
    claim.done(distribution)
    return distribution


def _enqueue_mail(distribution: Distribution) -> None:
    from ..tasks_info import send_distribution_mail

    send_distribution_mail.enqueue(distribution.pk)


def handover_record(
    *, distribution: Distribution, deliveries: Sequence[Delivery], handed_on: datetime.date, acting_user
) -> int:
    """Mark ``deliveries`` handed over in person on ``handed_on``.

    Handing an item over is also meeting the contact persons, so it is logged as an information exchange (N3.1ア) of
    the acting officer in the same transaction: the station's figures and "not contacted for N days" count it.
    """
    require_office_date(handed_on, field="handed_on")
    if handed_on > today_tokyo():
        raise ValidationError({"handed_on": _("手渡しした日に、未来の日付は入力できません。")})
    done_at = timezone.make_aware(datetime.datetime.combine(handed_on, datetime.time(12, 0)))
    handed = list(
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries], distribution=distribution).select_related("contact")
    )
    count = Delivery.objects.filter(pk__in=[d.pk for d in handed]).update(
        status=Delivery.Status.HANDED, done_at=done_at
    )
    if handed:
        item = distribution.item
        exchange_create(
            station=distribution.station,
            officer=officer_of(acting_user),
            values={"on": handed_on, "kind": Exchange.Kind.OTHER, "notes": "地域安全情報の手渡し"},
            contacts=[d.contact for d in handed],
            materials=[{"kind": ExchangeMaterial.Kind.SAFETY_INFO, "item": item, "title": item.title}],
            cases=[],
            acting_user=acting_user,
        )
    return count


def deliveries_mark_printed(deliveries: Iterable[Delivery]) -> int:
    """The handouts of ``deliveries`` were printed (called by the print of ``liaison.reports.handouts``)."""
    return Delivery.objects.filter(
        pk__in=[d.pk for d in deliveries], distribution__method=Distribution.Method.PRINT
    ).update(status=Delivery.Status.PRINTED, done_at=timezone.now())


@transaction.atomic
def deliveries_resend(*, distribution: Distribution, deliveries: Sequence[Delivery], acting_user) -> int:
    """Queue the failed e-mails among ``deliveries`` again and wake the worker; it also sends any left queued by a
    worker that stopped half-way. Sent ones are never sent twice."""
    if distribution.method != Distribution.Method.EMAIL:
        raise ValidationError(_("メールで提供したものだけ再送できます。"))
    count = Delivery.objects.filter(
        pk__in=[d.pk for d in deliveries], distribution=distribution, status=Delivery.Status.FAILED
    ).update(status=Delivery.Status.QUEUED, last_error="")
    waiting = Delivery.objects.filter(distribution=distribution, status=Delivery.Status.QUEUED).exists()
    if waiting:
        _enqueue_mail(distribution)
    record(
        user=acting_user,
        action="safety_info.resend",
        summary=f"送信できなかったメールを再送しました（{distribution.item.title}、{count}人）",
        obj=distribution,
        detail={"recipients": count},
    )
    return count


@transaction.atomic
def delivery_record_shared(*, delivery: Delivery, shared: bool | None, note: str, acting_user) -> Delivery:
    """N3.2: record what the contact person said about passing the item on to residents, when they said so. It is
    theirs to decide: nothing asks for it, and "not recorded" (None) is a normal state, never a gap."""
    delivery.shared_with_residents = shared
    delivery.shared_note = note.strip()[:200]
    delivery.save(update_fields=["shared_with_residents", "shared_note"])
    record(
        user=acting_user,
        action="safety_info.shared",
        summary="連絡員からの住民への発信についての申出を記録しました",
        obj=delivery.distribution,
        detail={"delivery": delivery.pk},
    )
    return delivery
