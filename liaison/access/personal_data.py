"""Who sees which personal data of a person (X2): decided here, once. Pages and exports ask; they never decide.

Everyone who may see a council sees who sits on it and in which post: that is what a council is, and it is printed
on the council's own papers. Everything else about a person (reading, gender, age and birth date, occupation,
employer, address, phone, e-mail, public offices, notes) is personal data and needs the people permission
(VIEW_PEOPLE). Roles without it (署各課, 本部各所属) therefore see names and posts only, on every station they may
see. The exports (rosters, Forms 1 and 2) carry every field: they need PRINT_FORMS, which only roles holding the
people permission have (the access-matrix test checks it). README.md ("Who sees which personal data") is the table.

Templates ask through the ``personal_data`` tag library::

    {% load personal_data %}{% may_see as may_see %}
    {% if may_see.age %}<td>{{ row.age }}</td>{% endif %}

A page that forgets to ask shows nothing: an unset ``may_see`` is false for every field.
"""

from collections.abc import Iterable
from enum import StrEnum

from .permissions import Perm
from .policy import permissions_of


class Field(StrEnum):
    NAME = "name"  # 氏名
    POST = "post"  # 役職 on a council (会長・副会長 …)
    READING = "reading"  # 読み
    GENDER = "gender"  # 性別
    AGE = "age"  # 年齢, 生年月日
    OCCUPATION = "occupation"  # 職業
    ORGANISATION = "organisation"  # 勤務先・団体名と役職
    ADDRESS = "address"  # 郵便番号, 住所
    PHONE = "phone"  # 電話番号
    EMAIL = "email"  # メールアドレス
    PUBLIC_OFFICE = "public_office"  # 公職歴 (candidacies and offices)
    NOTES = "notes"  # 備考


ON_DUTY = frozenset({Field.NAME, Field.POST})
ALL_FIELDS = frozenset(Field)

# Council findings that state a member's personal attribute (all members in one age band, of one occupation, of
# one gender; a member holding public office), by the field they reveal: shown only to those who may see it.
FINDINGS_REVEALING = {
    "age_spread": Field.AGE,
    "occupation_spread": Field.OCCUPATION,
    "gender_spread": Field.GENDER,
    "public_office": Field.PUBLIC_OFFICE,
}


def fields_for(perms: Iterable[Perm]) -> frozenset[Field]:
    """The person fields a holder of these permissions may see."""
    perms = frozenset(perms)
    if Perm.VIEW_PEOPLE in perms:
        return ALL_FIELDS
    if Perm.VIEW_COUNCILS in perms:
        return ON_DUTY
    return frozenset()


def visible_fields(user) -> frozenset[Field]:
    """The person fields this user may see, on every page and export."""
    return fields_for(permissions_of(user))


class MaySee:
    """``may_see.age`` is True when the user may see ages; ``may_see.person_page`` when they may open person pages."""

    def __init__(self, fields: frozenset[Field], person_page: bool):
        self.fields = fields
        self.person_page = person_page

    def __getattr__(self, name: str) -> bool:
        # Only called for names that are not set above: a field name, or a typo, which fails closed.
        return name in self.fields

    def __contains__(self, field) -> bool:
        return field in self.fields


def may_see(user) -> MaySee:
    """What of a person this user may see, for templates and exports."""
    return MaySee(visible_fields(user), Perm.VIEW_PEOPLE in permissions_of(user))


def hidden_finding_codes(user) -> list[str]:
    """The finding codes this user may not read, for filtering stored findings in SQL (see ``shown_findings``)."""
    fields = visible_fields(user)
    return sorted(code for code, field in FINDINGS_REVEALING.items() if field not in fields)


def shown_findings(user, findings: list) -> list:
    """The findings this user may read: those naming a personal attribute only for users who may see that field."""
    fields = visible_fields(user)
    return [f for f in findings if FINDINGS_REVEALING.get(f.code, Field.NAME) in fields]
