"""Reactions to lower layers: station reorganisations (C6.2(2)) and public-office records (C6.4(1))."""

from django.dispatch import receiver

from liaison.org.signals import kobans_transferred
from liaison.people.signals import public_office_recorded


@receiver(kobans_transferred)
def _recommission(sender, reorganisation, transfers, acting_user, **kwargs):
    from .actions import recommission_after_reorganisation

    recommission_after_reorganisation(
        transfers=transfers, effective_date=reorganisation.effective_date, acting_user=acting_user
    )


@receiver(public_office_recorded)
def _dismiss(sender, person, record, acting_user, **kwargs):
    from .actions import dismiss_for_public_office

    dismiss_for_public_office(person=person, day=record.start_date, office=record.office, acting_user=acting_user)
