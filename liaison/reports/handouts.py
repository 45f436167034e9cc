"""Printed handouts of safety information (N3.2): one A4 page per recipient of a distribution, with the item and the
contact person's name, printed through the batch print of ``kinds`` (a background job with its progress bar).

Printing marks the deliveries PRINTED. Only those who may distribute the item to that contact person may print
theirs (their station; their koban for a koban chief).
"""

from __future__ import annotations

from collections.abc import Sequence

from liaison.access.permissions import Perm
from liaison.lib.wareki import to_wareki
from liaison.network.actions.info import deliveries_mark_printed
from liaison.network.models import Delivery

from .kinds import DocumentKind, register
from .pdf import render_document

HANDOUT_TEMPLATE = "reports/safety_info_handout.html"


def handout_queryset():
    return Delivery.objects.select_related(
        "distribution__item__publisher_division",
        "distribution__item__publisher_station",
        "distribution__station",
        "contact__person",
        "contact__koban",
    )


def handout_context(deliveries: Sequence[Delivery]) -> dict:
    pages = []
    for delivery in deliveries:
        item = delivery.distribution.item
        publisher = item.publisher_station or item.publisher_division
        pages.append(
            {
                "name": delivery.contact.person.full_name,
                "title": item.title,
                "body": item.body,
                "area": item.area,
                "published_on": to_wareki(item.published_on),
                "valid_until": to_wareki(item.valid_until) if item.valid_until else "",
                "publisher": publisher.name if publisher else "",
                "station": delivery.distribution.station.name,
            }
        )
    return {"pages": pages}


def handouts_document(deliveries: Sequence[Delivery], font_config=None):
    """The handouts of ``deliveries`` laid out, one page each, in order."""
    return render_document(HANDOUT_TEMPLATE, handout_context(deliveries), font_config=font_config)


def handouts_label(deliveries: Sequence[Delivery]) -> str:
    titles = sorted({d.distribution.item.title for d in deliveries})
    return titles[0][:40] if len(titles) == 1 else f"{titles[0][:40]}ほか{len(titles) - 1}件"


HANDOUTS = register(
    DocumentKind(
        code="handout",
        noun="地域安全情報",
        queryset=handout_queryset,
        render=handouts_document,
        audit_action="safety_info.handout_print",
        ids_key="delivery_ids",
        permission=Perm.DISTRIBUTE_SAFETY_INFO,
        describe=handouts_label,
        # Always a background job with its progress bar: the page the user comes back to shows the deliveries
        # marked printed once the PDF is made.
        sync_limit=0,
        after_print=deliveries_mark_printed,
    )
)
