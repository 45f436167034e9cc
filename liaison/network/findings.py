"""The network's findings in the store (liaison.findings): a consenting contact person not contacted for N days
(``PrefectureSettings.contact_stale_days``, N4.4).

Only contact persons who consented (承諾) have a subject: a candidate, someone asked, declined or withdrawn is never on
this list (N4.2), so stepping away from 承諾 removes their subject with its finding. The finding depends on the date
alone once the facts are set, so the daily refresh picks up who crossed the line; the consent actions and the
exchange actions refresh the people they touch.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.dispatch import receiver
from django.utils.translation import gettext as _

from liaison.findings import store
from liaison.org.models import PrefectureSettings
from liaison.org.signals import settings_changed

from .models import ContactPerson

SOURCE = "contact"
STALE = "stale"


@dataclass(frozen=True)
class Finding:
    """What the rule found: a code and the values its message needs (stored, rendered in the reader's language)."""

    code: str
    params: dict = field(default_factory=dict)
    severity: str = "warning"
    requirement: str = "N4.4"
    key: str = ""

    @property
    def message(self) -> str:
        return message(self.code, self.params)


def message(code: str, params: dict) -> str:
    """The message of a contact-person finding in the active language."""
    if code == STALE:
        if params.get("since") is None:
            return _("承諾後、情報交換の記録がありません。")
        return _("%(days)s日以上、情報交換をしていません。") % params
    return code


def stale_days() -> int:
    return PrefectureSettings.current().contact_stale_days


def contact_findings(
    *, consent: str, consent_on: datetime.date | None, last_exchange_on: datetime.date | None, today, days: int
) -> list[Finding]:
    """N4.4: a consenting contact person whose last exchange (or, never met, whose consent) is ``days`` or more days
    ago. Nobody in another consent state has findings (N4.2)."""
    if consent != ContactPerson.Consent.CONSENTED:
        return []
    since = last_exchange_on or consent_on
    if since is None or (today - since).days >= days:
        return [Finding(STALE, {"days": days, "since": since.isoformat() if since else None})]
    return []


def _objects() -> QuerySet:
    return ContactPerson.objects.filter(consent=ContactPerson.Consent.CONSENTED)


def _compute(ids: list[int], day: datetime.date) -> dict[int, store.Computed]:
    """Findings of the consenting contact persons among ``ids`` as of ``day`` (one query for the contacts)."""
    days = stale_days()
    rows = _objects().filter(pk__in=ids).values_list("pk", "station_id", "koban_id", "consent_on", "last_exchange_on")
    return {
        pk: store.Computed(
            station_id=station_id,
            koban_ids=frozenset({koban_id} if koban_id else ()),
            findings=contact_findings(
                consent=ContactPerson.Consent.CONSENTED,
                consent_on=consent_on,
                last_exchange_on=last_on,
                today=day,
                days=days,
            ),
        )
        for pk, station_id, koban_id, consent_on, last_on in rows
    }


def _date_driven(since: datetime.date, day: datetime.date) -> QuerySet:
    """Consenting contact persons who reached ``stale_days`` between ``since`` and ``day`` (a day of margin either
    side; a superset is fine)."""
    days = datetime.timedelta(days=stale_days())
    margin = datetime.timedelta(days=1)
    window = (since - days - margin, day - days + margin)
    return _objects().filter(
        Q(last_exchange_on__range=window) | Q(last_exchange_on__isnull=True, consent_on__range=window)
    )


def register() -> None:
    """Make the contact persons a source of stored findings (called from the app's ``ready``)."""
    store.register(SOURCE, compute=_compute, objects=_objects, date_driven=_date_driven, render=message)


def refresh(contact_ids: Iterable[int], day: datetime.date | None = None) -> None:
    """Recompute the stored findings of these contact persons (in the caller's transaction): call it whenever their
    consent or their last exchange changes."""
    store.refresh(SOURCE, contact_ids, day)


def having_stale() -> Q:
    """A filter for ContactPerson querysets: consenting and not contacted for ``stale_days`` (stored)."""
    return store.having(SOURCE, code=STALE)


def live(contact: ContactPerson, day: datetime.date) -> list[Finding]:
    """One contact person's findings computed now."""
    return contact_findings(
        consent=contact.consent,
        consent_on=contact.consent_on,
        last_exchange_on=contact.last_exchange_on,
        today=day,
        days=stale_days(),
    )


@receiver(settings_changed, dispatch_uid="network-contact-stale-days")
def _stale_days_changed(sender, settings, changed, **kwargs):
    """A new number of days changes who is on the list: rebuild in the background once the change commits."""
    if "contact_stale_days" in changed:
        store.refresh_all_later(SOURCE)
