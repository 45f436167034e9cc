"""The contact-person list (連絡員一覧表, N2.4) as rows of columns, for Excel here and for the PDF in
``liaison.reports.contact_list``: one list of columns, so the screen's rules on personal fields hold in both.

Which columns a reader gets follows ``liaison.access.personal_data``: everyone who may read the list sees the name,
the concurrent roles, the area and the koban (that is what the list is for, every section of the station uses it);
the reading, address, phone, e-mail and the way they like to be contacted need the people permission.
"""

from __future__ import annotations

from collections.abc import Iterable

from liaison.access.personal_data import Field, MaySee
from liaison.audit.log import record, record_export
from liaison.audit.models import AuditEntry
from liaison.lib.exports import Column, Table

from .models import ContactPerson


def roles_text(contact: ContactPerson) -> str:
    return "、".join(str(role) for role in contact.roles.all())


def _base(with_station: bool) -> list[Column]:
    columns = [Column("警察署", 14, lambda c: c.station.name)] if with_station else []
    return [
        *columns,
        Column("交番・駐在所", 16, lambda c: c.koban.name if c.koban_id else ""),
        Column("市区町村", 14, lambda c: c.municipality),
        Column("地区", 14, lambda c: c.district),
        Column("氏名", 16, lambda c: c.person.full_name),
    ]


def columns_for(may: MaySee, *, with_station: bool = False) -> list[Column]:
    """The columns of the list for a reader who may see ``may`` (see the module docstring)."""
    columns = _base(with_station)
    if Field.READING in may:
        columns.append(Column("読み", 18, lambda c: c.person.full_kana, personal=True))
    columns += [
        Column("兼任の役割", 30, roles_text),
        Column("依頼の経緯", 18, lambda c: " ".join(filter(None, [c.get_source_display(), c.source_detail]))),
        Column("承諾の状況", 10, lambda c: c.get_consent_display()),
        Column("承諾日", 16, lambda c: c.consent_on if c.consent == ContactPerson.Consent.CONSENTED else None),
        Column("担当警察官", 14, lambda c: c.officer.full_name if c.officer_id else ""),
    ]
    if Field.ADDRESS in may:
        columns.append(Column("住所", 36, lambda c: c.person.address, personal=True))
    if Field.PHONE in may:
        columns.append(Column("電話番号", 16, lambda c: c.person.phone_display, personal=True))
    if Field.EMAIL in may:
        columns.append(Column("メールアドレス", 26, lambda c: c.person.email, personal=True))
        columns.append(Column("希望する連絡方法", 12, lambda c: c.get_contact_way_display(), personal=True))
        columns.append(Column("メールでの情報提供", 10, lambda c: "希望" if c.wants_email else "", personal=True))
    return columns


def has_personal(columns: Iterable[Column]) -> bool:
    return any(column.personal for column in columns)


def contact_table(columns: list[Column]) -> Table:
    """The list as the one list-to-file helper writes it (Excel or CSV), A4 landscape, the header on every page; its
    audit entry counts people (人), as the PDF's does (``record_contact_export``)."""
    return Table("連絡員一覧表", columns, unit="人")


def record_contact_export(*, user, station, filters: dict, count: int, columns: list[Column], kind: str) -> None:
    """Audit an export of the list (Excel or PDF); one of personal data when it holds personal fields beyond the
    name, the roles and the area."""
    summary = f"連絡員一覧表を{kind}で出力しました（{count}人）"
    detail = {
        "filters": {k: str(v.pk if hasattr(v, "pk") else v) for k, v in filters.items()},
        "count": count,
        "columns": [c.title for c in columns],
    }
    action = f"network.contact_export_{kind.lower()}"
    if has_personal(columns):
        record_export(user=user, action=action, summary=summary, station=station, detail=detail)
    else:
        record(user=user, kind=AuditEntry.Kind.EXPORT, action=action, summary=summary, station=station, detail=detail)
