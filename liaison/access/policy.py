"""The one place that answers "may this user see / do this" (X2).

Every model that holds station data names the path from itself to its station in ``STATION_PATH``
(``""`` for Station itself; ``None`` for records every logged-in officer may read, such as HQ divisions).
A model without ``STATION_PATH`` is refused: new models fail closed until someone decides.

Koban-level roles (KOBAN_ONLY) read their station's records like everyone at the station, but are offered to work
on (``for_work``) and may change (``can_change``) only what belongs to their own koban. A model says what that is
in one of two ways:

``KOBAN_PATH``
    the path from the model to its koban or kobans, which may run through many-valued relations (``"koban"`` for an
    officer, ``"kobans"`` for a council, ``"council__kobans"`` for a membership, ``""`` for Koban itself). The
    record belongs to every koban the path reaches.
``koban_scope(koban_id) -> Q`` (a classmethod)
    for a rule a path cannot say (a person, see ``Person.koban_scope``). Checking one object costs one query.

A model with neither belongs to no koban: koban-level roles may change none of its rows.

A model whose rows are one user's own (a background export of a list) names the path to that user in
``OWNER_PATH``: nobody else sees them, whatever their role or station.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Manager, Model, Q, QuerySet
from django.http import Http404

from .permissions import ROLE_PERMISSIONS, Perm
from .signals import hidden_object_requested

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
    owner_path = getattr(qs.model, "OWNER_PATH", None)
    if owner_path:
        qs = qs.filter(**{owner_path: user})
    if path is None or Perm.VIEW_ALL_STATIONS in perms:
        return qs
    officer = officer_of(user)
    if Perm.VIEW_STATION not in perms or officer.station_id is None:
        return qs.none()
    # A model that a station may read beyond what it owns (an information item published *to* it) says so itself.
    if hasattr(qs.model, "station_scope"):
        return qs.filter(qs.model.station_scope(officer.station_id))
    lookup = f"{path}__id" if path else "id"
    return qs.filter(**{lookup: officer.station_id})


def get_visible_or_404(user, queryset: QuerySet | type[Model], **lookup):
    """One object the user may see; 404 when it is missing *or* belongs to another station (the two look the same).

    The second case is a refusal and is audited (``signals.hidden_object_requested``); it costs one more query, on
    the 404 only.
    """
    try:
        return visible_to(user, queryset).get(**lookup)
    except (queryset.model if isinstance(queryset, QuerySet) else queryset).DoesNotExist as exc:
        qs = queryset if isinstance(queryset, QuerySet) else queryset._default_manager.all()
        hidden = qs.filter(**lookup).order_by("pk").first()
        if hidden is not None:
            hidden_object_requested.send(sender=type(hidden), user=user, obj=hidden)
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


def koban_scope_q(model, koban_id: int) -> Q | None:
    """The rows of ``model`` that belong to the koban ``koban_id``, as a filter; None when the model names no koban."""
    if hasattr(model, "koban_scope"):
        return model.koban_scope(koban_id)
    path = getattr(model, "KOBAN_PATH", None)
    if path is None:
        return None
    # One koban is matched, so a path through one many-valued relation does not repeat rows; a model whose path
    # would cross two declares koban_scope instead.
    return Q(**{f"{path}__id" if path else "id": koban_id})


def for_work(user, queryset: QuerySet | type[Model]) -> QuerySet:
    """The rows this user is offered to work on: what they may see, narrowed to their own koban for koban-level roles.

    Lists of work (to-do lists, the renewal workbench, choices of kobans) use it; plain reads use ``visible_to``.
    """
    qs = visible_to(user, queryset)
    if Perm.KOBAN_ONLY not in permissions_of(user):
        return qs
    koban_id = officer_of(user).koban_id
    scope = koban_scope_q(qs.model, koban_id) if koban_id else None
    return qs.none() if scope is None else qs.filter(scope)


def _follow(objects: list, path: str) -> list:
    """The objects reached from ``objects`` along a ``__`` path; many-valued steps use what is prefetched."""
    for part in path.split("__"):
        reached = []
        for obj in objects:
            target = getattr(obj, part, None)
            if isinstance(target, Manager):
                reached.extend(target.all())
            elif target is not None:
                reached.append(target)
        objects = reached
    return objects


def kobans_of_object(obj) -> list:
    """The kobans an object belongs to by its model's KOBAN_PATH (empty for a model without one)."""
    path = getattr(type(obj), "KOBAN_PATH", None)
    if path is None:
        return []
    return [obj] if path == "" else _follow([obj], path)


def in_koban(obj, koban_id: int | None) -> bool:
    """True when the object belongs to the koban ``koban_id`` (see the module docstring)."""
    if koban_id is None:
        return False
    model = type(obj)
    if hasattr(model, "koban_scope"):
        if obj.pk is None:
            return False
        return model._default_manager.filter(pk=obj.pk).filter(model.koban_scope(koban_id)).exists()
    return koban_id in {k.pk for k in kobans_of_object(obj)}


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
        return in_koban(obj, officer.koban_id)
    return True


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


def before_second_factor(view):
    """View decorator for the pages a logged-in user reaches before giving the second factor (the code pages and
    enrolment); every other page waits for it (``middleware.SecondFactorMiddleware``)."""
    view.access_rule = ("logged_in",)
    view.before_second_factor = True
    return view


def public(view):
    """View decorator for the few pages open without login (login itself, health check)."""
    from django.contrib.auth.decorators import login_not_required

    view = login_not_required(view)
    view.access_rule = ("public",)
    return view
