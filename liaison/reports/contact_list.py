"""連絡員一覧表 (N2.4): the station's contact-person list as an A4 landscape PDF, with the list's filters and the
columns the reader may see (``liaison.network.export_contacts``), dates in the Japanese era, IPAex明朝 embedded.

Every section of the station and HQ may read the list, so every one of them may print it: the columns follow
``liaison.access.personal_data`` exactly as on the screen and in the Excel file, and the print is audited (as an
export of personal data when it holds personal fields).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.access.permissions import Perm
from liaison.access.personal_data import may_see
from liaison.access.policy import require
from liaison.lib.dates import today_tokyo
from liaison.lib.downloads import download_response
from liaison.lib.wareki import to_wareki
from liaison.network import queries_contacts
from liaison.network.export_contacts import Column, columns_for, record_contact_export

from .documents import in_official_language
from .pdf import render_pdf

CONTACT_LIST_TEMPLATE = "reports/contact_list.html"
PDF = "application/pdf"
# A station's list is a few hundred people; the laying out takes about a second per hundred rows, so a list the size
# of the prefecture (tens of thousands) is refused with a message instead of holding a server process for minutes.
PDF_LIMIT = 1000


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return to_wareki(value)
    return str(value)


@in_official_language
def contact_list_pdf(contacts, columns: list[Column], *, station, printed_on: datetime.date | None = None) -> bytes:
    """The list as A4 landscape pages, the column heads repeated on every page."""
    rows = [[_cell(column.value(contact)) for column in columns] for contact in contacts]
    return render_pdf(
        CONTACT_LIST_TEMPLATE,
        {
            "station": station,
            "columns": columns,
            "rows": rows,
            "printed_on": to_wareki(printed_on or today_tokyo()),
        },
    )


@require(Perm.VIEW_CONTACTS)
def contact_list_pdf_view(request):
    """N2.4: the 連絡員一覧表 as a PDF, the same people as the list with the same filters; audited."""
    station, _form, filters, contacts = queries_contacts.listed(request.user, request.GET)
    rows = list(contacts[: PDF_LIMIT + 1])
    if len(rows) > PDF_LIMIT:
        messages.error(
            request,
            _(
                "連絡員一覧表のPDFは%(limit)s人までです。警察署や交番・駐在所で絞り込んでください（Excelは全件を出力できます）。"
            )
            % {"limit": f"{PDF_LIMIT:,}"},
        )
        return redirect(f"{reverse('network:contact_list')}?{request.GET.urlencode()}")
    columns = columns_for(may_see(request.user), with_station=station is None)
    pdf = contact_list_pdf(rows, columns, station=station)
    record_contact_export(
        user=request.user, station=station, filters=filters, count=len(rows), columns=columns, kind="PDF"
    )
    name = f"連絡員一覧表_{station.name if station else '全署'}_{today_tokyo().isoformat()}.pdf"
    return download_response(pdf, name, PDF)
