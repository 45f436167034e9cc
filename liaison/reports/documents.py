"""Forms of the circular as PDF: 別記様式第1号 委嘱状 (C6.3) and 別記様式第2号 設置報告書 (C11.1(1)).

Both are A4 portrait (X5) and carry Japanese-era dates (X3).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.utils import translation

from liaison.councils.models import Council, Membership
from liaison.councils.queries import current_memberships
from liaison.lib.dates import today_tokyo
from liaison.lib.wareki import to_wareki
from liaison.org.models import Officer, PrefectureSettings, Station

from .numbers import document_number, document_number_digits
from .pdf import font_configuration, render_document, render_pdf, write_documents

LETTER_TEMPLATE = "reports/appointment_letter.html"
SETUP_REPORT_TEMPLATE = "reports/setup_report.html"


def in_official_language(func):
    """The forms are printed in Japanese whatever language the screens are in (choice labels, ranks, posts)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper


_POST_ORDER = {Membership.Post.CHAIR: 0, Membership.Post.VICE_CHAIR: 1, Membership.Post.OTHER: 2}


def council_committee_name(council: Council) -> str:
    """The seed reads 「あなたを○○連絡協議会委員に委嘱します。」: a name already ending in 協議会 is used as it is."""
    name = council.name.strip()
    return name if name.endswith("協議会") else f"{name}連絡協議会"


def station_chief_title(station: Station, prefecture: PrefectureSettings | None = None) -> str:
    """「青葉警察署長」: the station's name with 長, or the configured chief title when the name is not a 署."""
    prefecture = prefecture or PrefectureSettings.current()
    if station.name.endswith("署"):
        return f"{station.name}長"
    return f"{station.name}{prefecture.station_chief_title}"


def station_chiefs(station_ids: Iterable[int]) -> dict[int, Officer]:
    """The active station chief of each station (the first by reading when several are recorded)."""
    chiefs: dict[int, Officer] = {}
    for officer in Officer.objects.filter(
        role=Officer.Role.STATION_CHIEF, active=True, station_id__in=set(station_ids)
    ).order_by("sort_key", "pk"):
        chiefs.setdefault(officer.station_id, officer)
    return chiefs


def letter_context(memberships: Sequence[Membership]) -> dict:
    """Template context for Form 1: one entry per membership, in the order given."""
    prefecture = PrefectureSettings.current()
    chiefs = station_chiefs(m.station_id for m in memberships)
    letters = []
    for m in memberships:
        chief = chiefs.get(m.station_id)
        letters.append(
            {
                "membership": m,
                "number": m.letter_number,
                "member_name": m.person.full_name,
                "committee": council_committee_name(m.council),
                "start": to_wareki(m.start_date),
                "end": to_wareki(m.end_date),
                "date": to_wareki(m.letter_date or m.start_date),
                "issuer_title": station_chief_title(m.station, prefecture),
                "issuer_name": chief.full_name if chief else "",
            }
        )
    return {"letters": letters}


def letter_queryset():
    return Membership.objects.select_related("council", "person", "station")


@in_official_language
def appointment_letters_pdf(memberships: Iterable[Membership]) -> bytes:
    """C6.3: one A4 page of 委嘱状 (別記様式第1号) per membership, in the order given."""
    memberships = list(memberships)
    if not memberships:
        raise ValueError("委嘱状を印刷する委員がいません。")
    return render_pdf(LETTER_TEMPLATE, letter_context(memberships))


def letters_document(memberships: Sequence[Membership], font_config=None):
    """Form 1 laid out for ``memberships`` (one page each, in order): a WeasyPrint document, not yet written."""
    return render_document(LETTER_TEMPLATE, letter_context(memberships), font_config=font_config)


@in_official_language
def pdf_in_chunks(
    render: Callable[[Sequence, object], object],
    objects: Sequence,
    *,
    chunk_size: int = 20,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """Lay out ``objects`` ``chunk_size`` at a time with ``render(chunk, font_config)``, reporting the count done.

    Layout is most of the work, so ``progress`` is honest; the pages are then joined and written once, sharing one
    font configuration so each font is embedded once.
    """
    objects = list(objects)
    if not objects:
        raise ValueError("印刷するものがありません。")
    font_config = font_configuration()
    documents = []
    for start in range(0, len(objects), chunk_size):
        chunk = objects[start : start + chunk_size]
        documents.append(render(chunk, font_config))
        if progress is not None:
            progress(start + len(chunk))
    return write_documents(documents)


def appointment_letters_pdf_in_chunks(
    memberships: Sequence[Membership], *, chunk_size: int = 20, progress: Callable[[int], None] | None = None
) -> bytes:
    """Like ``appointment_letters_pdf`` but lays out ``chunk_size`` letters at a time, reporting the count done."""
    if not memberships:
        raise ValueError("委嘱状を印刷する委員がいません。")
    return pdf_in_chunks(letters_document, memberships, chunk_size=chunk_size, progress=progress)


def members_for_report(council: Council, day: datetime.date) -> list[Membership]:
    """The members serving on ``day`` (one row each, in the post of that term): 会長, 副会長, other posts, 五十音順."""
    memberships = council.memberships.filter(current_memberships(day)).select_related("person")
    return sorted(memberships, key=lambda m: (_POST_ORDER.get(m.post, 3), m.person.sort_key, m.person.pk))


def setup_report_context(
    council: Council,
    *,
    number: str = "",
    report_date: datetime.date | None = None,
    members: Sequence[Membership] | None = None,
) -> dict:
    """Template context for Form 2: the council as it was on the report date (today when not given).

    ``number`` is the bare number or the whole number as printed; ``members`` defaults to ``members_for_report``.
    """
    prefecture = PrefectureSettings.current()
    day = report_date or today_tokyo()
    if members is None:
        members = members_for_report(council, day)
    rows = []
    for m in members:
        person = m.person
        organisation = " ".join(p for p in (person.organisation, person.organisation_title) if p)
        age = person.age(day)
        rows.append(
            {
                "name": person.full_name,
                "post": m.post_label,
                "organisation": organisation,
                "age": "" if age is None else age,
            }
        )
    prefix = prefecture.station_doc_prefix
    return {
        "council": council,
        "prefecture": prefecture,
        "document_number": document_number(prefix, document_number_digits(number, prefix)),
        "date": to_wareki(day),
        "issuer_title": station_chief_title(council.station, prefecture),
        "members": rows,
        "manager": council.operation_manager,
    }


@in_official_language
def setup_report_pdf(
    council: Council,
    *,
    number: str = "",
    report_date: datetime.date | None = None,
    members: Sequence[Membership] | None = None,
) -> bytes:
    """C11.1(1): 交番・駐在所連絡協議会設置報告書 (別記様式第2号) for one council, dated in the Japanese era."""
    context = setup_report_context(council, number=number, report_date=report_date, members=members)
    return render_pdf(SETUP_REPORT_TEMPLATE, context)
