"""Pure rules of the community safety network. No database access: callers pass plain values.

Consent (N4.2): accepting the role is the other party's decision. A candidate is asked (依頼中) and then consents
(承諾) or declines (辞退); a person who consented may withdraw (辞任) at any time. Declining and withdrawing are
ordinary outcomes, not failures; someone who declined may later be asked again, and someone who withdrew may come
back, each only by a new, dated step of the history.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import ContactPerson

Consent = ContactPerson.Consent

# The steps a consent state may take. Candidate → consented directly is allowed: a person who offers themselves, or
# who is asked and says yes on the spot, needs no separate 依頼中 step.
CONSENT_STEPS: dict[str, frozenset[str]] = {
    Consent.CANDIDATE: frozenset({Consent.ASKED, Consent.CONSENTED, Consent.DECLINED}),
    Consent.ASKED: frozenset({Consent.CONSENTED, Consent.DECLINED}),
    Consent.CONSENTED: frozenset({Consent.WITHDRAWN}),
    Consent.DECLINED: frozenset({Consent.ASKED}),
    Consent.WITHDRAWN: frozenset({Consent.ASKED, Consent.CONSENTED}),
}


def consent_steps(current: str) -> frozenset[str]:
    """The consent states reachable from ``current`` in one step."""
    return CONSENT_STEPS.get(current, frozenset())


def check_consent_step(current: str, new: str, *, on: datetime.date | None, method: str, today: datetime.date) -> None:
    """Raise a ValidationError (Japanese) unless moving from ``current`` to ``new`` on ``on`` is a valid step.

    Consent needs its date and how it was given (N4.2): the record must show the person agreed, and when.
    """
    if new not in consent_steps(current):
        raise ValidationError(
            _("「%(current)s」から「%(new)s」には変更できません。")
            % {"current": Consent(current).label, "new": Consent(new).label}
        )
    if on is None:
        raise ValidationError({"on": _("日付を入力してください。")})
    if on > today:
        raise ValidationError({"on": _("未来の日付は入力できません。")})
    if new == Consent.CONSENTED and not method:
        raise ValidationError({"method": _("承諾を記録するときは、承諾の方法を選んでください。")})


def may_be_reminded(consent: str) -> bool:
    """Whether a contact person in this state may appear on any reminder or to-do list (N4.2): never after
    declining or withdrawing."""
    return consent in ContactPerson.ACTIVE
