"""Keeps ``StationYear`` and ``StationStanding`` (``tally``) as the records they count change: meetings, requests,
referrals, exchanges, contact persons, kobans and officers saved or deleted by any action, councils passing to another station with
their meetings, by edit or by a reorganisation. Django's model signals are used because every one of those writes saves or deletes a record, while
the actions that do so belong to four programmes below this one."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from liaison.councils.models import Council
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
def _councils_moved(sender, reorganisation, transfers, **kwargs):
    """Kobans and their officers pass to the new station by a queryset update, and councils with their kobans
    (councils' receiver, which runs first, moves them)."""
    stations = {t.from_station_id for t in transfers} | {t.to_station_id for t in transfers}
    stations |= {reorganisation.from_station_id, reorganisation.to_station_id}  # a merge moves officers without kobans
    tally.recount_stations(tally.MEETINGS, stations)
    tally.recount_standing(["kobans_active", "officers_active"], stations)


def _standing_before(sender, instance, **kwargs):
    adding = instance._state.adding or instance.pk is None
    instance._station_before = None if adding else tally.station_of(sender, instance.pk)


def _standing_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        stations = [getattr(instance, "_station_before", None), instance.station_id]
        tally.recount_standing(tally.standing_columns(sender), stations)


def _standing_deleted(sender, instance, **kwargs):
    tally.recount_standing(tally.standing_columns(sender), [getattr(instance, "_station_before", None)])


for _model in {model for model, _q in tally.STANDING.values()}:
    _uid = f"figures.standing.{_model._meta.label}"
    pre_save.connect(_standing_before, sender=_model, dispatch_uid=f"{_uid}.pre_save")
    post_save.connect(_standing_saved, sender=_model, dispatch_uid=f"{_uid}.post_save")
    pre_delete.connect(_standing_before, sender=_model, dispatch_uid=f"{_uid}.pre_delete")
    post_delete.connect(_standing_deleted, sender=_model, dispatch_uid=f"{_uid}.post_delete")
