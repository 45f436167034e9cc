"""Writing audit entries. Actions call ``record`` inside their own transaction so the entry and the change land together."""

import ipaddress

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone, translation

from .chain import entry_hash, values_of
from .middleware import current_ip, pending_refusals
from .models import AuditChainHead, AuditEntry


def japanese(label) -> str:
    """A choice label (or a ``get_FOO_display`` method) as the log keeps it: in Japanese whatever the screen language.

    Summaries are a legal record written in Japanese; choice labels are translated for the screens, so a summary that
    quotes one renders it through here.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return str(label() if callable(label) else label)


def _user_label(user) -> str:
    if user is None:
        return "システム"
    officer = getattr(user, "officer", None)
    if officer is not None:
        return f"{officer.full_name}（{user.get_username()}）"
    return user.get_username()


def record(
    *,
    user,
    action: str,
    summary: str,
    obj: Model | None = None,
    station=None,
    kind: str = AuditEntry.Kind.WRITE,
    personal_data: bool = False,
    detail: dict | None = None,
) -> AuditEntry:
    """Append one audit entry. ``station`` defaults to the object's station, so station chiefs see it."""
    if station is None and obj is not None:
        from liaison.access.policy import station_id_of

        try:
            station = station_id_of(obj)
        except TypeError:
            station = None
    station_id = station if isinstance(station, int) or station is None else station.pk
    return append(
        user=user if user is not None and user.is_authenticated else None,
        user_label=_user_label(user),
        kind=kind,
        action=action,
        summary=summary[:300],
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(obj)[:200] if obj is not None else "",
        station_id=station_id,
        personal_data=personal_data,
        ip_address=current_ip.get(),
        detail=detail or {},
    )


def record_refusal(
    *, user, action: str, summary: str, object_type: str = "", object_id: str = "", station=None, detail=None
) -> None:
    """Audit a refused request (a 403, another station's record). No resident's data: kinds and ids only.

    During a request the entry is written when the response is made, after the view's transaction (which the refusal
    may roll back) is over; outside one it is written at once. ``station`` defaults to the user's station.
    """
    if station is None:
        from liaison.access.policy import officer_of

        officer = officer_of(user)
        station = officer.station_id if officer is not None else None
    fields = {
        "user": user if user is not None and user.is_authenticated else None,
        "user_label": _user_label(user if user is not None and user.is_authenticated else None),
        "kind": AuditEntry.Kind.DENIED,
        "action": action,
        "summary": summary[:300],
        "object_type": object_type,
        "object_id": object_id,
        "station_id": station if isinstance(station, int) or station is None else station.pk,
        "ip_address": current_ip.get(),
        "detail": detail or {},
    }
    queue = pending_refusals.get()
    if queue is None:
        append(**fields)
    else:
        queue.append(fields)


@transaction.atomic
def append(**fields) -> AuditEntry:
    """Append one entry to the hash chain: lock the chain head, chain on its last hash, move the head on.

    The lock (a row lock on PostgreSQL; SQLite lets one writer at a time anyway) is held until the caller's
    transaction ends, so two transactions never chain on the same predecessor. Everything that writes entries comes
    through here; ``fields`` are AuditEntry fields other than the chain's own.
    """
    # Migrations and ``manage.py flush`` create the head; without it nothing is written (the log was tampered with).
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    entry = AuditEntry(**fields, at=timezone.now(), seq=head.count + 1, previous_hash=head.last_hash)
    entry.ip_address = _normal_ip(entry.ip_address)
    entry.hash = entry_hash(values_of(entry), entry.previous_hash)
    entry.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(count=entry.seq, last_hash=entry.hash)
    return entry


def _normal_ip(value):
    # An address the database cannot store (a forged X-Forwarded-For) must not stop the audited action.
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def record_export(*, user, action: str, summary: str, obj: Model | None = None, station=None, detail=None):
    """Audit a view, print or download of civilians' personal data."""
    return record(
        user=user,
        action=action,
        summary=summary,
        obj=obj,
        station=station,
        kind=AuditEntry.Kind.EXPORT,
        personal_data=True,
        detail=detail,
    )


def record_view(*, user, action: str, summary: str, obj: Model | None = None, station=None, detail=None):
    """Audit a screen showing civilians' personal data (one person, or a list such as a council's members)."""
    return record(
        user=user,
        action=action,
        summary=summary,
        obj=obj,
        station=station,
        kind=AuditEntry.Kind.VIEW,
        personal_data=True,
        detail=detail,
    )
