"""Writing audit entries. Actions call ``record`` inside their own transaction so the entry and the change land together."""

from django.conf import settings
from django.db.models import Model
from django.utils import translation

from .middleware import current_ip
from .models import AuditEntry


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
    return AuditEntry.objects.create(
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
