"""Writes of 巡回連絡強化日 (N4.4): the station chief plans days on which kobans' officers make time to meet contact
persons; the exchanges of each koban on its day are the results (read in ``queries_figures``)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from liaison.audit.log import record
from liaison.lib.dates import require_office_date
from liaison.org.models import Koban, Station

from ..models import VisitDay


@transaction.atomic
def visit_days_plan(
    *, station: Station, on: datetime.date, kobans: list[Koban], note: str = "", acting_user
) -> list[VisitDay]:
    """Plan ``on`` as 巡回連絡強化日 for each of ``kobans`` (of ``station``); a koban already planned that day is left as
    it is. Returns the days created."""
    require_office_date(on, field="on")
    if not kobans:
        raise ValidationError({"kobans": _("交番・駐在所を選んでください。")})
    if any(k.station_id != station.pk for k in kobans):
        raise ValidationError(_("%(station)sの交番・駐在所から選んでください。") % {"station": station.name})
    planned = set(VisitDay.objects.filter(on=on, koban__in=kobans).values_list("koban_id", flat=True))
    new = [k for k in kobans if k.pk not in planned]
    if not new:
        raise ValidationError(_("選んだ交番・駐在所は、この日にすでに巡回連絡強化日が予定されています。"))
    days = VisitDay.objects.bulk_create(
        VisitDay(koban=k, on=on, note=(note or "")[:200], created_by=acting_user) for k in new
    )
    record(
        user=acting_user,
        action="network.visit_days_plan",
        summary=f"巡回連絡強化日を予定しました（{on.isoformat()}：{'、'.join(k.name for k in new)}）",
        station=station,
        detail={"on": on.isoformat(), "kobans": [k.pk for k in new]},
    )
    return days


@transaction.atomic
def visit_day_delete(*, day: VisitDay, acting_user) -> None:
    """Take a planned 巡回連絡強化日 off the plan (the exchanges made that day stay, as every exchange does)."""
    koban = day.koban
    record(
        user=acting_user,
        action="network.visit_day_delete",
        summary=f"巡回連絡強化日の予定を取り消しました（{day.on.isoformat()}：{koban.name}）",
        station=koban.station,
        detail={"on": day.on.isoformat(), "koban": koban.pk},
    )
    day.delete()
