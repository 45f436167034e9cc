"""The one place that answers "may this user see / do this" (X2).

Every model that holds station data names the path from itself to its station in ``STATION_PATH``
(``""`` for Station itself; ``None`` for records every logged-in officer may read, such as HQ divisions).
A model without ``STATION_PATH`` is refused: new models fail closed until someone decides.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from .permissions import ROLE_PERMISSIONS, Perm

_UNSET = object()


def officer_of(user):
    """The officer record of a logged-in user, or None (superusers without one, anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.officer
    except ObjectDoesNotExist:
        return None


def permissions_of(user) -> frozenset[Perm]:
    """Permission names of the user's role; a user without an active officer record has none."""
    officer = officer_of(user)
    if officer is None or not officer.active or not user.is_active:
        return frozenset()
    return ROLE_PERMISSIONS.get(officer.role, frozenset())


def has_perm(user, perm: Perm) -> bool:
    """True when the user's role carries the permission."""
    return perm in permissions_of(user)


def sees_all_stations(user) -> bool:
    return has_perm(user, Perm.VIEW_ALL_STATIONS)


def _station_path(model) -> str | None:
    path = getattr(model, "STATION_PATH", _UNSET)
    if path is _UNSET:
        raise TypeError(f"{model.__name__} has no STATION_PATH: decide who may see it before listing it")
    return path


def visible_to(user, queryset: QuerySet | type[Model]) -> QuerySet:
    """The rows of ``queryset`` this user may see: all for HQ, the own station's for station staff, none otherwise."""
    qs = queryset if isinstance(queryset, QuerySet) else queryset._default_manager.all()
    path = _station_path(qs.model)
    perms = permissions_of(user)
    if not perms:
        return qs.none()
    if path is None or Perm.VIEW_ALL_STATIONS in perms:
        return qs
    officer = officer_of(user)
    if Perm.VIEW_STATION not in perms or officer.station_id is None:
        return qs.none()
    lookup = f"{path}__id" if path else "id"
    return qs.filter(**{lookup: officer.station_id})


def get_visible_or_404(user, queryset: QuerySet | type[Model], **lookup):
    """One object the user may see; 404 when it is missing *or* belongs to another station (the two look the same)."""
    try:
        return visible_to(user, queryset).get(**lookup)
    except (queryset.model if isinstance(queryset, QuerySet) else queryset).DoesNotExist as exc:
        raise Http404 from exc


def station_id_of(obj) -> int | None:
    """The station an object belongs to, following its STATION_PATH."""
    path = _station_path(type(obj))
    if path is None:
        return None
    if path == "":
        return obj.pk
    target = obj
    for part in path.split("__"):
        target = getattr(target, part)
        if target is None:
            return None
    return target.pk


def koban_of(obj):
    """The koban an object belongs to, where its model names one (KOBAN_PATH)."""
    path = getattr(type(obj), "KOBAN_PATH", None)
    if path is None:
        return None
    target = obj
    for part in path.split("__"):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target


def can_change(user, obj, perm: Perm) -> bool:
    """True when the user holds ``perm`` and the object is theirs to change (own station; own koban for koban staff).

    HQ roles change only what their permissions name for the whole prefecture (settings, organisation).
    """
    perms = permissions_of(user)
    if perm not in perms:
        return False
    if Perm.VIEW_ALL_STATIONS in perms:
        return True
    officer = officer_of(user)
    station_id = station_id_of(obj)
    if station_id is not None and station_id != officer.station_id:
        return False
    if Perm.KOBAN_ONLY in perms:
        kobans = kobans_of_object(obj)
        return bool(kobans) and officer.koban_id in {k.pk for k in kobans}
    return True


def kobans_of_object(obj) -> list:
    """Kobans an object concerns: a model may define ``access_kobans()`` (several) or KOBAN_PATH (one)."""
    if hasattr(obj, "access_kobans"):
        return list(obj.access_kobans())
    koban = koban_of(obj)
    return [koban] if koban else []


def require_change(user, obj, perm: Perm) -> None:
    """Raise 403 unless the user may change this (already visible) object."""
    if not can_change(user, obj, perm):
        raise PermissionDenied


def require(*perms: Perm) -> Callable:
    """View decorator: 403 unless the user holds every listed permission. Marks the view for the URL audit test."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            granted = permissions_of(request.user)
            if not granted or not all(p in granted for p in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_rule = tuple(perms)
        return wrapped

    return decorator


def require_any(*perms: Perm) -> Callable:
    """View decorator: 403 unless the user holds at least one of the listed permissions."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            granted = permissions_of(request.user)
            if not any(p in granted for p in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_rule = ("any",) + tuple(perms)
        return wrapped

    return decorator


def logged_in(view):
    """View decorator for pages every logged-in officer may open (home, password change)."""
    view.access_rule = ("logged_in",)
    return view


def public(view):
    """View decorator for the few pages open without login (login itself, health check)."""
    from django.contrib.auth.decorators import login_not_required

    view = login_not_required(view)
    view.access_rule = ("public",)
    return view
