"""The case list as a file (X3), through the one list-to-file helper: the columns of the list, the raiser's name
only for those who may see people's names (as on the screen)."""

from __future__ import annotations

from liaison.lib.exports import Column, Table

from .models import Case


def raiser_name(case: Case) -> str:
    if case.raised_by_person_id:
        return case.raised_by_person.full_name
    return case.raised_by_name


def case_table(*, with_names: bool) -> Table:
    """The columns of the case list; the raiser's name only when the reader may see people's names."""
    columns = [
        Column("受付日", 16, lambda c: c.received_on),
        Column("警察署", 14, lambda c: c.station.name),
        Column("交番・駐在所", 16, lambda c: c.koban.name if c.koban_id else ""),
        Column("分類", 12, lambda c: c.get_category_display()),
        Column("申出者の区分", 14, lambda c: c.get_raised_by_kind_display()),
    ]
    if with_names:
        columns.append(Column("申出者", 16, raiser_name, personal=True))
    columns += [
        Column("意見・要望の内容", 50, lambda c: c.content),
        Column("回答", 40, lambda c: c.answer),
        Column("担当課", 14, lambda c: c.section.name if c.section_id else ""),
        Column("措置状況", 10, lambda c: c.get_status_display()),
        Column("措置日", 16, lambda c: c.settled_on),
        Column("措置状況の連絡日", 16, lambda c: c.told_on),
    ]
    return Table("意見・要望", columns)
