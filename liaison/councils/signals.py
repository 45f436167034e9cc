"""Reactions to lower layers: station reorganisations (C6.2(2)), public-office records (C6.4(1)), koban closings
(C3.1), person merges (one member, one seat), and changes that alter the stored findings (person particulars,
the warning limits in the prefecture settings)."""

from django.core.exceptions import ValidationError
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from liaison.org.models import Koban
from liaison.org.signals import koban_closing, kobans_transferred, settings_changed
from liaison.people.signals import person_changed, person_merging, public_office_recorded

# The prefecture settings the council rules read (rules.Limits).
LIMIT_FIELDS = {
    "council_size_min",
    "council_size_max",
    "leader_share_min",
    "leader_share_max",
    "long_tenure_years",
    "term_ending_days",
}


@receiver(kobans_transferred)
def _recommission(sender, reorganisation, transfers, acting_user, **kwargs):
    from .actions import recommission_after_reorganisation

    recommission_after_reorganisation(
        transfers=transfers, effective_date=reorganisation.effective_date, acting_user=acting_user
    )


@receiver(kobans_transferred)
def _refresh_coverage_of_moved_kobans(sender, transfers, **kwargs):
    from . import coverage

    coverage.refresh(t.koban_id for t in transfers)  # their coverage findings now belong to the new station


@receiver(post_save, sender=Koban)
def _refresh_coverage_of_koban(sender, instance, raw=False, **kwargs):
    """A koban created, changed or closed in org: its stored coverage (C3.1) follows (org's actions save it)."""
    from . import coverage

    if not raw:  # loading fixtures: the rebuild of every source follows
        coverage.refresh([instance.pk])


@receiver(public_office_recorded)
def _dismiss(sender, person, record, acting_user, **kwargs):
    from .actions import dismiss_for_public_office
    from .findings import refresh_serving

    dismiss_for_public_office(person=person, day=record.start_date, office=record.office, acting_user=acting_user)
    # A record reaching back over a term begun after it started leaves that member serving, and holding office.
    refresh_serving(person.pk)


@receiver(person_changed)
def _refresh_findings_of_person(sender, person, **kwargs):
    from .findings import refresh_serving

    refresh_serving(person.pk)


@receiver(settings_changed)
def _refresh_findings_for_limits(sender, changed, **kwargs):
    from .findings import refresh_all_later

    if LIMIT_FIELDS & set(changed):
        refresh_all_later()


@receiver(koban_closing)
def _refuse_closing_covered_koban(sender, koban, **kwargs):
    from .models import Council

    names = list(koban.councils.filter(status=Council.Status.ACTIVE).values_list("name", flat=True))
    if names:
        raise ValidationError(
            _(
                "%(koban)sを対象とする連絡協議会（%(councils)s）があります。"
                "先に協議会の見直し（廃止・統合）を登録してから廃止してください。"
            )
            % {"koban": koban.name, "councils": "、".join(names)}
        )


@receiver(person_merging)
def _refuse_merging_overlapping_members(sender, keep, remove, **kwargs):
    from .models import Membership

    for m in Membership.objects.filter(person=remove).select_related("council"):
        clash = Membership.objects.filter(
            person=keep, council=m.council_id, start_date__lte=m.last_day, end_date__gte=m.start_date
        ).exclude(ended_on__lt=m.start_date)
        if clash.exists():
            raise ValidationError(
                _(
                    "2つの記録が同じ時期に%(council)sの委員になっています。"
                    "先にどちらかの委嘱を終了してから統合してください。"
                )
                % {"council": m.council.name}
            )
