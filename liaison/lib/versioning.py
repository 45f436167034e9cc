"""Optimistic locking for records several people edit: a stale save gets a conflict screen, never a silent overwrite.

An edit screen carries the record's ``version`` as it was when the screen was opened. The action saves through
:func:`save_versioned`, which claims the row only if its version is still that one (one conditional UPDATE, so two
saves from the same version cannot both succeed on SQLite or PostgreSQL) and raises :class:`StaleEdit` with the
saved record otherwise. The view hands the StaleEdit to :func:`show_conflict`: the user sees the saved values next to
what they typed, their input stays in the form, and the form now carries the saved version, so saving again is a
deliberate overwrite by someone who has seen the other change.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import F
from django.template.defaultfilters import yesno
from django.utils.translation import gettext_lazy

from liaison.lib.wareki import to_wareki

__all__ = ["StaleEdit", "Versioned", "VersionedForm", "bump_version", "save_versioned", "show_conflict"]

STALE_MESSAGE = gettext_lazy(
    "あなたが編集している間に、他の人がこの記録を保存しました。下の「現在の保存内容」を確認し、"
    "必要なら入力を直して保存してください。"
)

# Larger than any version a row reaches; a bigger number typed into the hidden field is simply not the current one.
_MAX_VERSION = 2**31 - 1


class StaleEdit(Exception):
    """Someone else saved the record after this user opened it: show both versions, never overwrite silently."""

    def __init__(self, current):
        super().__init__("stale edit")
        self.current = current


class Versioned(models.Model):
    """A record edited through forms by several people: every save through an edit screen increments ``version``."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


def save_versioned(obj: Versioned, version: int, fields: list[str]) -> None:
    """Write ``fields`` of ``obj`` if its row still has ``version`` and increment it; else raise StaleEdit(saved row).

    ``fields`` must name everything the caller changed, derived fields included (``sort_key``, ``updated_at``): the
    model's ``save()`` runs with ``update_fields``, so its own bookkeeping still happens. Other writes to the row
    (bylaws, reorganisations) should call :func:`bump_version` so that screens opened before them go stale too.
    """
    model = type(obj)
    with transaction.atomic():
        # The claim is the conditional UPDATE: on PostgreSQL a concurrent claim waits for this row lock and then finds
        # the version changed; on SQLite writers are serialised. The save below runs under the same lock.
        claimed = model._base_manager.filter(pk=obj.pk, version=version).update(version=F("version") + 1)
        if not claimed:
            raise StaleEdit(model._base_manager.get(pk=obj.pk))
        obj.version = version + 1
        update_fields = [name for name in fields if name != "version"]
        if update_fields:
            obj.save(update_fields=update_fields)


def bump_version(queryset: models.QuerySet, **values) -> int:
    """Update rows outside their edit screen (values may be empty) so that edit screens already open go stale."""
    return queryset.update(**values, version=F("version") + 1)


class VersionedForm(forms.Form):
    """Adds the hidden ``version`` of the record being edited; mix in before ``forms.ModelForm``.

    A missing or unreadable version counts as "not the current one": the user gets the conflict screen with the
    saved values rather than a blind save (and the hidden field never shows an error the user cannot see).
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    #: (label, saved value, typed value, differs) rows after a stale save; the shared conflict template shows them.
    conflict: list[tuple[str, str, str, bool]] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None and not self.is_bound:
            self.initial.setdefault("version", instance.version)

    def clean_version(self) -> int:
        raw = (self.cleaned_data.get("version") or "").strip()
        # Length first: int() of a 5,000-digit string raises before any comparison could refuse it.
        if len(raw) > len(str(_MAX_VERSION)) or not raw.isascii() or not raw.isdigit() or int(raw) > _MAX_VERSION:
            return 0
        return int(raw)

    @property
    def read_version(self) -> int:
        """The version the user's screen showed (0 when unknown, which never matches a saved row)."""
        return self.cleaned_data.get("version") or 0

    def conflict_fields(self) -> list[str]:
        """The fields compared on the conflict screen: every field of the form but the version."""
        return [name for name in self.fields if name != "version"]

    def mark_stale(self, current) -> None:
        """Keep the typed values, take the saved version, and list saved vs typed values for the conflict screen."""
        self.conflict = [
            (
                str(self.fields[name].label or name),
                _saved_display(current, name),
                _typed_display(self, name),
            )
            for name in self.conflict_fields()
        ]
        self.conflict = [(label, saved, typed, saved != typed) for label, saved, typed in self.conflict]
        data = self.data.copy()
        data["version"] = str(current.version)
        self.data = data


def show_conflict(request, form: VersionedForm, stale: StaleEdit, message=None) -> None:
    """Turn a StaleEdit into the conflict screen: a Japanese message, both versions listed, the typed input kept."""
    messages.error(request, message or STALE_MESSAGE)
    form.mark_stale(stale.current)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return yesno(value)
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return to_wareki(value)
    if isinstance(value, models.QuerySet | list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def _saved_display(obj, name: str) -> str:
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:  # a field of the form only
        return _text(getattr(obj, name, ""))
    if field.many_to_many:
        return _text(list(getattr(obj, name).all()))
    if field.choices:
        return _text(getattr(obj, f"get_{name}_display")())
    return _text(getattr(obj, name))


def _typed_display(form: forms.Form, name: str) -> str:
    value = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
    field = form.fields[name]
    choices = getattr(field, "choices", None)
    if choices is not None and not isinstance(field, forms.ModelChoiceField) and not isinstance(value, bool):
        labels = {}
        for key, label in choices:
            if isinstance(label, list | tuple):  # a group of choices
                labels.update({str(k): v for k, v in label})
            else:
                labels[str(key)] = label
        return _text(labels.get(str(value), value) if value not in (None, "") else "")
    return _text(value)
