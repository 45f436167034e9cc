"""Reads of cases that are more than a filter: the case list's filters and its page, the years it offers."""

from __future__ import annotations

from django.db.models import QuerySet

from . import findings, rules
from .models import Case


def filtered(cases: QuerySet, filters: dict) -> QuerySet:
    """The cases matching the list's filters (each one optional): status, category, section, koban, fiscal year,
    "not told yet" (settled, the raiser not told), a stored finding."""
    if "status" in filters:
        cases = cases.filter(status=filters["status"])
    if "category" in filters:
        cases = cases.filter(category=filters["category"])
    if "section" in filters:
        cases = cases.filter(section=filters["section"])
    if "koban" in filters:
        cases = cases.filter(koban=filters["koban"])
    if "fiscal_year" in filters:
        cases = cases.filter(received_on__range=rules.fiscal_year_range(filters["fiscal_year"]))
    if filters.get("not_told"):
        cases = cases.filter(status__in=Case.SETTLED, told_on__isnull=True)
    if "finding" in filters:
        cases = cases.filter(findings.having(code=filters["finding"]))
    return cases


def for_list(cases: QuerySet) -> QuerySet:
    """The columns a list row (and an export row) shows, read with the cases in one query, newest first."""
    return cases.select_related("station", "koban", "section", "raised_by_person").order_by("-received_on", "-pk")


def fiscal_years(cases: QuerySet, today) -> list[int]:
    """The fiscal years offered by the filter: from the oldest case's to this one, newest first (two queries at
    most, whatever the number of cases)."""
    first = cases.order_by("received_on").values_list("received_on", flat=True).first()
    current = rules.fiscal_year_of(today)
    start = rules.fiscal_year_of(first) if first else current
    return list(range(current, min(start, current) - 1, -1))
