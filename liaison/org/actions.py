"""Writes to the organisation. Each action validates, saves and writes its audit entry in one transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from liaison.audit.log import record

from .models import Koban, KobanTransfer, PrefectureSettings, Reorganisation, Station
from .signals import kobans_transferred


class StaleEdit(Exception):
    """Someone else saved the record after this user opened it: show both versions, never overwrite silently."""

    def __init__(self, current):
        super().__init__("stale edit")
        self.current = current


SETTINGS_FIELDS = [
    "name",
    "hq_name",
    "hq_chief_title",
    "station_chief_title",
    "hq_community_division",
    "hq_doc_prefix",
    "station_doc_prefix",
    "term_years",
    "council_size_min",
    "council_size_max",
    "leader_share_min",
    "leader_share_max",
    "long_tenure_years",
    "term_ending_days",
]


@transaction.atomic
def prefecture_settings_update(*, values: dict, version: int, acting_user) -> PrefectureSettings:
    """Save the prefecture settings if nobody saved them since ``version`` was read; else raise StaleEdit."""
    current = PrefectureSettings.current()
    changed = {k: v for k, v in values.items() if k in SETTINGS_FIELDS and getattr(current, k) != v}
    updated = PrefectureSettings.objects.filter(pk=current.pk, version=version).update(
        **{k: values[k] for k in SETTINGS_FIELDS if k in values}, version=F("version") + 1
    )
    if not updated:
        raise StaleEdit(PrefectureSettings.objects.get(pk=current.pk))
    current.refresh_from_db()
    record(
        user=acting_user,
        action="settings.update",
        summary="県の設定を変更しました",
        obj=current,
        detail={k: str(v) for k, v in changed.items()},
    )
    return current


@transaction.atomic
def reorganisation_move_kobans(
    *,
    from_station: Station,
    to_station: Station,
    kobans: list[Koban],
    effective_date: datetime.date,
    note: str = "",
    acting_user,
) -> Reorganisation:
    """Move kobans to another station (C6.2(2)), keeping the history; listeners re-commission council members."""
    if from_station.pk == to_station.pk:
        raise ValidationError("移管元と移管先が同じ警察署です。")
    if not to_station.active:
        raise ValidationError("移管先の警察署は統合済みです。")
    if not kobans:
        raise ValidationError("移管する交番・駐在所を選んでください。")
    foreign = [k.name for k in kobans if k.station_id != from_station.pk]
    if foreign:
        raise ValidationError(f"{'、'.join(foreign)}は{from_station.name}の所属ではありません。")
    reorg = Reorganisation.objects.create(
        kind=Reorganisation.Kind.MOVE_KOBANS,
        effective_date=effective_date,
        from_station=from_station,
        to_station=to_station,
        note=note,
        created_by=acting_user,
    )
    transfers = _transfer(reorg, kobans, from_station, to_station)
    record(
        user=acting_user,
        action="org.reorganise",
        summary=f"{'、'.join(k.name for k in kobans)}を{from_station.name}から{to_station.name}へ移管しました",
        obj=reorg,
    )
    kobans_transferred.send(sender=Reorganisation, reorganisation=reorg, transfers=transfers, acting_user=acting_user)
    return reorg


@transaction.atomic
def reorganisation_merge_stations(
    *, from_station: Station, to_station: Station, effective_date: datetime.date, note: str = "", acting_user
) -> Reorganisation:
    """Merge a station into another: all its kobans and sections move, the old station stays as history."""
    if from_station.pk == to_station.pk:
        raise ValidationError("統合元と統合先が同じ警察署です。")
    if not from_station.active or not to_station.active:
        raise ValidationError("統合済みの警察署は選べません。")
    reorg = Reorganisation.objects.create(
        kind=Reorganisation.Kind.MERGE,
        effective_date=effective_date,
        from_station=from_station,
        to_station=to_station,
        note=note,
        created_by=acting_user,
    )
    kobans = list(from_station.kobans.all())
    transfers = _transfer(reorg, kobans, from_station, to_station)
    # Officers follow their kobans; the rest move to the new station's section of the same name when there is one.
    from_station.officers.filter(koban__isnull=True).update(station=to_station, section=None)
    Station.objects.filter(pk=from_station.pk).update(active=False, merged_into=to_station)
    record(
        user=acting_user,
        action="org.merge",
        summary=f"{from_station.name}を{to_station.name}に統合しました",
        obj=reorg,
    )
    kobans_transferred.send(sender=Reorganisation, reorganisation=reorg, transfers=transfers, acting_user=acting_user)
    return reorg


def _transfer(reorg, kobans, from_station, to_station) -> list[KobanTransfer]:
    transfers = []
    community_section = to_station.sections.filter(is_community=True).first()
    for koban in kobans:
        transfers.append(
            KobanTransfer.objects.create(
                reorganisation=reorg, koban=koban, from_station=from_station, to_station=to_station
            )
        )
        koban.station = to_station
        koban.save(update_fields=["station"])
        # The koban's officers move with it, into the new station's 地域課.
        koban.officers.update(station=to_station, section=community_section)
    return transfers
