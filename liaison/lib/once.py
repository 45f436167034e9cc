"""One record per form, however often and however simultaneously it is sent.

A token issued with the form is claimed by the save, inside the save's own transaction, as a row with a unique
token. Of several identical requests arriving at the same moment (double click, a browser's re-send, a reload after
saving) exactly one inserts the row; the others fail on the unique index (PostgreSQL makes them wait for the first
transaction; SQLite's IMMEDIATE transactions queue them), roll back everything they did, and are shown what the
first one saved. A check done before the write and a write done after it could both pass for all of them, which is
why the claim is the write itself.
"""

from __future__ import annotations

import datetime
import secrets

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import SpentFormToken

KEEP_DAYS = 7  # a form left open longer than this may be saved again
MAX_LENGTH = 64


class AlreadySaved(Exception):  # noqa: N818 - reads as the event it reports
    """The form was saved already with this token; ``result_pk`` is what that save recorded (or None)."""

    def __init__(self, result_pk: int | None):
        super().__init__(result_pk)
        self.result_pk = result_pk


class Claim:
    """The token claimed by the current transaction; ``done(obj)`` remembers what the save created."""

    def __init__(self, row: SpentFormToken | None):
        self.row = row

    def done(self, obj) -> None:
        if self.row is not None and obj is not None:
            SpentFormToken.objects.filter(pk=self.row.pk).update(result_pk=obj.pk)


def issue() -> str:
    """A new token for a form about to be shown."""
    return secrets.token_urlsafe(16)


def _usable(token) -> str | None:
    if not isinstance(token, str):
        return None
    token = token.strip()
    return token if 0 < len(token) <= MAX_LENGTH and token.isprintable() else None


def saved_result(token) -> tuple[bool, int | None]:
    """(True, pk) when a save with this token already happened; a cheap check before validating a form again."""
    usable = _usable(token)
    if usable is None:
        return False, None
    row = SpentFormToken.objects.filter(token=usable).values("result_pk").first()
    return (False, None) if row is None else (True, row["result_pk"])


def claim(token, user) -> Claim:
    """Claim ``token`` for the save under way; raise AlreadySaved when another save has it. Call inside the action.

    A missing or malformed token claims nothing (the save goes ahead, as for a client that sends no token).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("once.claim must run inside the transaction of the save it guards")
    usable = _usable(token)
    if usable is None:
        return Claim(None)
    try:
        with transaction.atomic():
            row = SpentFormToken.objects.create(token=usable, user=user if getattr(user, "pk", None) else None)
    except IntegrityError:
        raise AlreadySaved(
            SpentFormToken.objects.filter(token=usable).values_list("result_pk", flat=True).first()
        ) from None
    SpentFormToken.objects.filter(spent_at__lt=timezone.now() - datetime.timedelta(days=KEEP_DAYS)).delete()
    return Claim(row)


class OncePerFormMixin(forms.Form):
    """A form that carries its token as a hidden field: issued when the form is first shown, kept across re-displays."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=MAX_LENGTH)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["form_token"] = issue()

    @property
    def token(self) -> str | None:
        """The token the browser sent back (None on an unbound form)."""
        return self.data.get(self.add_prefix("form_token")) if self.is_bound else None

    def is_saved_already(self) -> bool:
        """True when a save with this form's token has committed; ``saved_pk`` is then what it recorded.

        Checked before validating, so a re-send is not mistaken for a second, similar record (duplicate warnings).
        """
        saved, self.saved_pk = saved_result(self.token)
        return saved
