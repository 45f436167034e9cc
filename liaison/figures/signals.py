"""Keeps ``StationYear`` and ``StationStanding`` (``tally``) as the records they count change: meetings, requests,
referrals, exchanges and contact persons saved or deleted by any action, councils passing to another station with
their meetings, by edit or by a reorganisation. Django's model signals are used because every one of those writes saves or deletes a record, while
the actions that do so belong to four programmes below this one."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from liaison.councils.models import Council
from liaison.network.models import ContactPerson
from liaison.org.signals import kobans_transferred

from . import tally


def _before(sender, instance, **kwargs):
    """The station-year the record counts in before this change, while the database still holds it."""
    measure = tally.measure_of(sender)
    adding = instance._state.adding
    instance._station_year_before = None if adding or instance.pk is None else tally.key_of(measure, instance.pk)


def _saved(sender, instance, raw=False, **kwargs):
    if raw:  # loading fixtures: rebuild_figures follows
        return
    measure = tally.measure_of(sender)
    tally.recount(measure, [getattr(instance, "_station_year_before", None), tally.key_of(measure, instance.pk)])


def _deleted(sender, instance, **kwargs):
    tally.recount(tally.measure_of(sender), [getattr(instance, "_station_year_before", None)])


for _measure in tally.MEASURES:
    _uid = f"figures.tally.{_measure.model._meta.label}"
    pre_save.connect(_before, sender=_measure.model, dispatch_uid=f"{_uid}.pre_save")
    post_save.connect(_saved, sender=_measure.model, dispatch_uid=f"{_uid}.post_save")
    pre_delete.connect(_before, sender=_measure.model, dispatch_uid=f"{_uid}.pre_delete")
    post_delete.connect(_deleted, sender=_measure.model, dispatch_uid=f"{_uid}.post_delete")


@receiver(pre_save, sender=Council, dispatch_uid="figures.tally.council.pre_save")
def _council_before(sender, instance, **kwargs):
    adding = instance._state.adding or instance.pk is None
    before = None if adding else Council.objects.filter(pk=instance.pk).values_list("station_id", flat=True).first()
    instance._station_before = before


@receiver(post_save, sender=Council, dispatch_uid="figures.tally.council.post_save")
def _council_saved(sender, instance, raw=False, created=False, **kwargs):
    before = getattr(instance, "_station_before", None)
    if not raw and not created and before != instance.station_id:
        tally.recount_stations(tally.MEETINGS, [before, instance.station_id])


@receiver(kobans_transferred, dispatch_uid="figures.tally.kobans_transferred")
def _councils_moved(sender, transfers, **kwargs):
    """Councils pass to the new station with their kobans (councils' receiver, which runs first, moves them)."""
    stations = {t.from_station_id for t in transfers} | {t.to_station_id for t in transfers}
    tally.recount_stations(tally.MEETINGS, stations)


@receiver(pre_save, sender=ContactPerson, dispatch_uid="figures.tally.contact.pre_save")
@receiver(pre_delete, sender=ContactPerson, dispatch_uid="figures.tally.contact.pre_delete")
def _contact_before(sender, instance, **kwargs):
    adding = instance._state.adding or instance.pk is None
    instance._station_before = None if adding else tally.contacts_station_of(instance.pk)


@receiver(post_save, sender=ContactPerson, dispatch_uid="figures.tally.contact.post_save")
def _contact_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        tally.recount_contacts([getattr(instance, "_station_before", None), instance.station_id])


@receiver(post_delete, sender=ContactPerson, dispatch_uid="figures.tally.contact.post_delete")
def _contact_deleted(sender, instance, **kwargs):
    tally.recount_contacts([getattr(instance, "_station_before", None)])
