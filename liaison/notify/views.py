"""The officer's notifications: the list (unread first), marking read, and the digest e-mail switch.

Every row is read through ``visible_to`` (``Notification.OWNER_PATH``): an officer only ever sees their own, and
another's notification id answers 404 like a missing one."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.access.policy import get_visible_or_404, logged_in, officer_of, visible_to

from . import actions
from .forms import DigestPreferenceForm
from .models import DigestPreference, Notification

PER_PAGE = 50


def _officer(request):
    officer = officer_of(request.user)
    if officer is None:  # a superuser without an officer record has no to-do list
        raise Http404
    return officer


@logged_in
def notification_list(request):
    """Open items first (unread, then read), newest first; resolved ones after them, struck through."""
    officer = _officer(request)
    rows = visible_to(request.user, Notification).order_by(
        F("resolved_at").asc(nulls_first=True), F("read_at").asc(nulls_first=True), "-created_at", "-pk"
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    preference = DigestPreference.objects.filter(officer=officer).first()
    form = DigestPreferenceForm(initial={"email": preference.email if preference else True})
    return render(
        request,
        "notify/list.html",
        {"page": page, "form": form, "has_email": bool(request.user.email)},
    )


@logged_in
@require_POST
def notification_read(request, pk):
    """Mark one of the officer's own notifications read (404 for anyone else's)."""
    notification = get_visible_or_404(request.user, Notification, pk=pk)
    actions.notifications_mark_read(officer=_officer(request), ids=[notification.pk])
    return redirect("notify:list")


@logged_in
@require_POST
def notification_read_all(request):
    """Mark every unread notification of the officer read."""
    actions.notifications_mark_read(officer=_officer(request))
    return redirect("notify:list")


@logged_in
@require_POST
def digest_preference(request):
    """Turn the daily digest e-mail on or off; the notifications stay on this page either way."""
    officer = _officer(request)
    form = DigestPreferenceForm(request.POST)
    if form.is_valid():
        preference = actions.digest_preference_set(officer=officer, email=form.cleaned_data["email"])
        messages.success(
            request,
            _("毎日のお知らせをメールで送ります。") if preference.email else _("毎日のお知らせのメールを止めました。"),
        )
    return redirect("notify:list")
