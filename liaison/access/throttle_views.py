"""The HQ administrators' list of logins held back by the throttle, and ending a wait (the officers' screens link
here). Apart from ``views`` so that the login view stays about logging in."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import actions, queries
from .models import LoginThrottle
from .permissions import Perm
from .policy import get_visible_or_404, require


@require(Perm.MANAGE_ORGANISATION)
def login_throttles(request):
    now = timezone.now()
    return render(
        request, "access/login_throttles.html", {"throttles": queries.current_throttles(request.user, now), "now": now}
    )


@require(Perm.MANAGE_ORGANISATION)
@require_POST
def login_throttle_clear(request, pk):
    row = get_visible_or_404(request.user, LoginThrottle, pk=pk)
    actions.login_throttle_clear(throttle_row=row, acting_user=request.user)
    messages.success(request, _("ログインの待ち時間を解除しました。"))
    return redirect("login_throttles")
